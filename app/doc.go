// Package app is Coffre's Fyne window: the wizard, the exit-time prompt and
// the configuration screen. It holds screens only; every rule lives in the
// engine under internal/.
//
// # Who runs, who presents, who translates
//
// The wizard's steps are data (wizardSteps), and so are its operations
// (operations): each names the fields its Options step shows and runs the
// engine on a copy of the choices (job) off the UI goroutine, through the
// batch runner when it works on several dossiers or files, a panic there
// becoming « Erreur interne » (guardedRun). Its result is an
// internal/report Summary — the same sentences the command line prints —
// that the Résultat step renders, warnings in the warning colour. The app
// never imports internal/cli.
package app

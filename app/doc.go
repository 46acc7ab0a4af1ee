// Package app is Coffre's Fyne window: the wizard, the exit-time prompt and
// the configuration screen. It holds screens only; every rule lives in the
// engine under internal/.
package app

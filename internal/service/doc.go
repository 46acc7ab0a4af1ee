// Package service is the automatic backup: it decides what is due, backs
// each chosen dossier up with verification, compares it with the previous
// healthy backup, rotates the backups it wrote, copies them offsite, sends
// the e-mail alerts and logs the run.
//
// # Who runs, who presents
//
// Engine.RunOnce is one run, in three steps: plan (settings, remembered
// state, what is due: plan.go), act (the dossiers through the one batch
// runner, internal/batch, each backed up by backup.Run, compared and
// checked: act.go; then the offsite copy — outbox, rotation, the re-reading
// of one older copy: offsite.go) and commit (local rotation, state, run
// log, alerts: commit.go, alerts.go). Engine.Serve is the foreground loop
// around it: it looks at the wall clock every minute, re-reads the settings
// when the file changes and retries the waiting alerts with a back-off.
// Watch (`coffre surveiller`) and VerifyRemote (`coffre verifier --distant`)
// read the offsite destination only.
//
// A run's Report carries facts (the engine's results, typed offsite causes,
// i18n.Note remarks). Two presenters render them: the e-mail (internal/notify
// composes it, in the current language, when it is sent) and the run log
// (internal/journal keeps notes — message and arguments — rendered when the
// « Historique » or the command line shows them, in the reader's language).
//
// What the service writes is in its register (registre.json): rotation only
// ever deletes files found there, in the order they were written (never by
// name or by the clock), and keeps the newest healthy backups whatever
// follows them.
package service

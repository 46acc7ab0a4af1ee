// Package batch is the one runner of an operation over several dossiers
// (or several files): the command line, the wizard, the exit-time prompt and
// the automatic service all go through Run, so they agree on what happened.
//
// # Who runs, who presents
//
// The caller gives Run the items (a dossier's numero, a file's path, and a
// label for people) and a function doing the operation on one item with
// the engine (backup.Run, archive.Run, verify.File…). Run calls it for each
// item in turn, on the caller's goroutine, and records one Outcome per item:
//
//   - Done: the operation did its work; Result holds its facts.
//   - Refused: the operation decided not to touch the item, for a reason a
//     person can act on (the dossier is in use, not a management dossier,
//     missing, the passphrase is wrong…). Err is that reason.
//   - Failed: the operation tried and something went wrong (disk full,
//     damaged file…). Err is the cause, with its whole chain.
//   - Skipped: there was nothing to do (no exercice old enough to archive,
//     no change since the last transfer). Err, if set, is the fact to show;
//     it is not a failure: the exit code stays 0.
//
// One item's failure never costs the others their turn. Cancellation stops
// at once: the current item's operation undoes its work (every engine
// operation leaves nothing half-written when its context ends), Result.
// Canceled is set and no further item starts. A panic inside one item's
// operation is recovered (crash.Recover): that item is Failed with
// « Erreur interne » and a crash report, and the others go on.
//
// Run translates nothing: outcomes carry engine facts and errors. The
// presenters (internal/report for the sentences, the command line's text
// and --json output, the wizard's result screen, the service's e-mail)
// render them in the reader's language.
//
// # Saying « nothing to do »
//
// An operation tells the runner that an item needed no work by returning an
// error that wraps ErrNothingToDo — typically i18n.E(msg, data,
// batch.ErrNothingToDo), whose message says why (« Aucun exercice n'est
// assez ancien pour être archivé »). Refusals are recognised from the
// dossier sentinels (see Classify).
//
// # Progress
//
// Options.Progress receives every engine event with the item's index, so a
// presenter shows both the dossier's own progress (Event) and the overall
// one (Step.Fraction). It is called on the working goroutine.
//
// The package also names what the exit-time prompt writes (ExitName,
// ExitTarget).
package batch

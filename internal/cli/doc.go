// Package cli is Coffre's command line: French verbs with English aliases,
// each a thin layer over the engine's operations, for Task Scheduler, cron
// and the IT provider's scripts.
//
// # Who runs, who presents, who translates
//
// A verb is a struct whose fields its flags fill (no flag is looked up by
// name), registered in the commands table with its positional arguments
// and sub-commands. Its run builds the engine's request, asks the
// request's Validate — the same rules the wizard's Options step applies —
// and runs the operation: one dossier directly, several through the batch
// runner (internal/batch). It translates nothing itself: the sentences are
// internal/report's, printed as text (the same lines the wizard shows) or,
// with --json, as one JSON document with the engine's facts.
//
// Run parses the options in French (unknown option, missing value, extra
// argument, unknown language), takes --langue and --journal wherever they
// stand, prints one French line for an error and returns the documented
// exit code (exitCode). --journal FICHIER appends to a log what was asked,
// every sentence shown and each error's whole chain (internal/logfile). A
// panic anywhere in a command becomes « Erreur interne » with a crash
// report (internal/crash) and ExitInternal. Everything printed passes
// through cleanWriter, so that text read from a file (a dossier's name)
// never sends control characters to the terminal.
//
// Adding a verb: a struct with flags and run, and one register call.
package cli

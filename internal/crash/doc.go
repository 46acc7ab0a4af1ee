// Package crash turns a panic — a fault in Coffre itself — into the
// user-facing « Erreur interne » and a crash report file, so that no
// operation ever ends in a Go stack trace on the user's screen.
//
// Who calls it: the command line guards each command (cli.Run), the batch
// runner guards each dossier's operation (batch.Run), the wizard guards
// its work goroutines. Each defers Recover; the report (stack, version,
// system, command line with its secrets masked) is written under
// paths.DataDir()/rapports and its path is part of the message, so a user
// can send it to support. The command line exits with cli.ExitInternal for
// such an error.
package crash

// Package logfile writes the support log: a plain text file where a
// command run (coffre … --journal FICHIER) or the automatic service records
// what it was asked, what it told the user, and, for every error, the
// sentence shown followed by the whole chain of causes behind it
// (i18n.Chain) — what a person cannot read on screen but support needs.
//
// The command line opens one for --journal; the service opens its own. A
// nil *Log writes nothing, so callers need not test for it. It never holds
// a secret: Coffre reads passphrases and passwords from files and masks the
// connection strings it records (crash.Mask).
package logfile

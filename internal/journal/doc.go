// Package journal is the log of the automatic backup service: one entry per
// run in the data folder, rotated, read back for the wizard's « Historique ».
// What a person reads is kept as notes (message code and arguments) and
// rendered when the log is shown, in the reader's language.
package journal

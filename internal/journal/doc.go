// Package journal is the log of the automatic backup service: one entry per
// run in the data folder, rotated, read back for the wizard's « Historique ».
package journal

// Package access backs up and restores Microsoft Access dossiers (.mdb,
// .accdb files in a folder) whole, and only while nobody has them open: the
// .ldb/.laccdb lock file then names the machines to ask.
package access

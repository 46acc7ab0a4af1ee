// Package admin writes the copy of a dossier for a tax audit (« transfert
// administration »): a new database holding only the chosen exercices,
// marked so that it can never be restored as a dossier, and their FEC.
package admin

// Package connexion opens a connexion from what the user typed (a folder, or
// "odbc:<connection string>") and lists its dossiers with the date of their
// last backup found.
package connexion

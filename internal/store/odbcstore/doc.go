// Package odbcstore is the ODBC connexion: dossiers kept on a database
// server (PostgreSQL, SQL Server) or reached through an ODBC driver (SQLite),
// one database per dossier, backed up logically into the same portable
// SQLite image as the folder store and restored from it.
package odbcstore

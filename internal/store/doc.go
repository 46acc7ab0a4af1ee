// Package store defines a connexion — the place where dossiers live — as one
// interface with two implementations: a folder of SQLite files (sqlitestore)
// and an ODBC server (a later one). storetest is the conformance suite both
// must pass.
package store

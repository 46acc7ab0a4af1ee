// Package storetest is the conformance suite every connexion (store.Store)
// must pass: the folder of SQLite files and, later, ODBC servers.
package storetest

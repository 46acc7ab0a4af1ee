// Package workcopy runs an operation written for a folder of SQLite
// dossiers (archive, de-archive, cut, transfer import, export, admin copy)
// on a dossier that lives on a server, through a local working copy taken
// under the dossier's lock and switched back in through the server's own
// staging, so the operations are written once.
package workcopy

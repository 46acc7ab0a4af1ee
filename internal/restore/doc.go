// Package restore puts a backup (PBF) or a database file (export, cut, any
// SQLite file) back into a connexion: staged next to the target, checked,
// then switched in, after a safety backup of what it replaces.
package restore

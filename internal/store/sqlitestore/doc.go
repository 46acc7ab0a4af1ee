// Package sqlitestore is the default connexion: a folder of SQLite dossier
// files (001SOC.db…), and single SQLite files backed up whole.
package sqlitestore

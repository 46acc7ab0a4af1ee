// Package prefs remembers the user's last choices between runs: the last
// destination folder and the last connexion.
package prefs

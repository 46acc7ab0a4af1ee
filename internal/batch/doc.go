// Package batch backs up several dossiers of a connexion in one go, for the
// wizard and the exit-time prompt, and names what the exit-time backup writes.
package batch

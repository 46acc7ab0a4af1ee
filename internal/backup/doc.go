// Package backup takes full backups (PBF): a consistent snapshot of a
// dossier, streamed into the packed format under a temp name, checked, then
// renamed.
package backup

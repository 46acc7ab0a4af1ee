// Package remote copies backups offsite — to an SFTP server or a network
// folder — under a temporary name, reads back what arrived to check its size
// and SHA-256, renames it, and keeps the last N copies of each dossier there.
package remote

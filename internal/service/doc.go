// Package service is the automatic backup: it decides what is due, backs
// each chosen dossier up with verification, rotates the backups it wrote,
// copies them offsite, sends the e-mail alerts and logs the run.
package service

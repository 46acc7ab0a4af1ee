// Package config reads and writes coffre.toml, the settings of the automatic
// backup service (schedule, offsite copy, e-mail, recipients), and keeps the
// SMTP and SFTP passwords out of it: in the OS keyring, or encrypted at rest.
package config

// Package config reads and writes coffre.toml, the settings of the automatic
// backup service (schedule, encryption, offsite copy, e-mail, recipients),
// refusing any key it does not know (with its line and the key meant), and
// keeps the passwords out of it: in the OS keyring, or encrypted at rest.
package config

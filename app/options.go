package app

import (
	"coffre/internal/connexion"
)

// Options is everything the wizard's steps choose. Steps write into it; the
// operations read it. It holds no widget.
type Options struct {
	// Connexion
	ODBC         bool   // false: a folder of dossiers
	Folder       string // local connexion
	ODBCServer   string // DSN name, or a whole connection string (with "=")
	ODBCUser     string
	ODBCPassword string

	// Opération
	Operation   string // operation id
	VerifyAfter bool

	// Dossiers: the numeros chosen, or the backup files chosen.
	Dossiers    []string
	FilesFolder string
	Files       []string
	Numero      string // where to restore

	// Options
	DestDir      string
	Name         string // backup file name, when one dossier
	Encrypt      bool
	Passphrase   string // encryption, or to read an encrypted file
	Passphrase2  string
	Replace      bool
	OtherDossier bool
	Complete     bool // full verification level
}

// Spec is the connexion the options describe; the engine builds the
// connection string, credentials braced by its quoting helper.
func (o *Options) Spec() connexion.Spec {
	if !o.ODBC {
		return connexion.Spec{Folder: o.Folder}
	}
	return connexion.Spec{Server: o.ODBCServer, User: o.ODBCUser, Password: o.ODBCPassword}
}

// RememberedConnexion is the connexion to remember and show: never the
// password.
func (o *Options) RememberedConnexion() string { return o.Spec().Remembered() }

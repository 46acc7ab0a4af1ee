package app

import (
	"strings"

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

// Connexion is the connexion spec for connexion.Open.
func (o *Options) Connexion() string {
	if !o.ODBC {
		return o.Folder
	}
	s := strings.TrimSpace(o.ODBCServer)
	if !strings.Contains(s, "=") {
		s = "DSN=" + s
	}
	s = strings.TrimSuffix(s, ";")
	if o.ODBCUser != "" {
		s += ";Uid=" + o.ODBCUser
	}
	if o.ODBCPassword != "" {
		s += ";Pwd=" + o.ODBCPassword
	}
	return connexion.ODBCPrefix + s
}

// RememberedConnexion is the connexion to remember: never the password.
func (o *Options) RememberedConnexion() string {
	if !o.ODBC {
		return o.Folder
	}
	p := *o
	p.ODBCPassword = ""
	return p.Connexion()
}

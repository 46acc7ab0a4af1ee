package app

import (
	"slices"

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
	// IgnoreSessions: the Résumé's « confirmer » of an operation on a
	// dossier its sessions table says is open (--ignorer-sessions).
	IgnoreSessions bool

	// Fiscal-year operations
	ExportHere    bool                // export into the connexion's own folder
	NewBase       bool                // transfer: export the complete dossier as a new base
	Exercices     map[string][]string // codes ticked, per dossier numero (or per .paf path)
	ShowAll       bool                // Dossiers: every dossier, not only those proposed
	Simplified    bool                // tax-audit copy: accounting only
	Annexes       bool                // tax-audit copy: with the annexes
	FEC           bool                // tax-audit copy: and the FEC of each exercice
	FirstKept     string              // cut: first exercice the dossier keeps
	Clean         bool                // cut: remove tiers and comptes left without history
	DeleteArchive bool                // de-archiving: delete the .paf once all is back
}

// forRun is a copy of o the work goroutine may read while the screens go
// on: its maps are its own.
func (o Options) forRun() Options {
	ex := make(map[string][]string, len(o.Exercices))
	for k, v := range o.Exercices {
		ex[k] = slices.Clone(v)
	}
	o.Exercices = ex
	o.Dossiers, o.Files = slices.Clone(o.Dossiers), slices.Clone(o.Files)
	return o
}

// resetChoices forgets what was chosen for the previous operation.
func (o *Options) resetChoices() {
	o.Dossiers, o.Files, o.Numero = nil, nil, ""
	o.Replace, o.OtherDossier, o.IgnoreSessions = false, false, false
	o.Passphrase, o.Passphrase2, o.Name = "", "", ""
	o.Exercices, o.FirstKept, o.ShowAll = nil, "", false
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

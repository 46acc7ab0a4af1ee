package i18n

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
)

// sqliteFull and sqliteNotADB are SQLite's fixed texts for SQLITE_FULL
// and SQLITE_NOTADB: its driver's error does not wrap the ENOSPC behind
// the first, and this package cannot import the driver to test its code.
const (
	sqliteFull   = "database or disk is full"
	sqliteNotADB = "file is not a database"
)

var (
	msgCanceled = &Message{ID: "OperationAnnulee", Other: "Opération annulée."}
	msgDiskFull = &Message{ID: "DisquePlein", Other: "Espace disque insuffisant : libérez de la place ou choisissez un autre emplacement. Rien n'a été modifié."}
	msgDiskIO   = &Message{ID: "ErreurDisque", Other: "Erreur de lecture ou d'écriture sur le disque (entrée/sortie) : le support est peut-être endommagé ou déconnecté. Réessayez, ou choisissez un autre emplacement."}
	msgAccess   = &Message{ID: "AccesRefuse", Other: "Accès refusé : vous n'avez pas le droit d'écrire ou de lire à cet endroit."}
	msgInternal = &Message{ID: "ErreurInattendue", Other: "Erreur inattendue : {{.Detail}}"}
	msgNotFound = &Message{ID: "FichierIntrouvable", Other: "Fichier ou dossier introuvable : {{.Path}}"}
	msgIsDir    = &Message{ID: "EstUnDossier", Other: "« {{.Path}} » est un dossier, pas un fichier : indiquez un fichier."}
	msgNotDir   = &Message{ID: "PasUnDossier", Other: "« {{.Path}} » n'est pas un dossier (c'est un fichier) : indiquez un dossier."}
	msgNotADB   = &Message{ID: "PasUneBaseSQLite", Other: "Ce fichier n'est pas une base SQLite lisible (ou il est endommagé)."}
)

// Describe turns any error into one line for a person, in the current
// language: the outermost user-facing Error, or a known system condition
// (cancellation, disk full, access denied, a folder given for a file…), or
// the raw text as a last resort.
func Describe(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.Is(err, context.Canceled) && errors.As(err, &e) {
		return e.Error()
	}
	m, data := condition(err)
	return T(m, data)
}

// condition is the sentence for an error that carries no user-facing
// Error: a known system condition, or « Erreur inattendue ».
func condition(err error) (*Message, map[string]any) {
	var pe *fs.PathError
	switch {
	case errors.Is(err, context.Canceled):
		return msgCanceled, nil
	case errors.Is(err, fs.ErrNotExist) && errors.As(err, &pe):
		return msgNotFound, map[string]any{"Path": pe.Path}
	case errors.Is(err, syscall.EISDIR) && errors.As(err, &pe):
		return msgIsDir, map[string]any{"Path": pe.Path}
	case errors.Is(err, syscall.ENOTDIR) && errors.As(err, &pe):
		return msgNotDir, map[string]any{"Path": pe.Path}
	case strings.Contains(err.Error(), sqliteNotADB):
		return msgNotADB, nil
	case IsNoSpace(err), strings.Contains(err.Error(), sqliteFull):
		return msgDiskFull, nil
	case isReadOnly(err):
		return msgReadOnly, nil
	case errors.Is(err, syscall.EIO):
		return msgDiskIO, nil
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM), errors.Is(err, fs.ErrPermission):
		return msgAccess, nil
	}
	if m, data := sysCondition(err); m != nil {
		return m, data
	}
	return msgInternal, map[string]any{"Detail": err.Error()}
}

// Canceled reports whether err means the user cancelled the operation.
func Canceled(err error) bool { return errors.Is(err, context.Canceled) }

// Code is err's stable identifier for scripts and logs: the message ID of
// the sentence Describe shows ("" for nil).
func Code(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if !errors.Is(err, context.Canceled) && errors.As(err, &e) && e.Msg != nil {
		return e.Msg.ID
	}
	m, _ := condition(err)
	return m.ID
}

// Fault is an error as --json shows it: its code and its sentence.
type Fault struct {
	Code string `json:"code"`
	Text string `json:"texte"`
}

// FaultOf is err for --json (nil for nil).
func FaultOf(err error) *Fault {
	if err == nil {
		return nil
	}
	return &Fault{Code: Code(err), Text: Describe(err)}
}

// Described is err as a message argument: the template shows Describe(err)
// in the language of the moment it is rendered, and JSON gets that text.
func Described(err error) any { return described{err} }

type described struct{ err error }

func (d described) String() string               { return Describe(d.err) }
func (d described) MarshalJSON() ([]byte, error) { return json.Marshal(Describe(d.err)) }

// Chain lists err and every error it wraps, outermost first, one line each,
// indented by depth: what support needs behind the sentence a person saw
// (a user-facing error shows its message ID; the innermost causes their
// Go type). It is for the log file, never for the screen.
func Chain(err error) []string {
	var out []string
	var walk func(e error, depth int)
	walk = func(e error, depth int) {
		if e == nil || depth > 32 {
			return
		}
		var kids []error
		switch u := e.(type) {
		case interface{ Unwrap() []error }:
			kids = u.Unwrap()
		case interface{ Unwrap() error }:
			if k := u.Unwrap(); k != nil {
				kids = []error{k}
			}
		}
		line := e.Error()
		if ie, ok := e.(*Error); ok && ie.Msg != nil {
			line = "[" + ie.Msg.ID + "] " + line
		} else if len(kids) == 0 {
			line = fmt.Sprintf("%s (%T)", line, e)
		}
		out = append(out, strings.Repeat("  ", depth)+strings.ReplaceAll(line, "\n", "\n"+strings.Repeat("  ", depth+1)))
		for _, k := range kids {
			walk(k, depth+1)
		}
	}
	walk(err, 0)
	return out
}

package i18n

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"syscall"
)

// sqliteFull is SQLite's fixed text for SQLITE_FULL: its driver's error
// does not wrap the ENOSPC behind it.
const sqliteFull = "database or disk is full"

var (
	msgCanceled = &Message{ID: "OperationAnnulee", Other: "Opération annulée."}
	msgDiskFull = &Message{ID: "DisquePlein", Other: "Espace disque insuffisant : libérez de la place ou choisissez un autre emplacement. Rien n'a été modifié."}
	msgDiskIO   = &Message{ID: "ErreurDisque", Other: "Erreur de lecture ou d'écriture sur le disque (entrée/sortie) : le support est peut-être endommagé ou déconnecté. Réessayez, ou choisissez un autre emplacement."}
	msgAccess   = &Message{ID: "AccesRefuse", Other: "Accès refusé : vous n'avez pas le droit d'écrire ou de lire à cet endroit."}
	msgInternal = &Message{ID: "ErreurInattendue", Other: "Erreur inattendue : {{.Detail}}"}
	msgNotFound = &Message{ID: "FichierIntrouvable", Other: "Fichier ou dossier introuvable : {{.Path}}"}
)

// Describe turns any error into one line for a person, in the current
// language: the outermost user-facing Error, or a known system condition
// (cancellation, disk full, access denied), or the raw text as a last resort.
func Describe(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return T(msgCanceled, nil)
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	var pe *fs.PathError
	switch {
	case errors.Is(err, fs.ErrNotExist) && errors.As(err, &pe):
		return T(msgNotFound, map[string]any{"Path": pe.Path})
	case errors.Is(err, syscall.ENOSPC), strings.Contains(err.Error(), sqliteFull):
		return T(msgDiskFull, nil)
	case errors.Is(err, syscall.EIO):
		return T(msgDiskIO, nil)
	case errors.Is(err, syscall.EACCES), errors.Is(err, syscall.EPERM):
		return T(msgAccess, nil)
	}
	return T(msgInternal, map[string]any{"Detail": err.Error()})
}

// Canceled reports whether err means the user cancelled the operation.
func Canceled(err error) bool { return errors.Is(err, context.Canceled) }

package dossier

import (
	"errors"
	"os"
	"strings"

	"coffre/internal/i18n"
)

// Field names what a person fills in for an operation — a field of the
// wizard's Options step, an option of the command line. The engine's
// requests say, through a FieldError, which one stops them, so both ask for
// it the same way.
type Field string

// The fields the engine's requests check. The command line maps each to its
// option (FieldDestination is --vers).
const (
	FieldDestination Field = "destination"
	FieldName        Field = "nom"
	FieldDossier     Field = "dossier"
	FieldFile        Field = "fichier"
	FieldExercices   Field = "exercices"
	FieldFirstKept   Field = "premier-exercice"
	FieldNumero      Field = "numero"
	FieldSafety      Field = "securite"
)

// FieldError is a request that cannot run as it is filled in: which field,
// whether it is simply empty, and why (a user-facing error).
type FieldError struct {
	Field   Field
	Missing bool
	Err     error
}

func (e *FieldError) Error() string { return e.Err.Error() }
func (e *FieldError) Unwrap() error { return e.Err }

// MissingField says that field f must be filled in, with the sentence m.
func MissingField(f Field, m *i18n.Message) error {
	return &FieldError{Field: f, Missing: true, Err: i18n.E(m, nil, nil)}
}

// BadField says that field f holds something the operation cannot use.
func BadField(f Field, err error) error { return &FieldError{Field: f, Err: err} }

var (
	msgNeedDest    = &i18n.Message{ID: "UIDestinationRequise", Other: "Indiquez le dossier de destination."}
	msgDestMissing = &i18n.Message{ID: "UIDestinationAbsente", Other: "Le dossier de destination « {{.Dir}} » n'existe pas."}
	msgDestNotDir  = &i18n.Message{ID: "DestinationPasDossier", Other: "La destination « {{.Dir}} » est un fichier, pas un dossier : choisissez le dossier où écrire."}
	msgNeedFile    = &i18n.Message{ID: "FichierRequis", Other: "Indiquez le fichier."}
	msgFileIsDir   = &i18n.Message{ID: "FichierEstUnDossier", Other: "« {{.Path}} » est un dossier, pas un fichier : indiquez le fichier lui-même."}
	msgSafetyFile  = &i18n.Message{ID: "SecuritePasDossier", Other: "« {{.Dir}} », où iraient les sauvegardes de sécurité, est un fichier, pas un dossier : indiquez un dossier (--securite)."}
	msgNeedDossier = &i18n.Message{ID: "DossierRequis", Other: "Indiquez le dossier."}
)

// CheckDestination is the one rule for a destination folder: given, and an
// existing folder where one can write (a temp file is created and removed).
func CheckDestination(dir string) error {
	if strings.TrimSpace(dir) == "" {
		return MissingField(FieldDestination, msgNeedDest)
	}
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return BadField(FieldDestination, i18n.E(msgDestMissing, map[string]any{"Dir": dir}, ErrNotFound))
	case err != nil:
		return BadField(FieldDestination, err)
	case !fi.IsDir():
		return BadField(FieldDestination, i18n.E(msgDestNotDir, map[string]any{"Dir": dir}, ErrNotFound))
	}
	return probeWritable(dir)
}

// CheckFile is the rule for the file an operation reads: given, and not a
// folder. (A file that does not exist is the operation's to say, naming it.)
func CheckFile(path string) error {
	if strings.TrimSpace(path) == "" {
		return MissingField(FieldFile, msgNeedFile)
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return BadField(FieldFile, i18n.E(msgFileIsDir, map[string]any{"Path": path}, ErrNotFound))
	}
	return nil
}

// CheckSafetyDir is the rule for the folder of safety backups: it may not
// exist yet (it is created), but it cannot be a file.
func CheckSafetyDir(dir string) error {
	if fi, err := os.Stat(dir); err == nil && !fi.IsDir() {
		return BadField(FieldSafety, i18n.E(msgSafetyFile, map[string]any{"Dir": dir}, ErrNotFound))
	}
	return nil
}

// CheckNumero is the rule for the dossier an operation works on: a valid
// number.
func CheckNumero(numero string) error {
	switch {
	case numero == "":
		return MissingField(FieldDossier, msgNeedDossier)
	case !ValidNumero(numero):
		return BadField(FieldDossier, ErrBadNumero)
	}
	return nil
}

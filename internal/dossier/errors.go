package dossier

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"coffre/internal/i18n"
)

// Sentinel errors. Stores and readers map their own errors to these at their
// boundary; callers test them with errors.Is. Each is also a user-facing
// message, so an error that wraps nothing more specific still reads well.
var (
	ErrNotFound        = i18n.E(&i18n.Message{ID: "ErrIntrouvable", Other: "Dossier introuvable."}, nil, nil)
	ErrExists          = i18n.E(&i18n.Message{ID: "ErrExisteDeja", Other: "Ce dossier existe déjà."}, nil, nil)
	ErrInUse           = i18n.E(&i18n.Message{ID: "ErrOccupe", Other: "Le dossier est utilisé par une autre opération."}, nil, nil)
	ErrCorrupt         = i18n.E(&i18n.Message{ID: "ErrEndommage", Other: "Le fichier est endommagé."}, nil, nil)
	ErrTruncated       = i18n.E(&i18n.Message{ID: "ErrTronque", Other: "Le fichier est incomplet (tronqué)."}, nil, nil)
	ErrNotCoffre       = i18n.E(&i18n.Message{ID: "ErrPasCoffre", Other: "Ce fichier n'est pas une sauvegarde Coffre."}, nil, nil)
	ErrNewerFormat     = i18n.E(&i18n.Message{ID: "ErrFormatRecent", Other: "Ce fichier a été créé par une version plus récente de Coffre."}, nil, nil)
	ErrWrongPassphrase = i18n.E(&i18n.Message{ID: "ErrPhraseSecrete", Other: "Phrase secrète incorrecte."}, nil, nil)
	ErrNeedPassphrase  = i18n.E(&i18n.Message{ID: "ErrPhraseRequise", Other: "Ce fichier est chiffré : indiquez sa phrase secrète."}, nil, nil)
	ErrNotRestorable   = i18n.E(&i18n.Message{ID: "ErrNonRestaurable", Other: "Ce fichier ne peut pas être restauré."}, nil, nil)
	ErrSequence        = i18n.E(&i18n.Message{ID: "ErrSequence", Other: "Ce transfert n'est pas le suivant attendu."}, nil, nil)
	ErrSchema          = i18n.E(&i18n.Message{ID: "ErrSchema", Other: "Cette base n'est pas un dossier de gestion (schéma version 1) : cette opération en a besoin."}, nil, nil)
	ErrBadNumero       = i18n.E(&i18n.Message{ID: "ErrNumero", Other: "Numéro de dossier invalide : il faut trois chiffres, de 001 à 999."}, nil, nil)
	// ErrUnfaithful: the copy would not be an exact image of the database
	// (a module, a function or a type Coffre cannot carry), so it is refused
	// before anything is written.
	ErrUnfaithful = i18n.E(&i18n.Message{ID: "ErrInfidele", Other: "Cette base ne peut pas être copiée à l'identique."}, nil, nil)
)

var msgSchemaVersion = &i18n.Message{ID: "SchemaVersionInconnue", Other: "Le dossier {{.Dossier}} est au schéma version {{.Version}} du logiciel de gestion ; cette version de Coffre ne connaît que la version 1, dont l'archivage, la découpe, la copie pour l'administration, le FEC et les transferts partiels ont besoin : mettez Coffre à jour. La sauvegarde, la vérification et la restauration complètes restent possibles."}

// CheckSchemaVersion refuses a dossier whose tables are those of schema v1
// but whose `dossier.version_schema` says another version: its columns may
// mean other things, and the fiscal-year operations only know version 1.
// Zero (no value) is version 1, the column's default.
func CheckSchemaVersion(id Identity, label string) error {
	if id.VersionSchema == 0 || id.VersionSchema == 1 {
		return nil
	}
	return i18n.E(msgSchemaVersion, map[string]any{"Dossier": label, "Version": id.VersionSchema}, ErrSchema)
}

var msgLeftover = &i18n.Message{ID: "FichiersLaisses", One: "{{.Error}} Le fichier {{.Files}}, écrit avant l'échec, n'a pas pu être supprimé : supprimez-le vous-même.", Other: "{{.Error}} Les fichiers {{.Files}}, écrits avant l'échec, n'ont pas pu être supprimés : supprimez-les vous-même."}

// Undo removes the files a failed operation had already written under
// their final names (a cut file, an archive, a tax-audit copy and its FEC),
// so that a failure leaves nothing behind. When one cannot be removed, the
// error says it is still there; err is kept as the cause either way.
func Undo(err error, files ...string) error {
	var left []string
	for _, f := range files {
		if f == "" {
			continue
		}
		if rmErr := os.Remove(f); rmErr != nil && !errors.Is(rmErr, fs.ErrNotExist) {
			left = append(left, "« "+f+" »")
			continue
		}
		syncDir(filepath.Dir(f))
	}
	if len(left) == 0 {
		return err
	}
	return i18n.E(msgLeftover, map[string]any{"Error": i18n.Describe(err), "Files": strings.Join(left, ", "), "Count": len(left)}, err)
}

// syncDir makes a removal durable where the OS can sync a folder.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

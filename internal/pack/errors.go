package pack

import (
	"fmt"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

// Messages of the errors a reader reports. Each wraps one of the dossier
// sentinels so callers can tell a wrong passphrase from a damaged file.
var (
	msgNewerFormat     = &i18n.Message{ID: "PackFormatRecent", Other: "Ce fichier est au format {{.Format}}, plus récent que le format {{.Max}} que cette version de Coffre sait lire : mettez Coffre à jour."}
	msgNotCoffre       = &i18n.Message{ID: "PackPasCoffre", Other: "Ce fichier n'est pas une sauvegarde Coffre (marqueur absent)."}
	msgIndexMissing    = &i18n.Message{ID: "PackIndexAbsent", Other: "Le fichier est incomplet : l'index de fin de fichier est absent (copie interrompue ?)."}
	msgTruncated       = &i18n.Message{ID: "PackTronque", Other: "Le fichier est incomplet : il s'arrête avant la fin des données."}
	msgIndexDamaged    = &i18n.Message{ID: "PackIndexEndommage", Other: "L'index de fin de fichier est endommagé."}
	msgManifestDamaged = &i18n.Message{ID: "PackManifesteEndommage", Other: "Le manifeste est endommagé."}
	msgManifestPlace   = &i18n.Message{ID: "PackManifesteMalPlace", Other: "Le manifeste est absent, en double ou mal placé."}
	msgPartDamaged     = &i18n.Message{ID: "PackPartieEndommagee", Other: "La partie « {{.Part}} » est endommagée (somme de contrôle différente)."}
	msgPartUnreadable  = &i18n.Message{ID: "PackPartieIllisible", Other: "La partie « {{.Part}} » est endommagée (données compressées illisibles)."}
	msgPartMismatch    = &i18n.Message{ID: "PackPartieInattendue", Other: "La partie « {{.Part}} » ne correspond pas au manifeste (nom, taille ou ordre)."}
	msgFrameDamaged    = &i18n.Message{ID: "PackBlocEndommage", Other: "Un bloc compressé du fichier est endommagé (à l'octet {{.Offset}}) : ce fichier ne peut pas être relu en entier. Restaurez une autre sauvegarde (une plus ancienne, ou la copie distante) et gardez celle-ci pour le support."}
	msgStructure       = &i18n.Message{ID: "PackStructure", Other: "La structure interne du fichier est endommagée."}
	msgBadName         = &i18n.Message{ID: "PackNomInterdit", Other: "Le fichier contient un nom interdit : « {{.Name}} »."}
	msgBadEntry        = &i18n.Message{ID: "PackEntreeInterdite", Other: "Le fichier contient une entrée qui n'est pas un fichier ordinaire : « {{.Name}} »."}
	msgTrailing        = &i18n.Message{ID: "PackDonneesFinales", Other: "Des données inattendues suivent l'index de fin de fichier."}
	msgCipherDamaged   = &i18n.Message{ID: "PackChiffrementEndommage", Other: "Le contenu chiffré est endommagé : son authentification a échoué."}
	msgWrongPassphrase = &i18n.Message{ID: "PackPhraseIncorrecte", Other: "Phrase secrète incorrecte pour ce fichier chiffré."}
	msgForeignKey      = &i18n.Message{ID: "PackChiffreCle", Other: "Ce fichier est chiffré avec age pour une clé ({{.Kinds}}), pas avec une phrase secrète : Coffre ne peut pas l'ouvrir. Déchiffrez-le d'abord avec la clé (age -d -i FICHIER-CLÉ), ou reprenez la sauvegarde chiffrée par Coffre."}
)

// corrupt builds an ErrCorrupt error; detail is kept for logs only.
func corrupt(m *i18n.Message, data map[string]any, detail error) error {
	return i18n.E(m, data, withDetail(dossier.ErrCorrupt, detail))
}

// truncated builds an ErrTruncated error.
func truncated(m *i18n.Message, detail error) error {
	return i18n.E(m, nil, withDetail(dossier.ErrTruncated, detail))
}

func notCoffre(detail error) error {
	return i18n.E(msgNotCoffre, nil, withDetail(dossier.ErrNotCoffre, detail))
}

func newerFormat(format int) error {
	return i18n.E(msgNewerFormat, map[string]any{"Format": format, "Max": FormatVersion}, dossier.ErrNewerFormat)
}

func withDetail(sentinel, detail error) error {
	if detail == nil {
		return sentinel
	}
	return fmt.Errorf("%w (%w)", sentinel, detail)
}

package secret

import (
	"strings"
	"time"

	"filippo.io/age"

	"coffre/internal/i18n"
)

// SheetInput is what the recovery sheet states. Exactly one of Phrase and
// Identity is the secret that opens the backups; Recipient is the public
// key kept in coffre.toml (key mode).
type SheetInput struct {
	Poste       string    // the workstation that makes the backups
	Date        time.Time // when the sheet was made
	Destination string    // folder of the automatic backups
	Distant     string    // the offsite destination, "" when none
	Phrase      string
	Identity    string // « AGE-SECRET-KEY-1… »
	Recipient   string // « age1… »
}

// Sheet is the recovery sheet to print: the secret that opens the
// encrypted backups and how to restore with and without Coffre. Its lines
// are notes, rendered in the reader's language by the presenter (the
// command line, the Configuration screen).
type Sheet struct {
	Lines []i18n.Note
}

var (
	msgSheetTitle     = &i18n.Message{ID: "FicheTitre", Other: "FICHE DE SECOURS COFFRE — sauvegardes chiffrées. À imprimer et à garder sous clé, hors du bureau."}
	msgSheetMade      = &i18n.Message{ID: "FicheEtablie", Other: "Établie le {{.Date}} sur le poste {{.Poste}}."}
	msgSheetWhere     = &i18n.Message{ID: "FicheOu", Other: "Sauvegardes automatiques : {{.Dest}}"}
	msgSheetOffsite   = &i18n.Message{ID: "FicheDistant", Other: "Copies distantes : {{.Distant}}"}
	msgSheetPhrase    = &i18n.Message{ID: "FichePhrase", Other: "Phrase secrète (exactement, espaces et majuscules compris) : {{.Phrase}}"}
	msgSheetKey       = &i18n.Message{ID: "FicheCle", Other: "Clé privée age (une seule ligne, à recopier dans un fichier texte cle.txt) : {{.Identity}}"}
	msgSheetPublic    = &i18n.Message{ID: "FicheClePublique", Other: "Clé publique correspondante (dans coffre.toml, cle_age) : {{.Recipient}}"}
	msgSheetNoKeyHere = &i18n.Message{ID: "FicheCleAbsente", Other: "La clé privée n'est pas sur ce poste : c'est celle de la fiche imprimée quand la clé a été créée (coffre service nouvelle-cle-age)."}
	msgSheetCoffreP   = &i18n.Message{ID: "FicheRestaurerPhrase", Other: "Restaurer avec Coffre : écrire la phrase seule dans un fichier phrase.txt, puis coffre restaurer FICHIER.pbf --connexion DOSSIER --phrase-secrete-fichier phrase.txt (ou la saisir dans l'assistant)."}
	msgSheetCoffreK   = &i18n.Message{ID: "FicheRestaurerCle", Other: "Restaurer avec Coffre : coffre restaurer FICHIER.pbf --connexion DOSSIER --identite-fichier cle.txt"}
	msgSheetAgeP      = &i18n.Message{ID: "FicheSansCoffrePhrase", Other: "Sans Coffre (outils age et zstd) : age -d FICHIER.pbf | zstd -d | tar x"}
	msgSheetAgeK      = &i18n.Message{ID: "FicheSansCoffreCle", Other: "Sans Coffre (outils age et zstd) : age -d -i cle.txt FICHIER.pbf | zstd -d | tar x"}
	msgSheetWarning   = &i18n.Message{ID: "FicheAvertissement", Other: "Sans ce secret, personne ne peut ouvrir ces sauvegardes : ni vous, ni votre prestataire, ni l'éditeur de Coffre."}
)

// RecoverySheet writes the sheet for in.
func RecoverySheet(in SheetInput) Sheet {
	n := i18n.NewNote
	s := Sheet{Lines: []i18n.Note{
		n(msgSheetTitle, nil),
		n(msgSheetMade, map[string]any{"Date": i18n.DateTime(in.Date), "Poste": in.Poste}),
		n(msgSheetWhere, map[string]any{"Dest": in.Destination}),
	}}
	if in.Distant != "" {
		s.Lines = append(s.Lines, n(msgSheetOffsite, map[string]any{"Distant": in.Distant}))
	}
	if in.Phrase != "" {
		s.Lines = append(s.Lines, n(msgSheetPhrase, map[string]any{"Phrase": in.Phrase}), n(msgSheetCoffreP, nil), n(msgSheetAgeP, nil))
	} else {
		if in.Identity != "" {
			s.Lines = append(s.Lines, n(msgSheetKey, map[string]any{"Identity": in.Identity}))
		} else {
			s.Lines = append(s.Lines, n(msgSheetNoKeyHere, nil))
		}
		s.Lines = append(s.Lines, n(msgSheetPublic, map[string]any{"Recipient": in.Recipient}), n(msgSheetCoffreK, nil), n(msgSheetAgeK, nil))
	}
	s.Lines = append(s.Lines, n(msgSheetWarning, nil))
	return s
}

// Text renders the sheet, one line per fact, for printing.
func (s Sheet) Text() string {
	var b strings.Builder
	for _, l := range s.Lines {
		b.WriteString(l.String())
		b.WriteString("\n")
	}
	return b.String()
}

// NewAgeKey makes an age X25519 key pair for « chiffrement = cle »: the
// public key goes in coffre.toml, the private key only on the printed
// recovery sheet.
func NewAgeKey() (identity, recipient string, err error) {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		return "", "", err
	}
	return id.String(), id.Recipient().String(), nil
}

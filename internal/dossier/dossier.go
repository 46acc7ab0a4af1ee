package dossier

import (
	"cmp"
	_ "embed"
	"slices"
	"time"

	"coffre/internal/i18n"
)

// SchemaV1 is the management software's dossier schema, version 1 (the
// contract in shared/dossier-schema.sql). Tests and the demo build dossiers
// from it.
//
//go:embed schema.sql
var SchemaV1 string

// Identity is the single row of a schema-v1 `dossier` table. For a database
// that is not schema v1 only Numero and Nom are known (from its name).
type Identity struct {
	Numero        string `json:"numero"`
	Nom           string `json:"nom"`
	RaisonSociale string `json:"raison_sociale,omitempty"`
	SIREN         string `json:"siren,omitempty"`
	Devise        string `json:"devise,omitempty"`
	Identifiant   string `json:"identifiant,omitempty"`
	VersionSchema int    `json:"version_schema,omitempty"`
}

// Base is the dossier's base name, numero then nom: "001SOC".
func (id Identity) Base() string { return id.Numero + id.Nom }

// Label names the dossier in messages: « 001 SOC » (see Label).
func (id Identity) Label() string { return Label(id.Numero, id.Nom) }

// InFile is the identity of a dossier whose row is id and whose file (or
// server database) is named name: a name that follows the 001NOM.db
// convention (or its E001SOC, Admin001SOC, 001SOC_CUT001 forms) gives the
// number and short name — the ones the connexion, the backups and the lock
// know it by; any other name leaves the row's number, with its short name
// made valid for file names (« CAFÉ » gives CAFE; none: from the file's
// name). Every operation names a dossier by this one number (and writes it
// into the row of what it creates: see ledger.SetNumero).
func (id Identity) InFile(name string) Identity {
	p, ok := ParseDBFile(name)
	if !ok {
		p, ok = ParseDBName(name)
	}
	if ok {
		id.Numero, id.Nom = p.Numero, p.Nom
		return id
	}
	if id.Numero == "" || ValidNom(id.Nom) {
		return id
	}
	if id.Nom = ShortNom(id.Nom); !ValidNom(id.Nom) {
		id.Nom = NomFromName(name)
	}
	return id
}

// Info is one line of a connexion's listing.
type Info struct {
	Identity
	Exercices          int       `json:"exercices"`
	PremierExercice    string    `json:"premier_exercice,omitempty"`
	DernierExercice    string    `json:"dernier_exercice,omitempty"`
	Taille             int64     `json:"taille"`
	DerniereSauvegarde time.Time `json:"derniere_sauvegarde,omitzero"`
	// Schema is "v1" for a dossier of the management software's schema,
	// "" for any other database (backed up and restored whole all the same).
	Schema string `json:"schema,omitempty"`
	// Fichier is the dossier's file in a folder connexion (or its database
	// on a server): the name a person finds it by when it is not 001NOM.db.
	Fichier string `json:"fichier,omitempty"`
	// Error says why the dossier could not be read (the listing goes on).
	Error string `json:"erreur,omitempty"`
	// Unrecognised: the file looks like a dossier (its name, or a dossier
	// table) but cannot be read as one; Error says why. Numero is set only
	// when the file's name gives it. Such a line is shown « non reconnu »,
	// never offered for an operation, and counted as not backed up.
	Unrecognised bool `json:"non_reconnu,omitempty"`
	// Conflict names the other files (or databases) of the connexion that
	// claim the same number: none of them can be reached by its number
	// until one is renumbered.
	Conflict []string `json:"conflit,omitempty"`
	// Notes are facts found while reading it (a journal beside the file
	// that Coffre did not apply…).
	Notes []i18n.Note `json:"remarques,omitempty"`
}

// Usable reports whether the dossier can be chosen for an operation by its
// number: recognised, and the only one with that number.
func (d Info) Usable() bool { return !d.Unrecognised && len(d.Conflict) == 0 && ValidNumero(d.Numero) }

// Label names the listed dossier: « 001 SOC », or its file when it has no
// number.
func (d Info) Label() string {
	if l := d.Identity.Label(); l != "" {
		return l
	}
	return d.Fichier
}

// SortInfos orders a listing by number, then short name, then file; lines
// without a number (unrecognised files) come last.
func SortInfos(list []Info) {
	slices.SortStableFunc(list, func(a, b Info) int {
		if (a.Numero == "") != (b.Numero == "") {
			if a.Numero == "" {
				return 1
			}
			return -1
		}
		return cmp.Or(cmp.Compare(a.Numero, b.Numero), cmp.Compare(a.Nom, b.Nom), cmp.Compare(a.Fichier, b.Fichier))
	})
}

// MarkConflicts fills each line's Conflict with the other lines (by file)
// that claim the same number: two files saying 001 are both shown, and
// neither is reached by its number until one is renumbered.
func MarkConflicts(list []Info) {
	by := map[string][]int{}
	for i, d := range list {
		if d.Numero != "" && !d.Unrecognised {
			by[d.Numero] = append(by[d.Numero], i)
		}
	}
	for _, idx := range by {
		if len(idx) < 2 {
			continue
		}
		for _, i := range idx {
			list[i].Conflict = nil
			for _, j := range idx {
				if j != i {
					list[i].Conflict = append(list[i].Conflict, cmp.Or(list[j].Fichier, list[j].Label()))
				}
			}
		}
	}
}

// Session is a program open on a dossier, as the management software records
// it in the `sessions` table.
type Session struct {
	Poste            string `json:"poste"`
	Utilisateur      string `json:"utilisateur"`
	Programme        string `json:"programme"`
	Debut            string `json:"debut"`
	DerniereActivite string `json:"derniere_activite"`
}

// TableCount is the number of rows of one table.
type TableCount struct {
	Name string `json:"table"`
	Rows int64  `json:"lignes"`
	// Hash is the table's content hash computed by the server itself, for
	// a verified backup of a PostgreSQL base ("" otherwise): the image's
	// rows hashed the same way must give it (docs/FORMAT.md).
	Hash string `json:"empreinte,omitempty"`
}

// TableDifference is a table whose content differs between a backup and
// the live base it was taken from (row counts and content hashes compared).
type TableDifference struct {
	Table    string `json:"table"`
	FileRows int64  `json:"lignes_fichier"`
	LiveRows int64  `json:"lignes_base"`
	Missing  bool   `json:"absente_de_la_base,omitempty"` // in the backup, not in the base
	Extra    bool   `json:"absente_du_fichier,omitempty"` // in the base, not in the backup
}

// ExerciceTotals are the accounting figures of one fiscal year, used to check
// a copy against its original.
type ExerciceTotals struct {
	Code      string `json:"code"`
	Debut     string `json:"debut"`
	Fin       string `json:"fin"`
	Cloture   bool   `json:"cloture"`
	Archive   bool   `json:"archive"`
	Ecritures int64  `json:"ecritures"`
	Lignes    int64  `json:"lignes"`
	Debit     int64  `json:"debit"`  // cents
	Credit    int64  `json:"credit"` // cents
}

// Stats describe a dossier's content: what a manifest records and what a
// verification compares.
type Stats struct {
	Tables    []TableCount     `json:"tables"`
	Exercices []ExerciceTotals `json:"exercices,omitempty"`
	// Unbalanced counts the entries whose debit and credit differ; only
	// meaningful for schema v1.
	Unbalanced int64 `json:"ecritures_desequilibrees"`
	// LastEntryDate is the most recent date_ecriture, for reports.
	LastEntryDate string `json:"derniere_ecriture,omitempty"`
}

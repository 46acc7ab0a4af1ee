package dossier

import (
	_ "embed"
	"time"
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
	// Error says why the dossier could not be read (the listing goes on).
	Error string `json:"erreur,omitempty"`
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

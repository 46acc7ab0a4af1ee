package archive

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/pack"
)

// ExtraKey is the key of a PAF's own data in the manifest's extra map.
const ExtraKey = "paf"

// Info is what a PAF records besides the generic manifest: which exercices
// it holds, their totals at archiving time, and the balance entries that
// replaced them in the dossier.
type Info struct {
	Exercices []Exercice `json:"exercices"`
}

// Exercice is one archived fiscal year.
type Exercice struct {
	ID        int64  `json:"id"` // exercices.id in the dossier
	Code      string `json:"code"`
	Debut     string `json:"debut"`
	Fin       string `json:"fin"`
	Ecritures int64  `json:"ecritures"`
	Lignes    int64  `json:"lignes"`
	Annexes   int64  `json:"annexes"`
	Debit     int64  `json:"debit"`  // cents
	Credit    int64  `json:"credit"` // cents
	// BalanceID and BalanceNumero are the OD entry (origine ARCHIVE) that
	// holds the exercice's balances in the dossier while it is archived.
	BalanceID     int64 `json:"ecriture_solde_id"`
	BalanceNumero int64 `json:"ecriture_solde_numero"`
	BalanceLignes int64 `json:"ecriture_solde_lignes"`
}

func (e Exercice) totals() totals {
	return totals{Ecritures: e.Ecritures, Lignes: e.Lignes, Annexes: e.Annexes, Debit: e.Debit, Credit: e.Credit}
}

// Codes lists the exercice codes of the archive, in order.
func (i *Info) Codes() []string {
	var out []string
	for _, e := range i.Exercices {
		out = append(out, e.Code)
	}
	return out
}

var (
	msgNotPAF    = &i18n.Message{ID: "ArchiveFichierPasPAF", Other: "« {{.File}} » n'est pas une archive d'exercices (.paf) : c'est un fichier {{.Kind}}."}
	msgPAFNoInfo = &i18n.Message{ID: "ArchivePAFIncomplet", Other: "« {{.File}} » ne dit pas quels exercices il contient : l'archive est endommagée."}
)

// InfoOf returns the PAF data of a manifest; an error when m is not a PAF
// or lacks it.
func InfoOf(m *pack.Manifest, file string) (*Info, error) {
	name := filepath.Base(file)
	if m.Kind != pack.KindPAF {
		return nil, i18n.E(msgNotPAF, map[string]any{"File": name, "Kind": string(m.Kind)}, dossier.ErrNotRestorable)
	}
	raw, ok := m.Extra[ExtraKey]
	if !ok {
		return nil, i18n.E(msgPAFNoInfo, map[string]any{"File": name}, dossier.ErrCorrupt)
	}
	var info Info
	if err := json.Unmarshal(raw, &info); err != nil || len(info.Exercices) == 0 {
		return nil, i18n.E(msgPAFNoInfo, map[string]any{"File": name}, fmt.Errorf("%w: %w", dossier.ErrCorrupt, err))
	}
	return &info, nil
}

// Inspect reads what a PAF holds without unpacking it.
func Inspect(ctx context.Context, file string) (*pack.Manifest, *Info, error) {
	m, err := pack.Inspect(ctx, file, pack.ReadOptions{})
	if err != nil {
		return nil, nil, err
	}
	info, err := InfoOf(m, file)
	return m, info, err
}

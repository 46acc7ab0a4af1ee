package connexion

import (
	"context"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
)

var msgExercicesNotV1 = &i18n.Message{ID: "ConnexionExercicesSchema", Other: "Le dossier {{.Dossier}} n'est pas un dossier de gestion (schéma version 1) : il n'a pas d'exercices à choisir."}

// Exercices lists the exercices of dossier numero of s, read in one
// snapshot (a short read, safe while the management software writes).
// ErrSchema when the dossier is not schema v1.
func Exercices(ctx context.Context, s store.Store, numero string) ([]ledger.Exercice, error) {
	snap, err := store.InStore(s, numero).Snapshot(ctx, store.SnapshotOptions{})
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	if snap.Schema() != "v1" {
		return nil, i18n.E(msgExercicesNotV1, map[string]any{"Dossier": numero}, dossier.ErrSchema)
	}
	return ledger.Exercices(ctx, snap.Querier())
}

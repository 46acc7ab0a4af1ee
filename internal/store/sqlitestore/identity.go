package sqlitestore

import (
	"context"

	"coffre/internal/ledger"
)

// SetIdentity writes numero, nom (and identifiant when not "") into the
// `dossier` row of the schema-v1 database file at path, in one transaction
// (see ledger.SetIdentity); any other database is left as it is. Called on
// a file that does not carry its final name yet.
func SetIdentity(ctx context.Context, path, numero, nom, identifiant string) error {
	db, err := OpenRW(path)
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := Tables(ctx, db)
	if err != nil {
		return MapError(path, err)
	}
	if !ledger.IsV1(tables) {
		return nil
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := ledger.SetIdentity(ctx, tx, numero, nom, identifiant); err != nil {
		return err
	}
	return tx.Commit()
}

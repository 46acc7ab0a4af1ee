package ledger

import (
	"context"
	"database/sql"
)

// Execer is what SetIdentity needs of a connection or transaction.
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// SetIdentity writes into the `dossier` row of a schema-v1 dossier the
// number and short name it is known by from now on (its file's, see
// dossier.Identity.InFile), and identifiant when it is not "" (a copy that
// becomes a dossier of its own: docs/FORMAT.md, « Identité d'un dossier »).
// Restore, export and cut call it on what they write, inside the same
// transaction or before the same final switch as the rest, so that every
// operation, file name and message afterwards says one number.
func SetIdentity(ctx context.Context, ex Execer, numero, nom, identifiant string) error {
	if identifiant != "" {
		_, err := ex.ExecContext(ctx, `UPDATE dossier SET numero = ?, nom = ?, identifiant = ?`, numero, nom, identifiant)
		return err
	}
	_, err := ex.ExecContext(ctx, `UPDATE dossier SET numero = ?, nom = ?`, numero, nom)
	return err
}

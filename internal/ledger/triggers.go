package ledger

import (
	"context"
	"database/sql"
)

// SetTriggersAside drops the dossier's triggers inside the caller's
// transaction on c and returns the function that creates them again, as
// they were, before COMMIT. An operation that moves rows between a dossier
// and a file (archive, import d'archive, cut) must not let the management
// software's triggers act on its deletions and insertions: a trigger that
// « clears the partner's lettering when a line is deleted » would change
// the years kept. A rollback puts them back by itself.
func SetTriggersAside(ctx context.Context, c *sql.Conn) (restore func() error, err error) {
	rows, err := c.QueryContext(ctx, `SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND sql IS NOT NULL ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var names, stmts []string
	for rows.Next() {
		var n, s string
		if err := rows.Scan(&n, &s); err != nil {
			rows.Close()
			return nil, err
		}
		names, stmts = append(names, n), append(stmts, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := c.ExecContext(ctx, "DROP TRIGGER main."+Quote(n)); err != nil {
			return nil, err
		}
	}
	return func() error {
		for _, s := range stmts {
			if _, err := c.ExecContext(ctx, s); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

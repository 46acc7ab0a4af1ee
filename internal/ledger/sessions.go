package ledger

import (
	"context"
	"database/sql"
	"fmt"

	"coffre/internal/dossier"
)

// Sessions reads a schema-v1 dossier's sessions table through q: the
// programs the management software says are open on it, for
// dossier.SessionPolicy. NULLs read as empty text.
func Sessions(ctx context.Context, q Querier) ([]dossier.Session, error) {
	rows, err := q.QueryContext(ctx, "SELECT poste, utilisateur, programme, debut, derniere_activite FROM main.sessions ORDER BY poste, debut")
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	defer rows.Close()
	var out []dossier.Session
	for rows.Next() {
		var p, u, g, d, a sql.NullString
		if err := rows.Scan(&p, &u, &g, &d, &a); err != nil {
			return nil, fmt.Errorf("sessions: %w", err)
		}
		out = append(out, dossier.Session{Poste: p.String, Utilisateur: u.String, Programme: g.String, Debut: d.String, DerniereActivite: a.String})
	}
	return out, rows.Err()
}

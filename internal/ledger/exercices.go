package ledger

import (
	"context"
	"database/sql"
)

// Exercice is one row of a schema-v1 dossier's exercices table: what the
// screens that choose exercices (archive, cut, tax-audit copy) list.
type Exercice struct {
	Code    string `json:"code"`
	Debut   string `json:"debut"`
	Fin     string `json:"fin"`
	Cloture bool   `json:"cloture"`
	Archive bool   `json:"archive"`
}

// Exercices reads the exercices table through q, in date order.
func Exercices(ctx context.Context, q Querier) ([]Exercice, error) {
	rows, err := q.QueryContext(ctx, `SELECT code, debut, fin, cloture, archive FROM exercices ORDER BY debut, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Exercice
	for rows.Next() {
		var e Exercice
		var debut, fin sql.NullString
		var c, a sql.NullInt64
		if err := rows.Scan(&e.Code, &debut, &fin, &c, &a); err != nil {
			return nil, err
		}
		e.Debut, e.Fin, e.Cloture, e.Archive = debut.String, fin.String, c.Int64 != 0, a.Int64 != 0
		out = append(out, e)
	}
	return out, rows.Err()
}

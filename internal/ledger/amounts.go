package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Sum is a SUM() of cents as SQLite returns it: an integer, or a REAL when
// some amount was stored as one (150.5, or 12050.0 in a REAL column). The
// figures a manifest records are checks computed the same way on the
// original and on every copy, so a non-integral sum is rounded to the
// cent rather than making the dossier impossible to back up; the
// operations that write amounts refuse such a dossier by name
// (NonWholeAmounts).
type Sum int64

// Scan reads the SUM as SQLite gives it.
func (s *Sum) Scan(src any) error {
	switch x := src.(type) {
	case nil:
		*s = 0
	case int64:
		*s = Sum(x)
	case float64:
		*s = Sum(math.Round(x))
	case []byte:
		return s.Scan(string(x))
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err != nil {
			return fmt.Errorf("amount sum %q: %w", x, err)
		}
		*s = Sum(math.Round(f))
	default:
		return fmt.Errorf("amount sum of type %T", src)
	}
	return nil
}

// AmountProblem is a line whose amount is not a whole number of cents.
type AmountProblem struct {
	Exercice string // the exercice's code
	Numero   int64  // the entry's number in it
	Field    string // debit, credit or montant_devise
	Value    string // as stored
}

// NonWholeAmounts lists the lines, among those of the exercices cond
// selects (a condition on exercices aliased x, "" for all), whose debit,
// credit or montant_devise is not a whole number of cents (a REAL 150.5, a
// text « 1,5 »), at most limit of them, and how many there are. A REAL
// that is a whole number (12050.0) is whole.
func NonWholeAmounts(ctx context.Context, q Querier, cond string, limit int) (int64, []AmountProblem, error) {
	where := ""
	if cond != "" {
		where = " AND (" + cond + ")"
	}
	bad := func(col string) string {
		return "NOT (" + col + " IS NULL OR typeof(" + col + ") = 'integer' OR (typeof(" + col + ") = 'real' AND " + col + " = CAST(" + col + " AS INTEGER)))"
	}
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(x.code, '?'), COALESCE(e.numero, 0),
			CASE WHEN `+bad("l.debit")+` THEN 'debit' WHEN `+bad("l.credit")+` THEN 'credit' ELSE 'montant_devise' END,
			CAST(CASE WHEN `+bad("l.debit")+` THEN l.debit WHEN `+bad("l.credit")+` THEN l.credit ELSE l.montant_devise END AS TEXT)
		FROM main.lignes l LEFT JOIN main.ecritures e ON e.id = l.ecriture_id LEFT JOIN main.exercices x ON x.id = e.exercice_id
		WHERE (`+bad("l.debit")+` OR `+bad("l.credit")+` OR `+bad("l.montant_devise")+`)`+where+`
		ORDER BY x.debut, e.numero, l.id`)
	if err != nil {
		return 0, nil, err
	}
	defer rows.Close()
	var n int64
	var out []AmountProblem
	for rows.Next() {
		var p AmountProblem
		var v sql.NullString
		if err := rows.Scan(&p.Exercice, &p.Numero, &p.Field, &v); err != nil {
			return 0, nil, err
		}
		p.Value = v.String
		if len(out) < limit {
			out = append(out, p)
		}
		n++
	}
	return n, out, rows.Err()
}

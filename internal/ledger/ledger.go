package ledger

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

// Querier is what the ledger needs of a connection or transaction; the
// caller chooses which one, so the figures come from its snapshot.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// v1Tables are the tables a schema-v1 dossier must have.
var v1Tables = []string{"dossier", "exercices", "journaux", "comptes", "tiers", "ecritures", "lignes", "annexes", "sessions", "transferts"}

// IsV1 reports whether the table names are those of a schema-v1 dossier.
func IsV1(tables []string) bool { return len(MissingV1(tables)) == 0 }

// MissingV1 lists the schema-v1 tables absent from tables (compared without
// regard to case), in the schema's order.
func MissingV1(tables []string) []string {
	have := map[string]bool{}
	for _, t := range tables {
		have[strings.ToLower(t)] = true
	}
	var missing []string
	for _, t := range v1Tables {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	return missing
}

// Quote quotes an identifier for SQLite, PostgreSQL and SQL Server alike.
func Quote(name string) string { return `"` + strings.ReplaceAll(name, `"`, `""`) + `"` }

// Compute returns the stats of the database seen through q, whose user
// tables are given. Accounting figures are computed only for schema v1.
func Compute(ctx context.Context, q Querier, tables []string) (dossier.Stats, error) {
	var st dossier.Stats
	names := append([]string(nil), tables...)
	sort.Strings(names)
	for _, t := range names {
		var n int64
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+Quote(t)).Scan(&n); err != nil {
			return st, fmt.Errorf("count %s: %w", t, err)
		}
		st.Tables = append(st.Tables, dossier.TableCount{Name: t, Rows: n})
	}
	if !IsV1(tables) {
		return st, nil
	}
	ex, unbalanced, err := exerciceTotals(ctx, q)
	if err != nil {
		return st, err
	}
	st.Exercices, st.Unbalanced = ex, unbalanced
	var last sql.NullString
	if err := q.QueryRowContext(ctx, "SELECT MAX(date_ecriture) FROM ecritures").Scan(&last); err != nil {
		return st, fmt.Errorf("last entry: %w", err)
	}
	st.LastEntryDate = last.String
	return st, nil
}

// exerciceTotals scans lignes once: the inner query groups by entry (walking
// the lignes_ecriture index), the outer one folds entries into exercices.
func exerciceTotals(ctx context.Context, q Querier) ([]dossier.ExerciceTotals, int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, debut, fin, cloture, archive FROM exercices ORDER BY debut, code`)
	if err != nil {
		return nil, 0, fmt.Errorf("exercices: %w", err)
	}
	var out []dossier.ExerciceTotals
	index := map[int64]int{}
	for rows.Next() {
		var id, cloture, archive int64
		var e dossier.ExerciceTotals
		if err := rows.Scan(&id, &e.Code, &e.Debut, &e.Fin, &cloture, &archive); err != nil {
			rows.Close()
			return nil, 0, fmt.Errorf("exercices: %w", err)
		}
		e.Cloture, e.Archive = cloture != 0, archive != 0
		index[id] = len(out)
		out = append(out, e)
	}
	if err := rows.Close(); err != nil {
		return nil, 0, err
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}

	rows, err = q.QueryContext(ctx, `SELECT exercice_id, COUNT(*) FROM ecritures GROUP BY exercice_id`)
	if err != nil {
		return nil, 0, fmt.Errorf("ecritures: %w", err)
	}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			rows.Close()
			return nil, 0, err
		}
		if i, ok := index[id]; ok {
			out[i].Ecritures = n
		}
	}
	if err := rows.Close(); err != nil {
		return nil, 0, err
	}

	rows, err = q.QueryContext(ctx, `
SELECT e.exercice_id, SUM(s.n), SUM(s.d), SUM(s.c), SUM(CASE WHEN s.d <> s.c THEN 1 ELSE 0 END)
FROM (SELECT ecriture_id, COUNT(*) AS n, SUM(debit) AS d, SUM(credit) AS c FROM lignes GROUP BY ecriture_id) s
JOIN ecritures e ON e.id = s.ecriture_id
GROUP BY e.exercice_id`)
	if err != nil {
		return nil, 0, fmt.Errorf("lignes: %w", err)
	}
	defer rows.Close()
	var unbalanced int64
	for rows.Next() {
		var id, n, u int64
		var d, c Sum
		if err := rows.Scan(&id, &n, &d, &c, &u); err != nil {
			return nil, 0, err
		}
		unbalanced += u
		if i, ok := index[id]; ok {
			out[i].Lignes, out[i].Debit, out[i].Credit = n, int64(d), int64(c)
		}
	}
	return out, unbalanced, rows.Err()
}

// Diff compares stats read from a copy with those its manifest recorded and
// returns the differences in French, one per line; none means they agree.
func Diff(want, got dossier.Stats) []string {
	var diffs []string
	gotRows := map[string]int64{}
	for _, t := range got.Tables {
		gotRows[t.Name] = t.Rows
	}
	wantNames := map[string]bool{}
	for _, t := range want.Tables {
		wantNames[t.Name] = true
		n, ok := gotRows[t.Name]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("table %s absente", t.Name))
		case n != t.Rows:
			diffs = append(diffs, fmt.Sprintf("table %s : %d lignes au lieu de %d", t.Name, n, t.Rows))
		}
	}
	for _, t := range got.Tables {
		if !wantNames[t.Name] {
			diffs = append(diffs, fmt.Sprintf("table %s en trop", t.Name))
		}
	}
	gotEx := map[string]dossier.ExerciceTotals{}
	for _, e := range got.Exercices {
		gotEx[e.Code] = e
	}
	for _, w := range want.Exercices {
		g, ok := gotEx[w.Code]
		if !ok {
			diffs = append(diffs, fmt.Sprintf("exercice %s absent", w.Code))
			continue
		}
		if g.Ecritures != w.Ecritures || g.Lignes != w.Lignes || g.Debit != w.Debit || g.Credit != w.Credit {
			diffs = append(diffs, fmt.Sprintf("exercice %s : %d écritures, %d lignes, débit %s, crédit %s au lieu de %d, %d, %s, %s",
				w.Code, g.Ecritures, g.Lignes, i18n.Money(g.Debit), i18n.Money(g.Credit), w.Ecritures, w.Lignes, i18n.Money(w.Debit), i18n.Money(w.Credit)))
		}
	}
	if len(got.Exercices) != len(want.Exercices) {
		diffs = append(diffs, fmt.Sprintf("%d exercices au lieu de %d", len(got.Exercices), len(want.Exercices)))
	}
	if got.Unbalanced != want.Unbalanced {
		diffs = append(diffs, fmt.Sprintf("%d écritures déséquilibrées au lieu de %d", got.Unbalanced, want.Unbalanced))
	}
	return diffs
}

// ForeignKeyViolations runs SQLite's foreign_key_check through q and returns
// how many references are broken and the first three, "table rowid →
// parent", comma-separated.
func ForeignKeyViolations(ctx context.Context, q Querier) (n int64, example string, err error) {
	rows, err := q.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var tbl, parent string
		var rowid sql.NullInt64
		var fk int64
		if err := rows.Scan(&tbl, &rowid, &parent, &fk); err != nil {
			return n, example, err
		}
		if n < 3 {
			if n > 0 {
				example += ", "
			}
			example += fmt.Sprintf("%s %d → %s", tbl, rowid.Int64, parent)
		}
		n++
	}
	return n, example, rows.Err()
}

package dossiertest

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// MasterKey is the Dump key holding the schema: one row [type, name,
// tbl_name, sql] per table, view, index and trigger, sorted by type then
// name (rootpage is left out: it changes with any rewrite of the file).
const MasterKey = "sqlite_master"

// Dump returns every row of every table of the database at path, keyed by
// table name, plus the schema under MasterKey. Rows are in rowid order, or
// ordered by all columns for WITHOUT ROWID tables; values are nil, int64,
// float64, string or []byte exactly as stored (no driver conversion of DATE
// or BOOLEAN columns). Internal tables such as sqlite_sequence are included:
// a faithful copy keeps them too. Virtual tables are skipped (their shadow
// tables hold the data).
func Dump(tb testing.TB, path string) map[string][][]any {
	tb.Helper()
	db := open(tb, path)
	defer db.Close()
	out := map[string][][]any{}
	out[MasterKey] = query(tb, db, `SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name`)
	for _, r := range query(tb, db, `SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' ORDER BY name`) {
		name, typ := r[0].(string), r[1].(string)
		if typ != "table" && typ != "shadow" {
			continue
		}
		if strings.HasPrefix(name, "sqlite_temp_") || name == "sqlite_schema" {
			continue
		}
		out[name] = dumpTable(tb, db, name, r[2] == int64(1))
	}
	return out
}

func dumpTable(tb testing.TB, db *sql.DB, table string, withoutRowid bool) [][]any {
	tb.Helper()
	var cols, order []string
	used := map[string]bool{}
	for i, r := range query(tb, db, `SELECT name FROM pragma_table_info(?) ORDER BY cid`, table) {
		name := r[0].(string)
		used[strings.ToLower(name)] = true
		// The unary + makes each value an expression, so the driver does not
		// convert it by the column's declared type.
		cols = append(cols, "+"+quoteIdent(name))
		order = append(order, fmt.Sprint(i+1))
	}
	if !withoutRowid {
		order = nil
		for _, alias := range []string{"rowid", "_rowid_", "oid"} {
			if !used[alias] {
				order = []string{alias}
				break
			}
		}
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + quoteIdent(table)
	if len(order) > 0 {
		q += " ORDER BY " + strings.Join(order, ", ")
	}
	rows := query(tb, db, q)
	if rows == nil {
		rows = [][]any{}
	}
	return rows
}

func query(tb testing.TB, db *sql.DB, q string, args ...any) [][]any {
	tb.Helper()
	rows, err := db.Query(q, args...)
	if err != nil {
		tb.Fatalf("dossiertest: %s: %v", short(q), err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		tb.Fatalf("dossiertest: %v", err)
	}
	var out [][]any
	for rows.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatalf("dossiertest: %s: %v", short(q), err)
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		tb.Fatalf("dossiertest: %s: %v", short(q), err)
	}
	return out
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Diff reports the first difference between two dumps, "" when they are
// equal. Values must be of the same type to be equal: 1 and 1.0 differ.
func Diff(a, b map[string][][]any) string {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	sorted := make([]string, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.Sort(sorted)
	for _, k := range sorted {
		ra, oka := a[k]
		rb, okb := b[k]
		switch {
		case !oka:
			return fmt.Sprintf("table %q: only in the second dump", k)
		case !okb:
			return fmt.Sprintf("table %q: only in the first dump", k)
		}
		for i := 0; i < min(len(ra), len(rb)); i++ {
			if d := diffRow(ra[i], rb[i]); d != "" {
				return fmt.Sprintf("table %q, row %d: %s", k, i+1, d)
			}
		}
		if len(ra) != len(rb) {
			return fmt.Sprintf("table %q: %d rows ≠ %d rows", k, len(ra), len(rb))
		}
	}
	return ""
}

func diffRow(a, b []any) string {
	if len(a) != len(b) {
		return fmt.Sprintf("%d columns ≠ %d columns", len(a), len(b))
	}
	for i := range a {
		if !equalValue(a[i], b[i]) {
			return fmt.Sprintf("column %d: %s ≠ %s", i+1, show(a[i]), show(b[i]))
		}
	}
	return ""
}

func equalValue(a, b any) bool {
	switch x := a.(type) {
	case nil:
		return b == nil
	case int64:
		y, ok := b.(int64)
		return ok && x == y
	case float64:
		y, ok := b.(float64)
		return ok && math.Float64bits(x) == math.Float64bits(y)
	case string:
		y, ok := b.(string)
		return ok && x == y
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	default:
		return fmt.Sprintf("%T %v", a, a) == fmt.Sprintf("%T %v", b, b)
	}
}

// show prints a value for a difference report, shortened so a 1 MB BLOB
// does not flood the test log.
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		if len(x) > 80 {
			cut := 80
			for !utf8.RuneStart(x[cut]) {
				cut--
			}
			return fmt.Sprintf("%q… (%d bytes)", x[:cut], len(x))
		}
		return fmt.Sprintf("%q", x)
	case []byte:
		sum := sha256.Sum256(x)
		head := x[:min(len(x), 16)]
		return fmt.Sprintf("BLOB %d bytes x'%X'… sha256 %x", len(x), head, sum[:6])
	default:
		return fmt.Sprintf("%T(%v)", v, v)
	}
}

// RowHash is a SHA-256, in hex, of the database's Dump: equal for two files
// with the same schema and rows, whatever their page layout.
func RowHash(tb testing.TB, path string) string {
	tb.Helper()
	return HashDump(Dump(tb, path))
}

// HashDump is the SHA-256, in hex, of a dump in an unambiguous encoding
// (type tags and lengths), so no two different dumps collide by framing.
func HashDump(d map[string][][]any) string {
	h := sha256.New()
	var n [8]byte
	num := func(v uint64) {
		binary.BigEndian.PutUint64(n[:], v)
		h.Write(n[:])
	}
	str := func(tag byte, s []byte) {
		h.Write([]byte{tag})
		num(uint64(len(s)))
		h.Write(s)
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		str('T', []byte(k))
		num(uint64(len(d[k])))
		for _, row := range d[k] {
			num(uint64(len(row)))
			for _, v := range row {
				switch x := v.(type) {
				case nil:
					h.Write([]byte{'N'})
				case int64:
					h.Write([]byte{'I'})
					num(uint64(x))
				case float64:
					h.Write([]byte{'F'})
					num(math.Float64bits(x))
				case string:
					str('S', []byte(x))
				case []byte:
					str('B', x)
				default:
					str('?', fmt.Appendf(nil, "%T %v", v, v))
				}
			}
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

// WithoutExercices returns a copy of the Dump d of a schema-v1 dossier
// without the rows of the exercices ids — their exercices row, entries,
// lines and annexes — and without the tables named in drop: what an
// operation that moves those exercices must leave exactly as it was.
func WithoutExercices(d map[string][][]any, ids []int64, drop ...string) map[string][][]any {
	moved := map[int64]bool{}
	for _, id := range ids {
		moved[id] = true
	}
	entries := map[int64]bool{}
	for _, r := range d["ecritures"] {
		if id, ok := r[1].(int64); ok && moved[id] {
			entries[r[0].(int64)] = true
		}
	}
	keep := func(table string, r []any) bool {
		switch table {
		case "exercices":
			id, _ := r[0].(int64)
			return !moved[id]
		case "ecritures":
			id, _ := r[1].(int64)
			return !moved[id]
		case "lignes", "annexes":
			id, _ := r[1].(int64)
			return !entries[id]
		}
		return true
	}
	out := map[string][][]any{}
	for table, rows := range d {
		if slices.Contains(drop, table) {
			continue
		}
		kept := [][]any{}
		for _, r := range rows {
			if keep(table, r) {
				kept = append(kept, r)
			}
		}
		out[table] = kept
	}
	return out
}

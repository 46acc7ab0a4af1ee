package transfer

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"sort"
	"strings"

	"coffre/internal/ledger"
)

// siteLocal are the schema-v1 tables each site keeps for itself: the
// programs open on its copy, and the transfers applied to it.
var siteLocal = map[string]bool{"transferts": true, "sessions": true}

// table is what the transfer knows of one table of the dossier.
type table struct {
	Name string
	Cols []string
	// Rowid is the name under which the rowid is reachable ("rowid",
	// "_rowid_" or "oid", whichever no column shadows); "" for a WITHOUT
	// ROWID table, whose rows are keyed by their primary key.
	Rowid string
	PK    []int // WITHOUT ROWID: indexes in Cols of the primary key
}

// hashSize is the length of a row hash: enough that a change going unseen
// (two different rows with one hash) is not a practical concern.
const hashSize = 8

type rowHash [hashSize]byte

// tables lists the tables carried by transfers, sorted by name, with their
// columns, and the hash of the whole schema (any table, index, view or
// trigger changed means the rows alone no longer describe the dossier).
func tables(ctx context.Context, q ledger.Querier) ([]table, string, error) {
	rows, err := q.QueryContext(ctx, `SELECT type, name, tbl_name, COALESCE(sql, '') FROM sqlite_master
		WHERE name NOT LIKE 'sqlite\_%' ESCAPE '\' ORDER BY type, name`)
	if err != nil {
		return nil, "", err
	}
	h := sha256.New()
	var names []string
	for rows.Next() {
		var typ, name, tbl, sqlText string
		if err := rows.Scan(&typ, &name, &tbl, &sqlText); err != nil {
			rows.Close()
			return nil, "", err
		}
		for _, s := range []string{typ, name, tbl, sqlText} {
			writeBytes(h, []byte(s))
		}
		if typ == "table" && !siteLocal[name] && !strings.HasPrefix(strings.ToUpper(strings.TrimSpace(sqlText)), "CREATE VIRTUAL") {
			names = append(names, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	sort.Strings(names)
	var out []table
	for _, name := range names {
		t, err := describe(ctx, q, name)
		if err != nil {
			return nil, "", err
		}
		out = append(out, t)
	}
	return out, hex.EncodeToString(h.Sum(nil)), nil
}

func describe(ctx context.Context, q ledger.Querier, name string) (table, error) {
	t := table{Name: name}
	rows, err := q.QueryContext(ctx, `SELECT name, pk FROM pragma_table_info(?) ORDER BY cid`, name)
	if err != nil {
		return t, err
	}
	type pkCol struct{ col, order int }
	var pks []pkCol
	used := map[string]bool{}
	for rows.Next() {
		var c string
		var pk int
		if err := rows.Scan(&c, &pk); err != nil {
			rows.Close()
			return t, err
		}
		used[strings.ToLower(c)] = true
		if pk > 0 {
			pks = append(pks, pkCol{len(t.Cols), pk})
		}
		t.Cols = append(t.Cols, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return t, err
	}
	var withoutRowid int
	if err := q.QueryRowContext(ctx, `SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?`, name).Scan(&withoutRowid); err != nil {
		return t, fmt.Errorf("table %s: %w", name, err)
	}
	if withoutRowid == 1 {
		sort.Slice(pks, func(i, j int) bool { return pks[i].order < pks[j].order })
		for _, p := range pks {
			t.PK = append(t.PK, p.col)
		}
		return t, nil
	}
	for _, alias := range []string{"rowid", "_rowid_", "oid"} {
		if !used[alias] {
			t.Rowid = alias
			return t, nil
		}
	}
	return t, fmt.Errorf("table %s: every rowid alias is a column name", name)
}

// selectList is the column list of a read: each value as an expression
// (unary +), so the driver returns it exactly as stored whatever the
// declared type.
func (t *table) selectList() string {
	var b strings.Builder
	for i, c := range t.Cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("+" + ledger.Quote(c))
	}
	return b.String()
}

// scanQuery reads the whole table in key order: rowid first for rowid
// tables.
func (t *table) scanQuery() string {
	if t.Rowid != "" {
		return "SELECT " + t.Rowid + ", " + t.selectList() + " FROM " + ledger.Quote(t.Name) + " ORDER BY " + t.Rowid
	}
	return "SELECT " + t.selectList() + " FROM " + ledger.Quote(t.Name)
}

// keyWhere is the WHERE clause matching one row by its key.
func (t *table) keyWhere() string {
	if t.Rowid != "" {
		return t.Rowid + " = ?"
	}
	var parts []string
	for _, i := range t.PK {
		parts = append(parts, ledger.Quote(t.Cols[i])+" IS ?")
	}
	return strings.Join(parts, " AND ")
}

func (t *table) insertSQL() string {
	cols := make([]string, 0, len(t.Cols)+1)
	marks := make([]string, 0, len(t.Cols)+1)
	if t.Rowid != "" {
		cols, marks = append(cols, t.Rowid), append(marks, "?")
	}
	for _, c := range t.Cols {
		cols, marks = append(cols, ledger.Quote(c)), append(marks, "?")
	}
	return "INSERT INTO " + ledger.Quote(t.Name) + " (" + strings.Join(cols, ", ") + ") VALUES (" + strings.Join(marks, ", ") + ")"
}

// pkKey is the encoded primary key of a WITHOUT ROWID row.
func (t *table) pkKey(vals []any) ([]byte, error) {
	var b []byte
	for _, i := range t.PK {
		var err error
		if b, err = appendValue(b, vals[i]); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// The value encoding, shared by row hashes and the change stream: a tag,
// then the value.
const (
	tagNull  = 'N'
	tagInt   = 'I'
	tagFloat = 'F'
	tagText  = 'S'
	tagBlob  = 'B'
)

func appendValue(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(b, tagNull), nil
	case int64:
		b = append(b, tagInt)
		return binary.BigEndian.AppendUint64(b, uint64(x)), nil
	case float64:
		b = append(b, tagFloat)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(x)), nil
	case string:
		b = append(b, tagText)
		b = binary.AppendUvarint(b, uint64(len(x)))
		return append(b, x...), nil
	case []byte:
		b = append(b, tagBlob)
		b = binary.AppendUvarint(b, uint64(len(x)))
		return append(b, x...), nil
	}
	return nil, fmt.Errorf("transfer: unexpected value type %T", v)
}

// hasher hashes rows, reusing its buffers.
type hasher struct {
	buf []byte
	sum [sha256.Size]byte
}

func (h *hasher) row(vals []any) (rowHash, error) {
	b := h.buf[:0]
	var err error
	for _, v := range vals {
		if b, err = appendValue(b, v); err != nil {
			return rowHash{}, err
		}
	}
	h.buf = b
	h.sum = sha256.Sum256(b)
	var r rowHash
	copy(r[:], h.sum[:hashSize])
	return r, nil
}

type byteWriter interface{ Write([]byte) (int, error) }

func writeBytes(w byteWriter, b []byte) {
	var n [binary.MaxVarintLen64]byte
	w.Write(n[:binary.PutUvarint(n[:], uint64(len(b)))])
	w.Write(b)
}

// rowScanner reads a table's rows in key order.
type rowScanner struct {
	t     *table
	rows  *sql.Rows
	vals  []any
	ptrs  []any
	rowid int64
}

func scanTable(ctx context.Context, q ledger.Querier, t *table) (*rowScanner, error) {
	rows, err := q.QueryContext(ctx, t.scanQuery())
	if err != nil {
		return nil, fmt.Errorf("table %s: %w", t.Name, err)
	}
	s := &rowScanner{t: t, rows: rows, vals: make([]any, len(t.Cols))}
	if t.Rowid != "" {
		s.ptrs = append(s.ptrs, &s.rowid)
	}
	for i := range s.vals {
		s.ptrs = append(s.ptrs, &s.vals[i])
	}
	return s, nil
}

// next advances to the next row; false at the end (check err).
func (s *rowScanner) next() (bool, error) {
	if !s.rows.Next() {
		return false, s.rows.Err()
	}
	if err := s.rows.Scan(s.ptrs...); err != nil {
		return false, err
	}
	// An empty BLOB must stay a BLOB, not become NULL when bound again.
	for i, v := range s.vals {
		if b, ok := v.([]byte); ok && b == nil {
			s.vals[i] = []byte{}
		}
	}
	return true, nil
}

func (s *rowScanner) close() error { return s.rows.Close() }

package ledger

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Digest sums the rows of one table: how many, and the sum (mod 2^128, in
// two lanes) of each row's hash. A sum, not a running hash, so it does not
// depend on the order SQLite returns the rows in; two equal rows count
// twice.
type Digest struct {
	Rows int64
	Sum  [2]uint64
}

// Content is the digest of every user table of a database, by name.
type Content map[string]Digest

// ContentOf reads every user table of the database through q (in schema,
// "main" when a PAF is attached) and digests its rows, each value as stored
// (SELECT +col: an integer stays an integer, a text a text) — except the
// rows an operation is allowed to change: changing maps a table's name to a
// SQL condition on its rows ("1" leaves the whole table out). Taken at the
// start and at the end of a transaction, two Contents that agree prove that
// the operation changed nothing else, whatever the dossier's triggers,
// cascades or our own statements did.
func ContentOf(ctx context.Context, q Querier, schema string, changing map[string]string) (Content, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM `+Quote(schema)+`.sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND upper(sql) NOT LIKE 'CREATE VIRTUAL%' ORDER BY name`)
	if err != nil {
		return nil, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := Content{}
	for _, name := range names {
		cond := changing[strings.ToLower(name)]
		if cond == "1" {
			continue
		}
		d, err := digestTable(ctx, q, schema, name, cond)
		if err != nil {
			return nil, fmt.Errorf("content of %s: %w", name, err)
		}
		out[name] = d
	}
	return out, nil
}

func digestTable(ctx context.Context, q Querier, schema, name, changing string) (Digest, error) {
	var d Digest
	cols, err := q.QueryContext(ctx, `SELECT name FROM pragma_table_info(?, ?) ORDER BY cid`, name, schema)
	if err != nil {
		return d, err
	}
	var sel []string
	for cols.Next() {
		var c string
		if err := cols.Scan(&c); err != nil {
			cols.Close()
			return d, err
		}
		sel = append(sel, "+"+Quote(c))
	}
	cols.Close()
	if err := cols.Err(); err != nil {
		return d, err
	}
	if len(sel) == 0 {
		return d, nil
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM " + Quote(schema) + "." + Quote(name)
	if changing != "" {
		// NULL counts as « not changing »: the row is kept in the digest.
		query += " WHERE COALESCE((" + changing + "), 0) = 0"
	}
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return d, err
	}
	defer rows.Close()
	vals := make([]any, len(sel))
	ptrs := make([]any, len(sel))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var buf []byte
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return d, err
		}
		buf = buf[:0]
		for _, v := range vals {
			buf = appendValue(buf, v)
		}
		h := sha256.Sum256(buf)
		d.Rows++
		d.Sum[0] += binary.BigEndian.Uint64(h[0:8])
		d.Sum[1] += binary.BigEndian.Uint64(h[8:16])
	}
	return d, rows.Err()
}

// appendValue encodes one value with its type, so that 1, 1.0, '1' and
// x'31' all differ.
func appendValue(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, 'N')
	case int64:
		return binary.BigEndian.AppendUint64(append(b, 'I'), uint64(x))
	case float64:
		return binary.BigEndian.AppendUint64(append(b, 'F'), math.Float64bits(x))
	case string:
		b = binary.AppendUvarint(append(b, 'S'), uint64(len(x)))
		return append(b, x...)
	case []byte:
		b = binary.AppendUvarint(append(b, 'B'), uint64(len(x)))
		return append(b, x...)
	case bool:
		if x {
			return append(b, 'T')
		}
		return append(b, 'U')
	}
	s := fmt.Sprint(v)
	b = binary.AppendUvarint(append(b, '?'), uint64(len(s)))
	return append(b, s...)
}

// Changed lists, sorted, the tables whose rows differ between two Contents
// of the same database (a table that appeared or disappeared included).
func Changed(before, after Content) []string {
	var out []string
	for n, d := range before {
		if a, ok := after[n]; !ok || a != d {
			out = append(out, n)
		}
	}
	for n := range after {
		if _, ok := before[n]; !ok {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

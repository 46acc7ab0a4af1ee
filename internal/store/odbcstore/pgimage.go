package odbcstore

import (
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
)

var (
	msgContentDiffers = &i18n.Message{ID: "PGContenuDifferent", Other: "Le contenu de la copie ne correspond pas à la base {{.Base}} : {{.Tables}}."}
	msgTableDiffers   = &i18n.Message{ID: "PGTableDifferente", Other: "table {{.Table}} différente (nombre de lignes {{.Lignes}} au lieu de {{.LignesAttendues}}, empreinte {{.Empreinte}} au lieu de {{.EmpreinteAttendue}})"}
	msgTableMissing   = &i18n.Message{ID: "PGTableAbsente", Other: "table {{.Table}} absente"}
	msgPGOnly         = &i18n.Message{ID: "PGImageAutreServeur", Other: "Cette sauvegarde est celle d'une base PostgreSQL ({{.Base}}) : elle se restaure sur un serveur PostgreSQL ou dans un dossier SQLite, pas sur {{.Serveur}}."}
	msgPGImageTables  = &i18n.Message{ID: "PGImageTablesInconnues", Other: "La base contient des tables que son schéma PostgreSQL ne décrit pas ({{.Tables}}) : elle ne peut pas être remise telle quelle sur PostgreSQL."}
)

// sessionSettings make PostgreSQL's text output of a value independent of
// the server's and the user's settings: UTC instants, ISO dates, the
// default interval style, shortest exact floats, hex bytea.
var sessionSettings = []string{
	"SET TimeZone = 'UTC'",
	"SET DateStyle = 'ISO, YMD'",
	"SET IntervalStyle = 'postgres'",
	"SET extra_float_digits = 1",
	"SET bytea_output = 'hex'",
}

// readExpr is how a column is read: numbers, booleans and bytea as they
// are, money as its numeric value, everything else as PostgreSQL's text.
// A short char(n) or varchar(n) is read as a varchar(2n): the same text,
// but one the ODBC driver binds to a buffer instead of fetching it value by
// value (2n UTF-16 units hold any n characters, so none is cut).
func readExpr(c pgColumn) string {
	q := postgres{}.Quote(c.Name)
	switch c.Store {
	case storeInteger, storeBool, storeBytea:
		return q
	case storeMoney:
		return "CAST(CAST(" + q + " AS numeric) AS text)"
	}
	if m := shortCharRe.FindStringSubmatch(c.Type); m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n > 0 && 2*n <= maxBoundChars {
			return "CAST(" + q + " AS varchar(" + strconv.Itoa(2*n) + "))"
		}
	}
	return "CAST(" + q + " AS text)"
}

// maxBoundChars is the widest column the ODBC driver (alexbrainman/odbc)
// binds to a buffer; wider ones it reads piece by piece.
const maxBoundChars = 1024

var shortCharRe = regexp.MustCompile(`^(?:character|character varying)\((\d+)\)$`)

// hashExpr is the text a column's value is hashed as, on the server: its
// ::text, except money (its numeric value's) and reals, hashed by their
// IEEE 754 bits (float8send): PostgreSQL's text of a real is exact but not
// always the shortest, and the bits also tell -0 from 0.
func hashExpr(c pgColumn) string {
	q := postgres{}.Quote(c.Name)
	switch c.Store {
	case storeMoney:
		return "CAST(CAST(" + q + " AS numeric) AS text)"
	case storeFloat:
		send := "float8send"
		if c.Float4 {
			send = "float4send"
		}
		return "CASE WHEN " + q + " = 'NaN' THEN 'NaN' ELSE encode(" + send + "(" + q + "), 'hex') END"
	}
	return "CAST(" + q + " AS text)"
}

// imageSQLType is the image column's declared type.
func imageSQLType(store string) string {
	switch store {
	case storeInteger, storeBool:
		return "INTEGER"
	case storeFloat:
		return "REAL"
	case storeBytea:
		return "BLOB"
	}
	return "TEXT"
}

// fromServer turns a value read with readExpr into what the image keeps.
func fromServer(c pgColumn, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch c.Store {
	case storeInteger:
		return normalize(v, kindInteger), nil
	case storeBool:
		return normalize(v, kindInteger), nil
	case storeBytea:
		b, ok := v.([]byte)
		if !ok {
			return nil, fmt.Errorf("%s: bytea read as %T", c.Name, v)
		}
		return append([]byte{}, b...), nil
	case storeFloat:
		s, _ := normalize(v, kindText).(string)
		if s == "NaN" {
			return s, nil
		}
		bits := 64
		if c.Float4 {
			bits = 32
		}
		f, err := strconv.ParseFloat(s, bits)
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", c.Name, s, err)
		}
		return f, nil
	}
	s, _ := normalize(v, kindText).(string)
	return s, nil
}

// pgText renders a value kept in the image as the text hashExpr gives on
// the server; ok is false for NULL.
func pgText(c pgColumn, v any) (string, bool) {
	switch x := v.(type) {
	case nil:
		return "", false
	case int64:
		if c.Store == storeBool {
			if x != 0 {
				return "true", true
			}
			return "false", true
		}
		if c.Store == storeFloat {
			return floatBits(float64(x), c.Float4), true
		}
		return strconv.FormatInt(x, 10), true
	case float64:
		return floatBits(x, c.Float4), true
	case []byte:
		if c.Store == storeBytea {
			return `\x` + hex.EncodeToString(x), true
		}
		return string(x), true
	case string:
		return x, true
	}
	return fmt.Sprint(v), true
}

// pgTextOf is pgText, a SQLite value of a mixed column first tagged as it
// is on the server.
func pgTextOf(c pgColumn, v any) (string, bool) {
	if c.Mixed && v != nil {
		b, _ := encodeMixed(v).([]byte)
		return `\x` + hex.EncodeToString(b), true
	}
	return pgText(c, v)
}

// floatBits is float8send's (float4send's) bytes in hexadecimal.
func floatBits(f float64, float4 bool) string {
	if float4 {
		return fmt.Sprintf("%08x", math.Float32bits(float32(f)))
	}
	return fmt.Sprintf("%016x", math.Float64bits(f))
}

// pgFloat writes a real for PostgreSQL to read back exactly: the shortest
// digits that give the same binary value (fixed notation for decimal
// exponents from -4 to 14, float4: 5, exponential otherwise), NaN and
// ±Infinity by name.
func pgFloat(f float64, float4 bool) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	bits, limit := 64, 15
	if float4 {
		bits, limit = 32, 6
	}
	e := strconv.FormatFloat(f, 'e', -1, bits)
	mant, expPart, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expPart)
	if exp < -4 || exp >= limit {
		return e
	}
	neg := strings.HasPrefix(mant, "-")
	digits := strings.Replace(strings.TrimPrefix(mant, "-"), ".", "", 1)
	var out string
	if exp >= 0 {
		if len(digits) <= exp+1 {
			out = digits + strings.Repeat("0", exp+1-len(digits))
		} else {
			out = digits[:exp+1] + "." + digits[exp+1:]
		}
	} else {
		out = "0." + strings.Repeat("0", -exp-1) + digits
	}
	if neg {
		out = "-" + out
	}
	return out
}

// toServer is the parameter sent for a value of the image.
func toServer(c pgColumn, v any) any {
	switch x := v.(type) {
	case nil:
		return nil
	case []byte:
		if len(x) == 0 {
			return emptyBlob(postgres{})
		}
		return x
	case int64:
		if c.Store == storeBool {
			return strconv.FormatBool(x != 0)
		}
		if c.Store == storeFloat {
			return pgFloat(float64(x), c.Float4)
		}
		return x
	case float64:
		return pgFloat(x, c.Float4)
	}
	return v
}

// paramExpr is the placeholder of a column in the INSERT of a restore.
// Values travel as text, cast on the server: psqlODBC would otherwise parse
// a parameter whose type it infers (a timestamp, say) itself, and refuse
// « infinity ».
func paramExpr(c pgColumn) string {
	switch c.Store {
	case storeInteger, storeBytea:
		return "CAST(? AS " + c.Type + ")"
	case storeMoney:
		return "CAST(CAST(CAST(? AS text) AS numeric) AS " + c.Type + ")"
	}
	return "CAST(CAST(? AS text) AS " + c.Type + ")"
}

// tableHash is a table's row count and content hash: the sum, as a
// decimal, of the first 64 bits (signed) of each row's MD5 over its
// columns' text MD5s ('-' for NULL). The server computes it in SQL, Coffre
// from the image: order does not matter, and a value changed anywhere
// changes it.
type tableHash struct {
	Rows int64
	Sum  string
}

func (h tableHash) String() string { return strconv.FormatInt(h.Rows, 10) + ":" + h.Sum }

// serverHashQuery computes a table's tableHash on the server.
func serverHashQuery(t pgTable) string {
	var parts []string
	for _, c := range t.Columns {
		parts = append(parts, "COALESCE(md5("+hashExpr(c)+"), '-')")
	}
	row := "''"
	if len(parts) > 0 {
		row = "concat(" + strings.Join(parts, ", ") + ")"
	}
	return "SELECT count(*), CAST(COALESCE(sum(CAST(CAST(CAST('x' || substr(md5(" + row + "), 1, 16) AS bit(64)) AS bigint) AS numeric)), 0) AS text) FROM " + t.from()
}

func serverHash(ctx context.Context, q ledger.Querier, t pgTable) (tableHash, error) {
	var h tableHash
	var sum any
	if err := q.QueryRowContext(ctx, serverHashQuery(t)).Scan(&h.Rows, &sum); err != nil {
		return h, fmt.Errorf("%s: %w", t.qualified(), err)
	}
	h.Sum, _ = normalize(sum, kindText).(string)
	return h, nil
}

// rowHasher folds the image's rows of one table into its tableHash.
type rowHasher struct {
	cols []pgColumn
	n    int64
	sum  big.Int
	buf  []byte
}

func (r *rowHasher) add(vals []any) {
	r.buf = r.buf[:0]
	for i, v := range vals {
		s, ok := pgTextOf(r.cols[i], v)
		if !ok {
			r.buf = append(r.buf, '-')
			continue
		}
		sum := md5.Sum([]byte(s))
		r.buf = hex.AppendEncode(r.buf, sum[:])
	}
	row := md5.Sum(r.buf)
	var x big.Int
	x.SetInt64(int64(uint64(row[0])<<56 | uint64(row[1])<<48 | uint64(row[2])<<40 | uint64(row[3])<<32 |
		uint64(row[4])<<24 | uint64(row[5])<<16 | uint64(row[6])<<8 | uint64(row[7])))
	r.sum.Add(&r.sum, &x)
	r.n++
}

func (r *rowHasher) result() tableHash { return tableHash{Rows: r.n, Sum: r.sum.String()} }

// imageHash computes a table's tableHash from the image.
func imageHash(ctx context.Context, img ledger.Querier, t pgTable) (tableHash, error) {
	var cols []string
	for _, c := range t.Columns {
		cols = append(cols, ledger.Quote(c.Name))
	}
	rows, err := img.QueryContext(ctx, "SELECT "+strings.Join(cols, ", ")+" FROM "+ledger.Quote(t.Image))
	if err != nil {
		return tableHash{}, fmt.Errorf("%s: %w", t.Image, err)
	}
	defer rows.Close()
	h := &rowHasher{cols: t.Columns}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return tableHash{}, err
		}
		h.add(vals)
	}
	return h.result(), closeRows(rows)
}

// compareHashes says in French which tables differ; "" when none does.
func compareHashes(got, want map[string]tableHash) string {
	var names []string
	for n := range want {
		names = append(names, n)
	}
	sort.Strings(names)
	var diffs []string
	for _, n := range names {
		g, ok := got[n]
		w := want[n]
		switch {
		case !ok:
			diffs = append(diffs, i18n.T(msgTableMissing, map[string]any{"Table": n}))
		case g != w:
			diffs = append(diffs, i18n.T(msgTableDiffers, map[string]any{"Table": n, "Lignes": g.Rows, "Empreinte": shortHash(g.Sum), "LignesAttendues": w.Rows, "EmpreinteAttendue": shortHash(w.Sum)}))
		}
	}
	return strings.Join(diffs, " ; ")
}

func shortHash(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:4])
}

// writePGImage writes the base's rows and structure into the image img
// (an empty SQLite database), reading through q inside the snapshot.
func writePGImage(ctx context.Context, q *sql.Tx, img *sql.DB, sc *pgSchema) error {
	exec := func(query string, args ...any) error {
		_, err := img.ExecContext(ctx, query, args...)
		return err
	}
	if err := exec("CREATE TABLE " + ledger.Quote(pgMetaTable) + " (ordre INTEGER PRIMARY KEY, phase TEXT NOT NULL, type TEXT NOT NULL, nom TEXT, sql TEXT NOT NULL)"); err != nil {
		return err
	}
	for _, t := range sc.tables {
		var cols []string
		for _, c := range t.Columns {
			cols = append(cols, ledger.Quote(c.Name)+" "+imageSQLType(c.Store))
		}
		if len(t.Key) > 0 {
			var k []string
			for _, c := range t.Key {
				k = append(k, ledger.Quote(c))
			}
			cols = append(cols, "PRIMARY KEY ("+strings.Join(k, ", ")+")")
		}
		if err := exec("CREATE TABLE " + ledger.Quote(t.Image) + " (" + strings.Join(cols, ", ") + ")"); err != nil {
			return fmt.Errorf("image %s: %w", t.Image, err)
		}
	}
	if err := exec("BEGIN"); err != nil {
		return err
	}
	n := 0
	put := func(phase, typ, name, text string) error {
		n++
		return exec("INSERT INTO "+ledger.Quote(pgMetaTable)+" VALUES (?, ?, ?, ?, ?)", n, phase, typ, name, text)
	}
	for _, s := range sc.statements {
		if s.Phase != phaseBeforeData {
			continue
		}
		if err := put(s.Phase, s.Kind, s.Name, s.SQL); err != nil {
			return err
		}
	}
	for _, t := range sc.tables {
		b, err := json.Marshal(t)
		if err != nil {
			return err
		}
		if err := put("donnees", "table", t.Image, string(b)); err != nil {
			return err
		}
		if err := copyPGTable(ctx, q, img, t); err != nil {
			return err
		}
	}
	for _, s := range sc.statements {
		if s.Phase != phaseAfterData {
			continue
		}
		if err := put(s.Phase, s.Kind, s.Name, s.SQL); err != nil {
			return err
		}
	}
	// Sequence values, read last (they move outside transactions).
	for _, sq := range sc.sequences {
		name := sqlString(sq.Qualified)
		if sq.Identity {
			name = "pg_get_serial_sequence(" + sqlString(sq.Table) + ", " + sqlString(sq.Column) + ")"
		}
		var last int64
		var called bool
		var lastQ string
		if sq.Identity {
			var seq string
			if err := q.QueryRowContext(ctx, "SELECT "+name).Scan(&seq); err != nil {
				return err
			}
			lastQ = "SELECT last_value, is_called FROM " + seq
		} else {
			lastQ = "SELECT last_value, is_called FROM " + sq.Qualified
		}
		if err := q.QueryRowContext(ctx, lastQ).Scan(&last, &called); err != nil {
			return fmt.Errorf("%s: %w", sq.Qualified+sq.Table, err)
		}
		if err := put(phaseAfterData, "setval", sq.Qualified+sq.Table, fmt.Sprintf("SELECT pg_catalog.setval(%s, %d, %t)", name, last, called)); err != nil {
			return err
		}
	}
	return exec("COMMIT")
}

// copyPGTable reads one table's rows through tx and writes them to img.
func copyPGTable(ctx context.Context, tx *sql.Tx, img *sql.DB, t pgTable) error {
	var sel, marks []string
	for _, c := range t.Columns {
		sel = append(sel, readExpr(c))
		marks = append(marks, "?")
	}
	query := "SELECT " + strings.Join(sel, ", ") + " FROM " + t.from()
	if len(sel) == 0 {
		// A table without columns still has rows: as many empty ones.
		query, marks = "SELECT 1 FROM "+t.from(), nil
	}
	if len(t.Key) > 0 {
		var k []string
		for _, c := range t.Key {
			k = append(k, postgres{}.Quote(c))
		}
		query += " ORDER BY " + strings.Join(k, ", ")
	}
	insert := "INSERT INTO " + ledger.Quote(t.Image) + " VALUES (" + strings.Join(marks, ", ") + ")"
	if len(marks) == 0 {
		insert = "INSERT INTO " + ledger.Quote(t.Image) + " DEFAULT VALUES"
	}
	ins, err := img.PrepareContext(ctx, insert)
	if err != nil {
		return fmt.Errorf("image %s: %w", t.Image, err)
	}
	defer ins.Close()
	out := make([]any, len(t.Columns))
	err = eachRow(ctx, tx, query, max(1, len(sel)), batchFor(ctx, tx, t.qualified()), func(vals []any) error {
		for i, c := range t.Columns {
			var err error
			if out[i], err = fromServer(c, vals[i]); err != nil {
				return err
			}
		}
		_, err := ins.ExecContext(ctx, out...)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", t.qualified(), err)
	}
	return nil
}

// pgImage is what a restore finds in an image of a PostgreSQL base.
type pgImage struct {
	statements []pgStatement // in order; Kind "table" rows are the layouts
	tables     []pgTable
}

// readPGImage reads the image's pgMetaTable; nil when the image is not a
// PostgreSQL base's.
func readPGImage(ctx context.Context, src *sql.DB) (*pgImage, error) {
	var n int
	if err := src.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", pgMetaTable).Scan(&n); err != nil || n == 0 {
		return nil, err
	}
	im := &pgImage{}
	err := scanRows(ctx, src, "SELECT phase, type, COALESCE(nom, ''), sql FROM "+ledger.Quote(pgMetaTable)+" ORDER BY ordre", func(r *sql.Rows) error {
		var s pgStatement
		if err := r.Scan(&s.Phase, &s.Kind, &s.Name, &s.SQL); err != nil {
			return err
		}
		if s.Phase == "donnees" {
			var t pgTable
			if err := json.Unmarshal([]byte(s.SQL), &t); err != nil {
				return fmt.Errorf("%s: %w", pgMetaTable, err)
			}
			im.tables = append(im.tables, t)
		}
		im.statements = append(im.statements, s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Every table of the image must be one the schema describes.
	known := map[string]bool{pgMetaTable: true}
	for _, t := range im.tables {
		known[t.Image] = true
	}
	var unknown []string
	err = scanRows(ctx, src, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", func(r *sql.Rows) error {
		var name string
		if err := r.Scan(&name); err != nil {
			return err
		}
		if !known[name] {
			unknown = append(unknown, name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if len(unknown) > 0 {
		return nil, i18n.E(msgPGImageTables, map[string]any{"Tables": strings.Join(unknown, ", ")}, dossier.ErrUnfaithful)
	}
	return im, nil
}

// loadPG recreates a PostgreSQL base from its image in tx: the structure
// before the rows, the rows, the rest after; then each table's row count
// and content hash on the server must be the image's.
func (s *Store) loadPG(ctx context.Context, src *sql.DB, tx *sql.Tx, im *pgImage, final string) error {
	if _, ok := s.d.(postgres); !ok {
		return i18n.E(msgPGOnly, map[string]any{"Base": final, "Serveur": s.d.Name()}, dossier.ErrNotRestorable)
	}
	setup := append([]string{"SET search_path = ''", "SET check_function_bodies = false"}, sessionSettings...)
	for _, q := range setup {
		if _, err := tx.ExecContext(ctx, strings.Replace(q, "SET ", "SET LOCAL ", 1)); err != nil {
			return err
		}
	}
	loaded := false
	for _, st := range im.statements {
		if st.Phase == "donnees" {
			continue
		}
		if st.Phase == phaseAfterData && !loaded {
			if err := s.insertPGRows(ctx, src, tx, im.tables); err != nil {
				return err
			}
			loaded = true
		}
		if _, err := tx.ExecContext(ctx, st.SQL); err != nil {
			return fmt.Errorf("%s %s: %w", st.Kind, st.Name, err)
		}
	}
	if !loaded {
		if err := s.insertPGRows(ctx, src, tx, im.tables); err != nil {
			return err
		}
	}
	got, want := map[string]tableHash{}, map[string]tableHash{}
	for _, t := range im.tables {
		h, err := serverHash(ctx, tx, t)
		if err != nil {
			return err
		}
		got[t.Image] = h
		if want[t.Image], err = imageHash(ctx, src, t); err != nil {
			return err
		}
	}
	if d := compareHashes(got, want); d != "" {
		return i18n.E(msgMismatch, map[string]any{"Detail": d}, dossier.ErrCorrupt)
	}
	return nil
}

func (s *Store) insertPGRows(ctx context.Context, src *sql.DB, tx *sql.Tx, tables []pgTable) error {
	for _, t := range tables {
		var cols, sel, one []string
		var kept []pgColumn
		overriding := ""
		for _, c := range t.Columns {
			if c.Generated {
				continue
			}
			if c.Identity == "a" {
				overriding = " OVERRIDING SYSTEM VALUE"
			}
			kept = append(kept, c)
			cols = append(cols, postgres{}.Quote(c.Name))
			sel = append(sel, ledger.Quote(c.Name))
			one = append(one, paramExpr(c))
		}
		if len(kept) == 0 {
			continue
		}
		row := "(" + strings.Join(one, ", ") + ")"
		prefix := "INSERT INTO " + t.qualified() + " (" + strings.Join(cols, ", ") + ")" + overriding + " VALUES "
		stmtFor := func(n int) string { return prefix + strings.Repeat(row+", ", n-1) + row }
		per := batchRows(len(kept))
		full, err := tx.PrepareContext(ctx, stmtFor(per))
		if err != nil {
			return fmt.Errorf("insert %s: %w", t.qualified(), err)
		}
		rows, err := src.QueryContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+ledger.Quote(t.Image))
		if err != nil {
			full.Close()
			return err
		}
		args := make([]any, 0, per*len(kept))
		vals := make([]any, len(kept))
		ptrs := make([]any, len(kept))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		flush := func(stmt *sql.Stmt) error {
			var err error
			if stmt != nil {
				_, err = stmt.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, stmtFor(len(args)/len(kept)), args...)
			}
			args = args[:0]
			if err != nil {
				return fmt.Errorf("insert %s: %w", t.qualified(), err)
			}
			return ctx.Err()
		}
		err = func() error {
			defer rows.Close()
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					return err
				}
				for i, v := range vals {
					args = append(args, toServer(kept[i], v))
				}
				if len(args) == per*len(kept) {
					if err := flush(full); err != nil {
						return err
					}
				}
			}
			if err := closeRows(rows); err != nil {
				return err
			}
			if len(args) > 0 {
				return flush(nil)
			}
			return nil
		}()
		full.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

package odbcstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

var (
	msgExists   = &i18n.Message{ID: "ODBCDossierExisteDeja", Other: "Le dossier n° {{.Numero}} existe déjà sur le serveur (base {{.Base}}) : choisissez un autre numéro ou confirmez le remplacement."}
	msgInUse    = &i18n.Message{ID: "ODBCDossierOuvert", Other: "Le dossier n° {{.Numero}} est ouvert sur le serveur : {{.Sessions}}. Fermez ces programmes, ou confirmez leur déconnexion."}
	msgClose    = &i18n.Message{ID: "ODBCFermezSur", Other: "Fermez {{.Programme}} sur {{.Poste}} ({{.Utilisateur}})"}
	msgMismatch = &i18n.Message{ID: "ODBCRelectureDifferente", Other: "Le dossier chargé sur le serveur ne correspond pas à la sauvegarde ({{.Detail}}) : rien n'a été remplacé."}
	msgVirtual  = &i18n.Message{ID: "ODBCTableVirtuelle", Other: "La table virtuelle « {{.Table}} » ne peut pas être transférée sur un serveur."}
)

func (s *Store) Stage(ctx context.Context, numero, nom string) (store.Staging, error) {
	if !dossier.ValidNumero(numero) {
		return nil, dossier.ErrBadNumero
	}
	if !dossier.ValidNom(nom) {
		return nil, fmt.Errorf("nom de dossier invalide %q", nom)
	}
	final := dossier.DBName(numero, nom)
	sweepTempDir()
	tmp, err := fsutil.CreateTemp(filepath.Join(os.TempDir(), "restauration-"+final+dossier.ExtDB))
	if err != nil {
		return nil, err
	}
	return &staging{s: s, numero: numero, final: final, tmp: tmp}, nil
}

var msgBaseExists = &i18n.Message{ID: "ODBCBaseExisteDeja", Other: "La base {{.Base}} existe déjà sur le serveur : supprimez-la, choisissez une autre destination ou confirmez son remplacement."}

var msgBadName = &i18n.Message{ID: "ODBCNomBaseInvalide", Other: "« {{.Base}} » ne peut pas servir de nom de base sur le serveur (lettres, chiffres, - et _ seulement, {{.Max}} caractères au plus)."}

// maxNameLen keeps coffre_old_NNN_xxxxxxxx_<name> within PostgreSQL's 63
// bytes, so the name a crashed switch must go back to is never truncated.
const maxNameLen = 40

var nameRe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]*$`)

// StageDatabase prepares database name itself, whatever its form: a dossier
// put back under the name it already had (a working copy, see
// store/workcopy), or a new database such as an export E001SOC. Commit
// refuses to replace an existing database of that name unless asked.
func (s *Store) StageDatabase(ctx context.Context, name string) (store.Staging, error) {
	if len(name) > maxNameLen || !nameRe.MatchString(name) || isTempName(name) {
		return nil, i18n.E(msgBadName, map[string]any{"Base": name, "Max": maxNameLen}, nil)
	}
	numero := "000"
	if p, ok := dossier.ParseDBName(name); ok {
		numero = p.Numero
	}
	sweepTempDir()
	tmp, err := fsutil.CreateTemp(filepath.Join(os.TempDir(), "restauration-"+name+dossier.ExtDB))
	if err != nil {
		return nil, err
	}
	return &staging{s: s, numero: numero, final: name, named: true, tmp: tmp}, nil
}

// staging: the database arrives as a local SQLite file; Commit loads it
// into a new database under a temp name, checks it, then renames it in.
type staging struct {
	s          *Store
	numero     string
	final      string
	tmp        *fsutil.TempFile
	disconnect bool
	named      bool // StageDatabase: final is the database, not numero's
}

// Name is the server database the dossier is restored into: 001SOC.
func (st *staging) Name() string { return st.final }

func (st *staging) Path() string { return st.tmp.Name() }
func (st *staging) Abort()       { st.tmp.Abort() }

// AllowDisconnect confirms that other sessions on the dossier's database
// may be ended at the switch (the user said so); without it Commit refuses.
func (st *staging) AllowDisconnect() { st.disconnect = true }

func (st *staging) existing(ctx context.Context) (string, error) {
	if st.named {
		all, err := st.s.cat.list(ctx)
		if err != nil {
			return "", st.s.wrap(st.final, err)
		}
		if _, ok := all[st.final]; ok {
			return st.final, nil
		}
		return "", nil
	}
	name, err := st.s.database(ctx, st.numero)
	if errors.Is(err, dossier.ErrNotFound) {
		return "", nil
	}
	return name, err
}

func (st *staging) Exists(ctx context.Context) (bool, error) {
	name, err := st.existing(ctx)
	return name != "", err
}

func randomSuffix() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (st *staging) Commit(ctx context.Context, replace bool) error {
	s := st.s
	old, err := st.existing(ctx)
	if err != nil {
		return err
	}
	if old != "" && !replace && st.named {
		return i18n.E(msgBaseExists, map[string]any{"Base": old}, dossier.ErrExists)
	}
	if old != "" && !replace {
		return i18n.E(msgExists, map[string]any{"Numero": st.numero, "Base": old}, dossier.ErrExists)
	}
	if len(old) > maxNameLen {
		return i18n.E(msgBadName, map[string]any{"Base": old, "Max": maxNameLen}, nil)
	}
	// Lower case: PostgreSQL folds, SQL Server does not care. The dossier's
	// number in the name is the lock a later sweep takes (see sweep).
	temp := tmpPrefix + st.numero + "_" + randomSuffix()
	if err := s.cat.create(ctx, temp); err != nil {
		return s.wrap(st.final, err)
	}
	done := false
	defer func() {
		if !done {
			s.cat.drop(context.Background(), temp)
		}
	}()
	if err := s.load(ctx, temp, st.Path(), st.final); err != nil {
		return s.wrap(st.final, err)
	}
	if old != "" {
		if err := st.checkSessions(ctx, old); err != nil {
			return err
		}
		// The old name rides along, so that a crash between the two
		// renames is undone by the next Open (see sweep).
		aside := oldPrefix + st.numero + "_" + randomSuffix() + "_" + old
		if err := s.cat.rename(ctx, old, aside); err != nil {
			return st.inUse(ctx, old, err)
		}
		if err := s.cat.rename(ctx, temp, st.final); err != nil {
			s.cat.rename(context.Background(), aside, old)
			return s.wrap(st.final, err)
		}
		done = true
		s.cat.drop(context.Background(), aside)
		return nil
	}
	if err := s.cat.rename(ctx, temp, st.final); err != nil {
		return s.wrap(st.final, err)
	}
	done = true
	return nil
}

// checkSessions refuses to go on while other programs are connected to the
// database, unless the user confirmed their disconnection.
func (st *staging) checkSessions(ctx context.Context, name string) error {
	sessions, err := st.s.cat.sessions(ctx, name)
	if err != nil {
		return st.s.wrap(name, err)
	}
	if len(sessions) == 0 {
		return nil
	}
	if st.disconnect {
		return st.s.wrap(name, st.s.cat.disconnect(ctx, name))
	}
	return i18n.E(msgInUse, map[string]any{"Numero": st.numero, "Sessions": describeSessions(sessions)}, dossier.ErrInUse)
}

// inUse explains a failed rename: most often someone connected meanwhile.
func (st *staging) inUse(ctx context.Context, name string, err error) error {
	if sessions, e := st.s.cat.sessions(ctx, name); e == nil && len(sessions) > 0 {
		return i18n.E(msgInUse, map[string]any{"Numero": st.numero, "Sessions": describeSessions(sessions)}, dossier.ErrInUse)
	}
	return st.s.wrap(name, err)
}

// describeSessions is « Fermez Compta sur POSTE-2 (marie), … ».
func describeSessions(sessions []dossier.Session) string {
	var parts []string
	for _, x := range sessions {
		parts = append(parts, i18n.T(msgClose, map[string]any{"Programme": x.Programme, "Poste": x.Poste, "Utilisateur": x.Utilisateur}))
	}
	return strings.Join(parts, ", ")
}

// sourceTable is a table of the SQLite file being loaded.
type sourceTable struct {
	name    string
	cols    []Column // Type: SQLite declared type; Kind: chosen from the data
	nulls   []bool
	layout  tableLayout
	indexes []string        // server CREATE INDEX statements
	keyed   map[string]bool // columns in a key or an index
	// withoutRowid: a WITHOUT ROWID table, read in key order.
	withoutRowid bool
}

var literalRe = regexp.MustCompile(`^(-?[0-9]+(\.[0-9]+)?|'([^']|'')*')$`)

// load copies the SQLite database at path into the empty database name in
// one transaction, then checks counts and totals against the file.
func (s *Store) load(ctx context.Context, name, path, final string) error {
	src, err := sqlitestore.OpenRO(path)
	if err != nil {
		return err
	}
	defer src.Close()
	src.SetMaxOpenConns(1)
	// An image of a PostgreSQL base Coffre did not create: its own DDL.
	im, err := readPGImage(ctx, src)
	if err != nil {
		return err
	}
	if im != nil {
		db, err := s.openDB(name)
		if err != nil {
			return err
		}
		defer db.Close()
		db.SetMaxOpenConns(1)
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		defer tx.Rollback()
		if err := s.loadPG(ctx, src, tx, im, final); err != nil {
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		return db.Close()
	}
	objects, tables, extra, err := readSource(ctx, src, s.d)
	if err != nil {
		return err
	}
	db, err := s.openDB(name)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	d := s.d
	for _, t := range tables {
		if _, err := tx.ExecContext(ctx, serverDDL(d, t)); err != nil {
			return fmt.Errorf("create %s: %w", t.name, err)
		}
	}
	for _, t := range tables {
		if err := s.insertTable(ctx, src, tx, t); err != nil {
			return err
		}
	}
	for _, t := range tables {
		for _, q := range t.indexes {
			if _, err := tx.ExecContext(ctx, q); err != nil {
				return fmt.Errorf("index %s: %w", t.name, err)
			}
		}
	}
	if err := writeMeta(ctx, d, tx, objects, tables, extra); err != nil {
		return err
	}
	var names []string
	for _, t := range tables {
		names = append(names, t.name)
	}
	want, err := ledger.Compute(ctx, src, names)
	if err != nil {
		return err
	}
	got, err := ledger.Compute(ctx, tx, names)
	if err != nil {
		return err
	}
	if diff := ledger.Diff(want, got); len(diff) > 0 {
		return i18n.E(msgMismatch, map[string]any{"Detail": strings.Join(diff, " ; ")}, dossier.ErrCorrupt)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	return db.Close()
}

func readSource(ctx context.Context, src *sql.DB, d Dialect) ([]metaObject, []sourceTable, []metaObject, error) {
	rows, err := src.QueryContext(ctx, `SELECT type, name, tbl_name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid`)
	if err != nil {
		return nil, nil, nil, err
	}
	var objects []metaObject
	for rows.Next() {
		var o metaObject
		if err := rows.Scan(&o.Type, &o.Name, &o.TblName, &o.SQL); err != nil {
			rows.Close()
			return nil, nil, nil, err
		}
		if strings.HasPrefix(strings.ToLower(o.Name), "sqlite_") {
			continue
		}
		objects = append(objects, o)
	}
	if err := closeRows(rows); err != nil {
		return nil, nil, nil, err
	}
	var tables []sourceTable
	for _, o := range objects {
		if o.Type != "table" {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(strings.TrimSpace(o.SQL)), "CREATE VIRTUAL") {
			return nil, nil, nil, i18n.E(msgVirtual, map[string]any{"Table": o.Name}, nil)
		}
		t, err := readSourceTable(ctx, src, d, o.Name)
		if err != nil {
			return nil, nil, nil, err
		}
		tables = append(tables, t)
	}
	// sqlite_sequence and ANALYZE's sqlite_stat1 ride along in metaTable,
	// so the image gets its AUTOINCREMENT counters and planner statistics.
	var extra []metaObject
	var hasSeq, hasStat int
	if err := src.QueryRowContext(ctx, "SELECT COUNT(*) FILTER (WHERE name = 'sqlite_sequence'), COUNT(*) FILTER (WHERE name = 'sqlite_stat1') FROM sqlite_master WHERE type = 'table'").Scan(&hasSeq, &hasStat); err != nil {
		return nil, nil, nil, err
	}
	if hasSeq > 0 {
		rows, err := src.QueryContext(ctx, "SELECT name, seq FROM sqlite_sequence ORDER BY rowid")
		if err != nil {
			return nil, nil, nil, err
		}
		for rows.Next() {
			var n string
			var seq int64
			if err := rows.Scan(&n, &seq); err != nil {
				rows.Close()
				return nil, nil, nil, err
			}
			extra = append(extra, metaObject{Type: "sequence", Name: n, TblName: n, SQL: fmt.Sprint(seq)})
		}
		if err := closeRows(rows); err != nil {
			return nil, nil, nil, err
		}
	}
	if hasStat > 0 {
		rows, err := src.QueryContext(ctx, "SELECT tbl, COALESCE(idx, ''), COALESCE(stat, '') FROM sqlite_stat1 ORDER BY rowid")
		if err != nil {
			return nil, nil, nil, err
		}
		for rows.Next() {
			var o metaObject
			if err := rows.Scan(&o.Name, &o.TblName, &o.SQL); err != nil {
				rows.Close()
				return nil, nil, nil, err
			}
			o.Type = "stat1"
			extra = append(extra, o)
		}
		if err := closeRows(rows); err != nil {
			return nil, nil, nil, err
		}
	}
	return objects, tables, extra, nil
}

// closeRows ends a scan: the error that stopped rows.Next, if any, then
// Close's.
func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}

// Storage-class bits summed (DISTINCT) per column in one scan.
const (
	bitInteger = 1
	bitReal    = 2
	bitText    = 4
	bitBlob    = 8
	bitNull    = 16
)

func readSourceTable(ctx context.Context, src *sql.DB, d Dialect, name string) (sourceTable, error) {
	t := sourceTable{name: name}
	// table_xinfo, not table_info: an index's cid counts the generated
	// columns too. Those are computed by SQLite from an expression the
	// server cannot run: they are left out of the server's table (and of
	// its indexes), and the image recomputes them from the recorded CREATE.
	rows, err := src.QueryContext(ctx, "SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?) ORDER BY cid", name)
	if err != nil {
		return t, err
	}
	var xcols []string // every column by cid
	generated := map[string]bool{}
	for rows.Next() {
		var c Column
		var notnull, hidden int
		var dflt sql.NullString
		if err := rows.Scan(&c.Name, &c.Type, &notnull, &dflt, &c.PK, &hidden); err != nil {
			rows.Close()
			return t, err
		}
		xcols = append(xcols, c.Name)
		if hidden == 2 || hidden == 3 {
			generated[c.Name] = true
			continue
		}
		c.NotNull, c.Default = notnull != 0, dflt.String
		t.cols = append(t.cols, c)
	}
	if err := closeRows(rows); err != nil {
		return t, err
	}
	kindOf := map[string]string{}
	var sums []string
	for _, c := range t.cols {
		sums = append(sums, "COALESCE(SUM(DISTINCT CASE typeof("+ledger.Quote(c.Name)+") WHEN 'integer' THEN 1 WHEN 'real' THEN 2 WHEN 'text' THEN 4 WHEN 'blob' THEN 8 ELSE 16 END), 0)")
	}
	masks := make([]int64, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range masks {
		ptrs[i] = &masks[i]
	}
	if err := src.QueryRowContext(ctx, "SELECT "+strings.Join(sums, ", ")+" FROM "+ledger.Quote(name)).Scan(ptrs...); err != nil {
		return t, fmt.Errorf("%s: %w", name, err)
	}
	t.nulls = make([]bool, len(t.cols))
	for i := range t.cols {
		c := &t.cols[i]
		t.nulls[i] = masks[i]&bitNull != 0
		switch masks[i] &^ bitNull {
		case 0:
			c.Kind = sqliteDialect{}.Kind(c.Type)
		case bitInteger:
			c.Kind = kindInteger
		case bitReal:
			c.Kind = kindReal
		case bitText:
			c.Kind = kindText
		case bitBlob:
			c.Kind = kindBlob
		default:
			c.Kind = kindMixed
		}
		t.layout.Columns = append(t.layout.Columns, layoutColumn{Name: c.Name, Kind: c.Kind})
		kindOf[c.Name] = c.Kind
	}
	// Row order: the rowid alias, the key of a WITHOUT ROWID table, or the
	// physical order otherwise.
	var pk []Column
	for _, c := range t.cols {
		if c.PK > 0 {
			pk = append(pk, c)
		}
	}
	var withoutRowid int
	if err := src.QueryRowContext(ctx, "SELECT wr FROM pragma_table_list WHERE schema = 'main' AND name = ?", name).Scan(&withoutRowid); err != nil {
		return t, fmt.Errorf("%s: %w", name, err)
	}
	t.withoutRowid = withoutRowid != 0
	if withoutRowid != 0 || (len(pk) == 1 && strings.EqualFold(pk[0].Type, "INTEGER")) {
		t.layout.Order = Table{Columns: t.cols}.pk()
	}
	// Indexes the server can have: plain columns, no partial ones.
	irows, err := src.QueryContext(ctx, "SELECT name, \"unique\", origin, partial FROM pragma_index_list(?) ORDER BY seq", name)
	if err != nil {
		return t, err
	}
	type idx struct {
		name    string
		unique  bool
		origin  string
		partial bool
	}
	var list []idx
	for irows.Next() {
		var x idx
		if err := irows.Scan(&x.name, &x.unique, &x.origin, &x.partial); err != nil {
			irows.Close()
			return t, err
		}
		list = append(list, x)
	}
	if err := closeRows(irows); err != nil {
		return t, err
	}
	for n, x := range list {
		if x.origin == "pk" || x.partial {
			continue
		}
		var cols, names []string
		ok := true
		crows, err := src.QueryContext(ctx, "SELECT cid, name FROM pragma_index_info(?) ORDER BY seqno", x.name)
		if err != nil {
			return t, err
		}
		for crows.Next() {
			var cid int
			var cn sql.NullString
			if err := crows.Scan(&cid, &cn); err != nil {
				crows.Close()
				return t, err
			}
			// An expression (cid -2), the rowid (-1), a generated column, or
			// a column the server cannot index: the index stays SQLite's.
			if cid < 0 || cid >= len(xcols) || !cn.Valid || generated[cn.String] {
				ok = false
			} else if k := kindOf[cn.String]; k == kindMixed || k == kindBlob {
				ok = false
			}
			cols = append(cols, d.Quote(cn.String))
			names = append(names, cn.String)
		}
		if err := closeRows(crows); err != nil {
			return t, err
		}
		if !ok || len(cols) == 0 {
			continue
		}
		if t.keyed == nil {
			t.keyed = map[string]bool{}
		}
		for _, n := range names {
			t.keyed[n] = true
		}
		iname := x.name
		if x.origin != "c" {
			iname = fmt.Sprintf("%s_u%d", name, n+1)
		}
		kw := "CREATE INDEX "
		if x.unique {
			kw = "CREATE UNIQUE INDEX "
		}
		t.indexes = append(t.indexes, kw+d.Quote(iname)+" ON "+d.Quote(name)+" ("+strings.Join(cols, ", ")+")")
	}
	return t, nil
}

// serverDDL is the server's CREATE TABLE: mapped types, NOT NULL, simple
// defaults and the primary key (left out when SQLite let NULLs into it).
func serverDDL(d Dialect, t sourceTable) string {
	var cols []string
	pkOK := true
	for i, c := range t.cols {
		typ := d.ServerType(c.Kind)
		if kt, ok := d.(interface{ keyType(string) string }); ok && (c.PK > 0 || t.keyed[c.Name]) {
			typ = kt.keyType(c.Kind)
		}
		s := d.Quote(c.Name) + " " + typ
		if c.NotNull {
			s += " NOT NULL"
		}
		if c.Default != "" && literalRe.MatchString(c.Default) {
			isString := strings.HasPrefix(c.Default, "'")
			if (isString && c.Kind == kindText) || (!isString && (c.Kind == kindInteger || c.Kind == kindReal)) {
				s += " DEFAULT " + c.Default
			}
		}
		cols = append(cols, s)
		if c.PK > 0 && (t.nulls[i] || c.Kind == kindMixed) {
			pkOK = false
		}
	}
	if pk := (Table{Columns: t.cols}).pk(); len(pk) > 0 && pkOK {
		var q []string
		for _, p := range pk {
			q = append(q, d.Quote(p))
		}
		cols = append(cols, "PRIMARY KEY ("+strings.Join(q, ", ")+")")
	}
	return "CREATE TABLE " + d.Quote(t.name) + " (" + strings.Join(cols, ", ") + ")"
}

// batchRows is how many rows one INSERT carries: about 1 000 parameters
// (SQL Server allows 2 100).
func batchRows(ncols int) int { return max(1, min(500, 1000/max(ncols, 1))) }

func (s *Store) insertTable(ctx context.Context, src *sql.DB, tx *sql.Tx, t sourceTable) error {
	d := s.d
	var cols, sel, one []string
	for _, c := range t.cols {
		cols = append(cols, d.Quote(c.Name))
		// The unary + keeps go-sqlite3 from converting by declared type.
		sel = append(sel, "+"+ledger.Quote(c.Name))
		one = append(one, d.Param(c.Kind))
	}
	row := "(" + strings.Join(one, ", ") + ")"
	prefix := "INSERT INTO " + d.Quote(t.name) + " (" + strings.Join(cols, ", ") + ") VALUES "
	stmtFor := func(n int) string { return prefix + strings.Repeat(row+", ", n-1) + row }
	per := batchRows(len(t.cols))
	full, err := tx.PrepareContext(ctx, stmtFor(per))
	if err != nil {
		return fmt.Errorf("insert %s: %w", t.name, err)
	}
	defer full.Close()
	order := ""
	if len(t.layout.Order) == 0 && !t.withoutRowid {
		order = " ORDER BY rowid"
	}
	rows, err := src.QueryContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+ledger.Quote(t.name)+order)
	if err != nil {
		return err
	}
	defer rows.Close()
	args := make([]any, 0, per*len(t.cols))
	vals := make([]any, len(t.cols))
	ptrs := make([]any, len(t.cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	flush := func(stmt *sql.Stmt) error {
		var err error
		if stmt != nil {
			_, err = stmt.ExecContext(ctx, args...)
		} else {
			_, err = tx.ExecContext(ctx, stmtFor(len(args)/len(t.cols)), args...)
		}
		args = args[:0]
		if err != nil {
			return fmt.Errorf("insert %s: %w", t.name, err)
		}
		return ctx.Err()
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i, v := range vals {
			if t.cols[i].Kind == kindMixed {
				v = encodeMixed(v)
			} else if b, ok := v.([]byte); ok && t.cols[i].Kind == kindBlob {
				v = append([]byte{}, b...)
				if len(b) == 0 {
					v = emptyBlob(d)
				}
			}
			args = append(args, v)
		}
		if len(args) == per*len(t.cols) {
			if err := flush(full); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(args) > 0 {
		return flush(nil)
	}
	return nil
}

// emptyBlob is how a zero-length BLOB is sent: the driver binds an empty
// []byte as a NULL pointer, which psqlODBC refuses; an empty string cast to
// the binary type is the same empty value.
func emptyBlob(Dialect) any { return "" }

func writeMeta(ctx context.Context, d Dialect, tx *sql.Tx, objects []metaObject, tables []sourceTable, extra []metaObject) error {
	if _, err := tx.ExecContext(ctx, metaDDL(d)); err != nil {
		return fmt.Errorf("%s: %w", metaTable, err)
	}
	ins := "INSERT INTO " + d.Quote(metaTable) + " (ordre, type, name, tbl_name, " + d.Quote("sql") + ") VALUES (" +
		d.Param(kindInteger) + ", " + d.Param(kindText) + ", " + d.Param(kindText) + ", " + d.Param(kindText) + ", " + d.Param(kindText) + ")"
	n := int64(0)
	put := func(o metaObject) error {
		n++
		_, err := tx.ExecContext(ctx, ins, n, o.Type, o.Name, o.TblName, o.SQL)
		return err
	}
	for _, o := range objects {
		if err := put(o); err != nil {
			return err
		}
	}
	for _, t := range tables {
		b, _ := json.Marshal(t.layout)
		if err := put(metaObject{Type: "colonnes", Name: t.name, TblName: t.name, SQL: string(b)}); err != nil {
			return err
		}
	}
	for _, o := range extra {
		if err := put(o); err != nil {
			return err
		}
	}
	return nil
}

// sweepTempDir removes what a restore killed earlier left in the temp
// folder: nothing else ever looks there.
func sweepTempDir() { fsutil.SweepTemp(os.TempDir()) }

package odbcstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// snapshot holds one read transaction on the dossier's database for its
// whole life: identity, sessions, stats and the SQLite image all come from
// it.
type snapshot struct {
	s        *Store
	name     string // database
	db       *sql.DB
	conn     *sql.Conn
	tx       *sql.Tx
	tables   []Table // user tables, Coffre's own left out
	names    []string
	meta     *meta
	id       dossier.Identity
	schema   string
	warnings []i18n.Note
	tempDir  string
	image    *fsutil.TempFile
	file     *os.File
	// pg: a PostgreSQL base Coffre did not create, carried exactly (see
	// pgcatalog.go); hashes are its tables' content hashes on the server,
	// computed once the image is checked against them.
	pg     *pgSchema
	hashes map[string]tableHash
}

func (s *Store) Snapshot(ctx context.Context, numero string, opt store.SnapshotOptions) (store.Snapshot, error) {
	name, err := s.database(ctx, numero)
	if err != nil {
		return nil, err
	}
	sn := &snapshot{s: s, name: name, tempDir: opt.TempDir}
	if err := sn.begin(ctx); err != nil {
		sn.Close()
		return nil, s.wrap(name, err)
	}
	return sn, nil
}

func (sn *snapshot) begin(ctx context.Context) error {
	var err error
	if sn.db, err = sn.s.openDB(sn.name); err != nil {
		return err
	}
	if sn.conn, err = sn.db.Conn(ctx); err != nil {
		return err
	}
	if sn.tx, sn.warnings, err = sn.s.d.BeginSnapshot(ctx, sn.conn); err != nil {
		return err
	}
	all, err := sn.s.d.Tables(ctx, sn.tx)
	if err != nil {
		return err
	}
	sn.meta = readMeta(ctx, sn.s.d, sn.tx, all)
	for _, t := range all {
		if t.Name != metaTable {
			sn.tables = append(sn.tables, t)
		}
	}
	sn.names = userTables(all)
	if ms, ok := sn.s.d.(sqlServer); ok && sn.meta == nil {
		if err := ms.refuseColumns(sn.name, sn.tables); err != nil {
			return err
		}
	}
	if _, ok := sn.s.d.(postgres); ok && sn.meta == nil {
		for _, q := range sessionSettings {
			if _, err := sn.tx.ExecContext(ctx, q); err != nil {
				return err
			}
		}
		if sn.pg, err = readPGSchema(ctx, sn.tx, sn.name); err != nil {
			return err
		}
		sn.names = nil
		for _, t := range sn.pg.tables {
			sn.names = append(sn.names, t.Image)
		}
		sort.Strings(sn.names)
	}
	if ledger.IsV1(sn.names) {
		sn.schema = "v1"
		var siren, devise sql.NullString
		var version sql.NullInt64
		err := sn.tx.QueryRowContext(ctx, "SELECT numero, nom, raison_sociale, siren, devise, identifiant, version_schema FROM dossier").
			Scan(&sn.id.Numero, &sn.id.Nom, &sn.id.RaisonSociale, &siren, &devise, &sn.id.Identifiant, &version)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		sn.id.SIREN, sn.id.Devise, sn.id.VersionSchema = siren.String, devise.String, int(version.Int64)
	}
	// The database's name is the dossier's number, as a file's is.
	if p, ok := dossier.ParseDBName(sn.name); ok {
		sn.id.Numero, sn.id.Nom = p.Numero, p.Nom
	}
	return nil
}

func (sn *snapshot) Identity() dossier.Identity { return sn.id }
func (sn *snapshot) Schema() string             { return sn.schema }
func (sn *snapshot) Tables() []string           { return sn.names }
func (sn *snapshot) Querier() ledger.Querier    { return sn.tx }

// Warnings say when the server could not give a snapshot as strong as
// asked (SQL Server without snapshot isolation).
func (sn *snapshot) Warnings() []i18n.Note { return sn.warnings }

// Sessions are the programs the dossier's sessions table lists, then the
// other connections the server sees on the dossier's database.
func (sn *snapshot) Sessions(ctx context.Context) ([]dossier.Session, error) {
	var out []dossier.Session
	if sn.schema == "v1" {
		rows, err := sn.tx.QueryContext(ctx, "SELECT poste, utilisateur, programme, debut, derniere_activite FROM sessions ORDER BY poste, debut")
		if err != nil {
			return nil, sn.s.wrap(sn.name, fmt.Errorf("sessions: %w", err))
		}
		for rows.Next() {
			var x dossier.Session
			if err := rows.Scan(&x.Poste, &x.Utilisateur, &x.Programme, &x.Debut, &x.DerniereActivite); err != nil {
				rows.Close()
				return nil, sn.s.wrap(sn.name, err)
			}
			out = append(out, x)
		}
		if err := closeRows(rows); err != nil {
			return nil, sn.s.wrap(sn.name, err)
		}
	}
	// Through the snapshot's own connection: it leaves itself out.
	server, err := sn.s.d.Sessions(ctx, sn.tx, sn.name)
	if err != nil {
		return nil, sn.s.wrap(sn.name, err)
	}
	return append(out, server...), nil
}

func (sn *snapshot) Stats(ctx context.Context) (dossier.Stats, error) {
	if sn.pg != nil {
		st, err := sn.pgStats(ctx)
		return st, sn.s.wrap(sn.name, err)
	}
	st, err := ledger.Compute(ctx, sn.tx, sn.names)
	return st, sn.s.wrap(sn.name, err)
}

// pgStats: each table's rows (and content hash once checked), plus the
// accounting figures of a schema-v1 dossier, whose tables are public's.
func (sn *snapshot) pgStats(ctx context.Context) (dossier.Stats, error) {
	var st dossier.Stats
	if sn.schema == "v1" {
		var public []string
		for _, t := range sn.pg.tables {
			if t.Schema == "public" {
				public = append(public, t.Name)
			}
		}
		var err error
		if st, err = ledger.Compute(ctx, sn.tx, public); err != nil {
			return st, err
		}
	}
	st.Tables = nil
	for _, t := range sn.pg.tables {
		tc := dossier.TableCount{Name: t.Image}
		if h, ok := sn.hashes[t.Image]; ok {
			tc.Rows, tc.Hash = h.Rows, h.String()
		} else if err := sn.tx.QueryRowContext(ctx, "SELECT count(*) FROM "+t.from()).Scan(&tc.Rows); err != nil {
			return st, fmt.Errorf("count %s: %w", t.qualified(), err)
		}
		st.Tables = append(st.Tables, tc)
	}
	sort.Slice(st.Tables, func(i, j int) bool { return st.Tables[i].Name < st.Tables[j].Name })
	return st, nil
}

// Database builds the portable SQLite image in a temp file and returns it.
func (sn *snapshot) Database(ctx context.Context) (io.ReadCloser, int64, error) {
	dir := sn.tempDir
	if dir == "" {
		dir = os.TempDir()
	}
	fsutil.SweepTemp(dir) // images of killed backups
	tmp, err := fsutil.CreateTemp(filepath.Join(dir, "image-"+sn.name+dossier.ExtDB))
	if err != nil {
		return nil, 0, err
	}
	sn.image = tmp
	if err := sn.buildImage(ctx, tmp.Name()); err != nil {
		return nil, 0, sn.s.wrap(sn.name, err)
	}
	f, err := os.Open(tmp.Name())
	if err != nil {
		return nil, 0, err
	}
	sn.file = f
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	return io.NopCloser(f), fi.Size(), nil
}

// QuickCheck checks the image written by Database (backup's « vérifier »:
// the server's own pages are the server's business).
func (sn *snapshot) QuickCheck(ctx context.Context, label string) error {
	if sn.image == nil {
		return nil
	}
	db, err := sqlitestore.OpenRO(sn.image.Name())
	if err != nil {
		return err
	}
	defer db.Close()
	var res string
	if err := db.QueryRowContext(ctx, "PRAGMA quick_check").Scan(&res); err != nil {
		return err
	}
	if res != "ok" {
		return fmt.Errorf("%s: %w: %s", label, dossier.ErrCorrupt, res)
	}
	if sn.pg == nil {
		return nil
	}
	// « Vérifiée » means the same content: each table's rows hashed by the
	// server, inside the snapshot, and from the image.
	got, want := map[string]tableHash{}, map[string]tableHash{}
	for _, t := range sn.pg.tables {
		h, err := serverHash(ctx, sn.tx, t)
		if err != nil {
			return sn.s.wrap(sn.name, err)
		}
		want[t.Image] = h
		if got[t.Image], err = imageHash(ctx, db, t); err != nil {
			return err
		}
	}
	if d := compareHashes(got, want); d != "" {
		return i18n.E(msgContentDiffers, map[string]any{"Base": sn.name, "Tables": d}, dossier.ErrCorrupt)
	}
	sn.hashes = want
	return nil
}

func (sn *snapshot) Close() error {
	if sn.tx != nil {
		sn.tx.Rollback()
	}
	if sn.conn != nil {
		sn.conn.Close()
	}
	if sn.db != nil {
		sn.db.Close()
	}
	if sn.file != nil {
		sn.file.Close()
	}
	if sn.image != nil {
		sn.image.Abort()
	}
	return nil
}

// imageType is the SQLite declared type of a column built from the catalog.
func imageType(kind string) string {
	switch kind {
	case kindInteger:
		return "INTEGER"
	case kindReal:
		return "REAL"
	case kindText:
		return "TEXT"
	}
	return "BLOB"
}

// catalogDDL is a table's CREATE for the image when no layout was recorded.
func catalogDDL(t Table) string {
	var cols []string
	for _, c := range t.Columns {
		s := ledger.Quote(c.Name) + " " + imageType(c.Kind)
		if c.NotNull {
			s += " NOT NULL"
		}
		cols = append(cols, s)
	}
	if pk := t.pk(); len(pk) > 0 {
		var q []string
		for _, p := range pk {
			q = append(q, ledger.Quote(p))
		}
		cols = append(cols, "PRIMARY KEY ("+strings.Join(q, ", ")+")")
	}
	return "CREATE TABLE " + ledger.Quote(t.Name) + " (" + strings.Join(cols, ", ") + ")"
}

func (sn *snapshot) buildImage(ctx context.Context, path string) error {
	img, err := sql.Open("sqlite3", sqlitestore.DSN(path, "_journal_mode=OFF&_sync=OFF"))
	if err != nil {
		return err
	}
	defer img.Close()
	img.SetMaxOpenConns(1)
	exec := func(q string, args ...any) error {
		_, err := img.ExecContext(ctx, q, args...)
		return err
	}
	if sn.pg != nil {
		if err := writePGImage(ctx, sn.tx, img, sn.pg); err != nil {
			return err
		}
		return exec("PRAGMA journal_mode=DELETE")
	}
	type plan struct {
		t     Table
		kinds []string
		order []string
	}
	var plans []plan
	if m := sn.meta; m != nil {
		for _, o := range m.objects {
			if o.Type == "table" {
				if err := exec(o.SQL); err != nil {
					return fmt.Errorf("image: %s: %w", o.Name, err)
				}
			}
		}
		for _, t := range sn.tables {
			l := m.layouts[t.Name]
			p := plan{t: t, order: l.Order}
			for _, c := range l.Columns {
				p.kinds = append(p.kinds, c.Kind)
			}
			plans = append(plans, p)
		}
	} else {
		for _, t := range sn.tables {
			if err := exec(catalogDDL(t)); err != nil {
				return fmt.Errorf("image: %s: %w", t.Name, err)
			}
			p := plan{t: t, order: t.pk()}
			for _, c := range t.Columns {
				p.kinds = append(p.kinds, c.Kind)
			}
			plans = append(plans, p)
		}
	}
	if err := exec("BEGIN"); err != nil {
		return err
	}
	for _, p := range plans {
		if err := sn.copyTable(ctx, img, p.t, p.kinds, p.order); err != nil {
			return err
		}
	}
	if m := sn.meta; m != nil && len(m.sequences) > 0 {
		if err := exec("DELETE FROM sqlite_sequence"); err != nil {
			return err
		}
		for _, o := range m.sequences {
			if err := exec("INSERT INTO sqlite_sequence (name, seq) VALUES (?, CAST(? AS INTEGER))", o.Name, o.SQL); err != nil {
				return err
			}
		}
	}
	if err := exec("COMMIT"); err != nil {
		return err
	}
	// Indexes, views and triggers last: triggers must not fire on the
	// copy, and indexes build faster on full tables.
	if m := sn.meta; m != nil {
		for _, typ := range []string{"index", "view", "trigger"} {
			for _, o := range m.objects {
				if o.Type == typ && o.SQL != "" {
					if err := exec(o.SQL); err != nil {
						return fmt.Errorf("image: %s: %w", o.Name, err)
					}
				}
			}
		}
		if len(m.stats) > 0 {
			// As .dump does: ANALYZE sqlite_schema creates an empty
			// sqlite_stat1, then the source's statistics go in.
			if err := exec("ANALYZE sqlite_schema"); err != nil {
				return err
			}
			for _, o := range m.stats {
				var idx any
				if o.TblName != "" {
					idx = o.TblName
				}
				if err := exec("INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)", o.Name, idx, o.SQL); err != nil {
					return err
				}
			}
		}
	}
	return exec("PRAGMA journal_mode=DELETE")
}

// selectStatement is the read of one table for the image: each column as
// the dialect reads it exactly, in the given order (or the physical one).
func selectStatement(d Dialect, t Table, order []string) (string, []string) {
	var cols, marks []string
	for _, c := range t.Columns {
		expr := d.Quote(c.Name)
		if x, ok := d.(interface{ selectExpr(Column) string }); ok {
			expr = x.selectExpr(c)
		}
		cols = append(cols, expr)
		marks = append(marks, "?")
	}
	q := "SELECT " + strings.Join(cols, ", ") + " FROM " + d.Quote(t.Name)
	if len(order) > 0 {
		var o []string
		for _, c := range order {
			o = append(o, d.Quote(c))
		}
		q += " ORDER BY " + strings.Join(o, ", ")
	} else if ro := d.RowOrder(); ro != "" {
		q += " ORDER BY " + ro
	}
	return q, marks
}

// copyTable reads one table through the snapshot and writes it to the image.
func (sn *snapshot) copyTable(ctx context.Context, img *sql.DB, t Table, kinds []string, order []string) error {
	d := sn.s.d
	q, marks := selectStatement(d, t, order)
	ins, err := img.PrepareContext(ctx, "INSERT INTO "+ledger.Quote(t.Name)+" VALUES ("+strings.Join(marks, ", ")+")")
	if err != nil {
		return fmt.Errorf("image %s: %w", t.Name, err)
	}
	defer ins.Close()
	out := make([]any, len(t.Columns))
	put := func(vals []any) error {
		for i, v := range vals {
			if kinds[i] == kindMixed {
				out[i] = decodeMixed(v)
			} else {
				out[i] = normalize(v, kinds[i])
			}
		}
		_, err := ins.ExecContext(ctx, out...)
		return err
	}
	if _, ok := d.(postgres); ok {
		if err := eachRow(ctx, sn.tx, q, len(t.Columns), batchFor(ctx, sn.tx, d.Quote(t.Name)), put); err != nil {
			return fmt.Errorf("%s: %w", t.Name, err)
		}
		return nil
	}
	// Other servers' drivers stream a result as it is read.
	rows, err := sn.tx.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("%s: %w", t.Name, err)
	}
	defer rows.Close()
	vals := make([]any, len(t.Columns))
	ptrs := make([]any, len(t.Columns))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for n := 1; rows.Next(); n++ {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("%s: %w", t.Name, err)
		}
		if err := put(vals); err != nil {
			return fmt.Errorf("image %s: %w", t.Name, err)
		}
		if n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return closeRows(rows)
}

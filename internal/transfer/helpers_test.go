package transfer_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"testing"

	"coffre/internal/dossiertest"
	"coffre/internal/restore"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/transfer"
)

// sites is a source connexion and a receiving one holding the same dossier
// after the first (complete) transfer.
type sites struct {
	src, dst       *sqlitestore.Folder
	srcDir, dstDir string
	out, state     string
	safety         string
}

func (s *sites) srcPath() string { return filepath.Join(s.srcDir, "001SOC.db") }
func (s *sites) dstPath() string { return filepath.Join(s.dstDir, "001SOC.db") }

func newSites(t *testing.T, build func(t *testing.T, path string)) *sites {
	t.Helper()
	s := &sites{srcDir: t.TempDir(), dstDir: t.TempDir(), out: t.TempDir(), state: t.TempDir(), safety: t.TempDir()}
	build(t, s.srcPath())
	var err error
	if s.src, err = sqlitestore.Open(s.srcDir); err != nil {
		t.Fatal(err)
	}
	if s.dst, err = sqlitestore.Open(s.dstDir); err != nil {
		t.Fatal(err)
	}
	res := s.export(t)
	if !res.Full || res.Sequence != 0 {
		t.Fatalf("first transfer %+v", res)
	}
	if _, err := restore.Run(context.Background(), restore.Request{File: res.Path, Store: s.dst, SafetyDir: s.safety}); err != nil {
		t.Fatal(err)
	}
	s.assertConverged(t)
	return s
}

func (s *sites) export(t *testing.T) transfer.ExportResult {
	t.Helper()
	res, err := transfer.Export(context.Background(), transfer.ExportRequest{Store: s.src, Numero: "001", DestDir: s.out, StateDir: s.state})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (s *sites) apply(t *testing.T, file string) transfer.ImportResult {
	t.Helper()
	res, err := transfer.Import(context.Background(), transfer.ImportRequest{File: file, Store: s.dst, Numero: "001", SafetyDir: s.safety})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// carried is a dump without the tables each site keeps for itself.
func carried(t *testing.T, path string) map[string][][]any {
	t.Helper()
	d := dossiertest.Dump(t, path)
	delete(d, "transferts")
	delete(d, "sessions")
	return d
}

func (s *sites) assertConverged(t *testing.T) {
	t.Helper()
	if d := dossiertest.Diff(carried(t, s.srcPath()), carried(t, s.dstPath())); d != "" {
		t.Fatalf("receiving dossier differs from the source: %s", d)
	}
}

// exec runs statements on the dossier at path, as the management software
// would (foreign keys enforced).
func exec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sqlitestore.OpenRW(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// execNoFK runs q with foreign keys off, as a careless program could.
func execNoFK(t *testing.T, path, q string, args ...any) {
	t.Helper()
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw&_foreign_keys=off"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

func buildV1(t *testing.T, path string) { dossiertest.BuildV1(t, path) }

func openFolder(dir string) (*sqlitestore.Folder, error) { return sqlitestore.Open(dir) }

func openRO(path string) (*sql.DB, error) { return sqlitestore.OpenRO(path) }

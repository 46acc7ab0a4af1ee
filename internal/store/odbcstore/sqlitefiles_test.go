package odbcstore_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/cli"
	"coffre/internal/i18n"
	"coffre/internal/restore"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// serverSQL is a file Debian's sqlite3 writes with what a server can hold:
// generated columns using sqrt() (the STORED one indexed, before and after
// plain columns), a WITHOUT ROWID table, a STRICT table with an ANY column,
// a table without INTEGER PRIMARY KEY whose rowids have a hole, an
// AUTOINCREMENT counter and ANALYZE's statistics. (Virtual tables cannot go
// to a server: refused by name.)
const serverSQL = `
CREATE TABLE pts(d REAL GENERATED ALWAYS AS (sqrt(x*x+y*y)) STORED, id INTEGER PRIMARY KEY AUTOINCREMENT, x REAL, y REAL, v REAL AS (sqrt(x)) VIRTUAL, nom TEXT);
CREATE INDEX pts_d ON pts(d);
CREATE INDEX pts_nom ON pts(nom, x);
INSERT INTO pts(x,y,nom) VALUES (3,4,'a'),(5,12,'b'),(1,1,'c');
DELETE FROM pts WHERE id = 3;
CREATE TABLE kv(k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
INSERT INTO kv VALUES ('a', x'00ff'),('b', NULL),('c', x'');
CREATE TABLE s(id INTEGER PRIMARY KEY, n INT NOT NULL, t TEXT, b BLOB, r REAL, a ANY) STRICT;
INSERT INTO s VALUES (1, 2, 'x', x'01', 1.5, 'any'),(2, 3, NULL, NULL, NULL, 7),(3, 4, 'é', x'', -0.5, x'0203');
CREATE TABLE norow(a TEXT, b INT);
INSERT INTO norow VALUES ('z',1),('y',2),('x',3);
DELETE FROM norow WHERE b=2;
INSERT INTO norow VALUES ('w',4);
CREATE VIEW vpts AS SELECT nom, d FROM pts;
ANALYZE;
`

func sqlite3CLI(t *testing.T, db string, input string, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		t.Fatal("sqlite3 (Debian package sqlite3, in make deps) is needed to write and read the test files")
	}
	cmd := exec.Command(bin, append([]string{"-batch", "-bail", db}, args...)...)
	cmd.Stdin = strings.NewReader(input)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sqlite3 %s: %v\n%s", db, err, out)
	}
	return string(out)
}

// TestSQLiteFileThroughPostgreSQL: a file written by Debian's sqlite3 goes
// SQLite → PostgreSQL (it used to panic on the index of a STORED generated
// column) → PBF → SQLite folder, and Debian's sqlite3 dumps the same text,
// statistics and AUTOINCREMENT counter included.
func TestSQLiteFileThroughPostgreSQL(t *testing.T) {
	ctx := context.Background()
	s := openPG(t)
	work := t.TempDir()
	src := filepath.Join(work, "001DEB.db")
	sqlite3CLI(t, src, serverSQL)
	if _, err := restore.Run(ctx, restore.Request{File: src, Store: s, SafetyDir: filepath.Join(work, "securite")}); err != nil {
		t.Fatalf("restore onto PostgreSQL: %s", i18n.Describe(err))
	}
	out := filepath.Join(work, "out")
	os.MkdirAll(out, 0o755)
	res, err := backup.Run(ctx, backup.Request{Source: store.InStore(s, "001"), DestDir: out, Verify: true})
	if err != nil {
		t.Fatalf("backup from PostgreSQL: %s", i18n.Describe(err))
	}
	folder := filepath.Join(work, "dossiers")
	os.MkdirAll(folder, 0o755)
	f, err := sqlitestore.Open(folder)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := restore.Run(ctx, restore.Request{File: res.Path, Store: f, SafetyDir: filepath.Join(work, "securite")})
	if err != nil {
		t.Fatalf("restore into a folder: %s", i18n.Describe(err))
	}
	got := filepath.Join(folder, rr.Path)
	if a, b := sqlite3CLI(t, src, "", ".dump"), sqlite3CLI(t, got, "", ".dump"); a != b {
		t.Fatalf("SQLite → PostgreSQL → SQLite changed the file:\n--- source\n%s\n--- back\n%s", a, b)
	}
	if ic := strings.TrimSpace(sqlite3CLI(t, got, "", "PRAGMA integrity_check")); ic != "ok" {
		t.Fatalf("integrity_check: %s", ic)
	}
}

// TestListForeignBase: a PostgreSQL base Coffre did not create, named like
// a dossier, is listed as a PostgreSQL base outside the management schema
// (it was called a SQLite base).
func TestListForeignBase(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	openPG(t) // a clean server
	maint := openRaw(t, c)
	if _, err := maint.Exec(`CREATE DATABASE "002AUTRE"`); err != nil {
		t.Fatal(err)
	}
	db := openRaw(t, c.With("Database", "002AUTRE"))
	if _, err := db.Exec(`CREATE TABLE clients (id integer PRIMARY KEY, nom text)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	var stdout, stderr bytes.Buffer
	env := &cli.Env{Ctx: ctx, Stdout: &stdout, Stderr: &stderr}
	if code := cli.Run(env, []string{"liste", "--connexion", "odbc:" + c.String()}); code != 0 {
		t.Fatalf("liste: %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "base PostgreSQL hors schéma de gestion") || strings.Contains(stdout.String(), "SQLite") {
		t.Fatalf("liste:\n%s", stdout.String())
	}
}

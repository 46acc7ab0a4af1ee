package sqlitestore_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/restore"
	"coffre/internal/store/sqlitestore"
)

// debianSQL is what Debian's own sqlite3 writes into the file: an FTS5
// table, generated columns using sqrt() (one STORED and indexed, one
// VIRTUAL), a WITHOUT ROWID table, a STRICT table, an R*Tree, a table
// without INTEGER PRIMARY KEY whose rowids have a hole, and ANALYZE's
// statistics.
const debianSQL = `
CREATE TABLE pts(id INTEGER PRIMARY KEY, x REAL, y REAL, d REAL GENERATED ALWAYS AS (sqrt(x*x+y*y)) STORED, v REAL AS (sqrt(x)) VIRTUAL);
CREATE INDEX pts_d ON pts(d);
INSERT INTO pts(x,y) VALUES (3,4),(5,12),(1,1);
CREATE VIRTUAL TABLE docs USING fts5(titre, corps);
INSERT INTO docs VALUES ('Facture','Règlement du client Dupont'),('Avoir','Remboursement à 30 jours');
CREATE TABLE kv(k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;
INSERT INTO kv VALUES ('a', x'00ff'),('b', NULL);
CREATE TABLE s(id INTEGER PRIMARY KEY, n INT NOT NULL, t TEXT, b BLOB, r REAL, a ANY) STRICT;
INSERT INTO s VALUES (1, 2, 'x', x'01', 1.5, 'any'),(2, 3, NULL, NULL, NULL, 7);
CREATE VIRTUAL TABLE zones USING rtree(id, minx, maxx, miny, maxy);
INSERT INTO zones VALUES (1, 0, 10, 0, 10);
CREATE TABLE norow(a TEXT, b INT);
INSERT INTO norow VALUES ('z',1),('y',2),('x',3);
DELETE FROM norow WHERE b=2;
INSERT INTO norow VALUES ('w',4);
ANALYZE;
`

// sqlite3CLI runs Debian's sqlite3 (a package of make deps).
func sqlite3CLI(t *testing.T, db string, input string, args ...string) string {
	t.Helper()
	if fsutil.UnderWine() {
		t.Skip(dossiertest.WineNoSQLite3)
	}
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

// TestFilesNobodyHereWrote: a file made by Debian's sqlite3 (rollback and
// WAL mode) and proj-data's proj.db are backed up (verified) and restored
// into a folder; Debian's sqlite3 then finds the same .dump, the same
// journal mode and a sound file.
func TestFilesNobodyHereWrote(t *testing.T) {
	ctx := context.Background()
	work := t.TempDir()
	files := map[string]string{}
	for _, mode := range []string{"delete", "wal"} {
		p := filepath.Join(work, "src", "debian-"+mode+".db")
		os.MkdirAll(filepath.Dir(p), 0o755)
		sqlite3CLI(t, p, "PRAGMA journal_mode="+mode+";\n"+debianSQL)
		files["debian-"+mode] = p
	}
	const proj = "/usr/share/proj/proj.db"
	if _, err := os.Stat(proj); err != nil {
		t.Fatalf("%s (Debian package proj-data, in make deps) is missing", proj)
	}
	files["proj"] = proj
	for name, src := range files {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(work, name, "sauvegardes")
			folder := filepath.Join(work, name, "dossiers")
			os.MkdirAll(out, 0o755)
			os.MkdirAll(folder, 0o755)
			res, err := backup.Run(ctx, backup.Request{Source: sqlitestore.File(src), DestDir: out, Verify: true})
			if err != nil {
				t.Fatalf("backup: %s", i18n.Describe(err))
			}
			wantMode := strings.TrimSpace(sqlite3CLI(t, src, "", "PRAGMA journal_mode"))
			if (wantMode == "wal") != (res.Manifest.Source.JournalMode == "wal") {
				t.Fatalf("manifest journal %q for a %s source", res.Manifest.Source.JournalMode, wantMode)
			}
			f, err := sqlitestore.Open(folder)
			if err != nil {
				t.Fatal(err)
			}
			rr, err := restore.Run(ctx, restore.Request{File: res.Path, Store: f, SafetyDir: filepath.Join(work, name, "securite")})
			if err != nil {
				t.Fatalf("restore: %s", i18n.Describe(err))
			}
			got := filepath.Join(folder, rr.Path)
			if mode := strings.TrimSpace(sqlite3CLI(t, got, "", "PRAGMA journal_mode")); mode != wantMode {
				t.Errorf("restored in journal mode %s, the source was in %s", mode, wantMode)
			}
			if ic := strings.TrimSpace(sqlite3CLI(t, got, "", "PRAGMA integrity_check")); ic != "ok" {
				t.Errorf("integrity_check of the restored file: %s", ic)
			}
			if a, b := sqlite3CLI(t, src, "", ".dump"), sqlite3CLI(t, got, "", ".dump"); a != b {
				t.Errorf("the restored file's .dump differs from the source's (%d vs %d bytes)", len(b), len(a))
			}
		})
	}
}

// TestLoadableExtensionRefused: a SpatiaLite file (written by Debian's
// sqlite3 with mod_spatialite) needs modules Coffre has not got: the backup
// is refused in French, naming one, and nothing is written.
func TestLoadableExtensionRefused(t *testing.T) {
	ctx := context.Background()
	work := t.TempDir()
	src := filepath.Join(work, "carte.db")
	sqlite3CLI(t, src, `.load mod_spatialite
SELECT InitSpatialMetadata(1, 'NONE');
CREATE TABLE lieux(id INTEGER PRIMARY KEY, nom TEXT);
SELECT AddGeometryColumn('lieux', 'geom', 0, 'POINT', 'XY');
SELECT CreateSpatialIndex('lieux', 'geom');
INSERT INTO lieux(nom, geom) VALUES ('Siège', MakePoint(2.35, 48.85, 0));
`)
	out := filepath.Join(work, "out")
	os.MkdirAll(out, 0o755)
	_, err := backup.Run(ctx, backup.Request{Source: sqlitestore.File(src), DestDir: out, Verify: true})
	msg := i18n.Describe(err)
	if !errors.Is(err, dossier.ErrUnfaithful) || !strings.Contains(msg, "«\u00a0Virtual") || !strings.Contains(msg, "carte.db") {
		t.Fatalf("a SpatiaLite file: %v (%s)", err, msg)
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("something was written: %v", entries)
	}
}

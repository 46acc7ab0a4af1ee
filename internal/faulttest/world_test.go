//go:build unix

package faulttest

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/dossiertest"
	"coffre/internal/faults"
	"coffre/internal/pack"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/verify"
)

// template is built once: the dossier before, the same dossier after one
// more entry (packed, for restores), and a backup taken earlier.
type template struct {
	dir    string
	before string // RowHash of conn/001SOC.db
	after  string // RowHash of in/apres.pbf's database
}

var (
	tmplOnce sync.Once
	tmpl     template
	walOnce  sync.Once
	walDir   string
)

// annexes makes the fixture big enough for many progress events: each
// annexe is 1 MiB of noise, which compression cannot shrink.
const annexes = 3

func buildTemplate(tb testing.TB, wal bool) string {
	tb.Helper()
	name := "modele"
	var opts []dossiertest.Option
	if wal {
		name, opts = "modele-wal", []dossiertest.Option{dossiertest.WithWAL()}
	}
	dir := filepath.Join(workDir, name)
	for _, d := range []string{"conn", "dest", "in", "apres"} {
		mkdir(tb, filepath.Join(dir, d))
	}
	db := filepath.Join(dir, "conn", "001SOC.db")
	dossiertest.BuildV1(tb, db, opts...)
	addAnnexes(tb, db)
	// The « after » state: the same dossier with one more entry, packed.
	mod := filepath.Join(dir, "apres", "001SOC.db")
	copyFile(tb, db, mod)
	if _, err := os.Stat(db + "-wal"); err == nil {
		copyFile(tb, db+"-wal", mod+"-wal")
	}
	addEntry(tb, mod, 1)
	s, err := sqlitestore.Open(filepath.Join(dir, "apres"))
	if err != nil {
		tb.Fatal(err)
	}
	res, err := backup.Run(context.Background(), backup.Request{Source: store.InStore(s, "001"), DestDir: filepath.Join(dir, "in"), Name: "apres"})
	if err != nil {
		tb.Fatal(err)
	}
	if res.Path != filepath.Join(dir, "in", "apres.pbf") {
		tb.Fatal(res.Path)
	}
	// A backup taken earlier, which no fault may touch.
	c, err := sqlitestore.Open(filepath.Join(dir, "conn"))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := backup.Run(context.Background(), backup.Request{Source: store.InStore(c, "001"), DestDir: filepath.Join(dir, "dest"), Name: "001-SOC_20250101_0900"}); err != nil {
		tb.Fatal(err)
	}
	return dir
}

func theTemplate(tb testing.TB) template {
	tb.Helper()
	tmplOnce.Do(func() {
		tmpl.dir = buildTemplate(tb, false)
		tmpl.before = checkedHash(tb, filepath.Join(tmpl.dir, "conn", "001SOC.db"))
		tmpl.after = checkedHash(tb, filepath.Join(tmpl.dir, "apres", "001SOC.db"))
	})
	if tmpl.before == "" {
		tb.Fatal("fixture template failed in an earlier test")
	}
	return tmpl
}

// world is one case's folders, copied from a model: conn (the connexion),
// dest (backups, with one earlier backup), in (files to restore or
// import), out (exports, archives, copies), state (transfer state),
// safety, tmp (the process's TMPDIR), data and config.
type world struct {
	t                                testing.TB
	root, conn, dest, in, out, state string
	safety, tmp, data, config        string
	before, after                    string
	env                              []string
	// odbc are the user and password flags when conn is a server.
	odbc []string
}

// newWorld is a world on the default model: dossier 001 before, a backup
// of it after one more entry in in/apres.pbf.
func newWorld(t testing.TB) *world {
	t.Helper()
	tp := theTemplate(t)
	return worldFrom(t, tp.dir, tp.before, tp.after)
}

func worldFrom(t testing.TB, dir, before, after string) *world {
	t.Helper()
	return worldOf(t, model{conn: filepath.Join(dir, "conn"), in: filepath.Join(dir, "in")}, before, after)
}

// model says where a world's starting folders are copied from.
type model struct{ conn, in, state string }

func worldOf(t testing.TB, m model, before, after string) *world {
	t.Helper()
	root := t.TempDir()
	w := &world{t: t, root: root, before: before, after: after}
	w.conn, w.dest, w.in = filepath.Join(root, "conn"), filepath.Join(root, "dest"), filepath.Join(root, "in")
	w.out, w.state = filepath.Join(root, "sortie"), filepath.Join(root, "etat")
	w.safety, w.tmp = filepath.Join(root, "securite"), filepath.Join(root, "tmp")
	w.data, w.config = filepath.Join(root, "data"), filepath.Join(root, "config")
	for _, d := range []string{w.conn, w.dest, w.in, w.out, w.state, w.safety, w.tmp, w.data, w.config} {
		mkdir(t, d)
	}
	copyDir(t, m.conn, w.conn)
	copyDir(t, filepath.Join(theTemplate(t).dir, "dest"), w.dest)
	if m.in != "" {
		copyDir(t, m.in, w.in)
	}
	if m.state != "" {
		copyTree(t, m.state, w.state)
	}
	w.env = worldEnv(w)
	return w
}

// worldEnv keeps the process inside the world's folders.
func worldEnv(w *world) []string {
	return []string{"COFFRE_DATA=" + w.data, "COFFRE_CONFIG=" + w.config, "TMPDIR=" + w.tmp, "LANG=C.UTF-8", "LC_ALL="}
}

// dossier is the path of dossier 001 in the connexion.
func (w *world) dossier() string { return filepath.Join(w.conn, "001SOC.db") }

// start runs coffre with args (plus --langue fr), stopped at each event.
func (w *world) start(args ...string) *faults.Proc {
	w.t.Helper()
	return faults.Start(w.t, bin, w.env, append(args, "--langue", "fr")...)
}

// run runs coffre to its end and returns its exit code and outputs.
func (w *world) run(args ...string) (int, string, string) {
	w.t.Helper()
	p := w.start(args...)
	code := p.Wait()
	return code, p.Stdout.String(), p.Stderr.String()
}

// mustRun runs coffre and fails the test unless it succeeds.
func (w *world) mustRun(args ...string) string {
	w.t.Helper()
	code, out, errOut := w.run(args...)
	if code != 0 {
		w.t.Fatalf("coffre %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
	}
	return out
}

// checkDossier checks the dossier file at path is sound and in one of the
// given states (RowHash); it returns the state found.
func (w *world) checkDossier(path string, states ...string) string {
	w.t.Helper()
	got := checkedHash(w.t, path)
	for _, s := range states {
		if got == s {
			return got
		}
	}
	w.t.Fatalf("%s is in neither its before nor its after state", filepath.Base(path))
	return ""
}

// checkBackups verifies every backup under a final name in dirs (quick
// level; complete in make test-long): none may be half-written. The
// earlier backup must be byte for byte the one the world started with.
func (w *world) checkBackups(dirs ...string) {
	w.t.Helper()
	earlier := w.earlier()
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if !strings.HasSuffix(e.Name(), ".pbf") || strings.HasPrefix(e.Name(), ".") || p == earlier {
				continue
			}
			if _, err := verify.File(context.Background(), p, verify.Options{Complete: testingLong(), TempDir: w.t.TempDir()}); err != nil {
				w.t.Fatalf("backup %s does not verify: %v", e.Name(), err)
			}
		}
	}
	b, err := os.ReadFile(earlier)
	if err != nil {
		w.t.Fatalf("the earlier backup is gone: %v", err)
	}
	if !bytes.Equal(b, earlierBytes(w.t)) {
		w.t.Fatal("the earlier backup was changed")
	}
}

var (
	earlierOnce sync.Once
	earlierB    []byte
)

func earlierBytes(tb testing.TB) []byte {
	earlierOnce.Do(func() {
		earlierB, _ = os.ReadFile(filepath.Join(theTemplate(tb).dir, "dest", "001-SOC_20250101_0900.pbf"))
	})
	return earlierB
}

// noTemp fails if a Coffre temp file is left anywhere in the world but in
// the folders except.
func (w *world) noTemp(except ...string) {
	w.t.Helper()
	filepath.WalkDir(w.root, func(p string, d fs.DirEntry, err error) error {
		for _, e := range except {
			if err == nil && d.IsDir() && p == e {
				return filepath.SkipDir
			}
		}
		if err == nil && strings.Contains(d.Name(), ".coffre-tmp-") {
			w.t.Errorf("temp file left: %s", p)
		}
		return nil
	})
}

// checkedHash checks integrity_check and foreign_key_check of the database
// at path and returns its RowHash (every row of every table).
func checkedHash(tb testing.TB, path string) string {
	tb.Helper()
	return dossiertest.HashDump(checkedDump(tb, path))
}

// copyHash is checkedHash of a dossier restored as dossier numero beside
// its original (docs/FORMAT.md § 16): its row must say numero and hold an
// identifiant other than the original's, which is then not compared
// further (it is random); every other row is.
func copyHash(numero string) func(tb testing.TB, path string) string {
	return func(tb testing.TB, path string) string {
		tb.Helper()
		d := checkedDump(tb, path)
		orig := checkedDump(tb, filepath.Join(theTemplate(tb).dir, "conn", "001SOC.db"))["dossier"][0][5]
		for _, r := range d["dossier"] {
			if fmt.Sprint(r[0]) == numero && fmt.Sprint(r[5]) != fmt.Sprint(orig) {
				r[5] = "copie"
			}
		}
		return dossiertest.HashDump(d)
	}
}

// copyAfter is the copyHash state a complete restore of in/apres.pbf as
// dossier numero leaves.
func copyAfter(tb testing.TB, numero string) string {
	tb.Helper()
	d := checkedDump(tb, filepath.Join(theTemplate(tb).dir, "apres", "001SOC.db"))
	for _, r := range d["dossier"] {
		r[0], r[5] = numero, "copie"
	}
	return dossiertest.HashDump(d)
}

// checkedDump checks integrity_check and foreign_key_check of the database
// at path and returns its Dump, the clock's columns left out.
func checkedDump(tb testing.TB, path string) map[string][][]any {
	tb.Helper()
	// Read-write, as the management software opens it: a garbage -journal
	// left beside the file is discarded, a real one rolled back.
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=rw")
	if err != nil {
		tb.Fatal(err)
	}
	var ic string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ic); err != nil || ic != "ok" {
		db.Close()
		tb.Fatalf("%s: integrity_check %q %v", filepath.Base(path), ic, err)
	}
	rows, err := db.Query("PRAGMA foreign_key_check")
	if err != nil {
		db.Close()
		tb.Fatal(err)
	}
	broken := rows.Next()
	rows.Close()
	db.Close()
	if broken {
		tb.Fatalf("%s: foreign_key_check reports broken references", filepath.Base(path))
	}
	d := dossiertest.Dump(tb, path)
	// When a transfer was applied is the clock's, not the dossier's: the
	// sequence and the source stay compared.
	if rows, ok := d["transferts"]; ok {
		for _, r := range rows {
			if len(r) == 3 {
				r[2] = nil
			}
		}
	}
	return d
}

// pbfHash extracts the database of a backup and returns its RowHash.
func pbfHash(tb testing.TB, path string) string {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "x.db")
	f, err := os.Create(out)
	if err != nil {
		tb.Fatal(err)
	}
	_, err = pack.Read(context.Background(), path, pack.ReadOptions{}, func(p pack.Part, r io.Reader) error {
		if p.Name != pack.DatabasePart {
			_, err := io.Copy(io.Discard, r)
			return err
		}
		_, err := io.Copy(f, r)
		return err
	})
	f.Close()
	if err != nil {
		tb.Fatalf("%s: %v", filepath.Base(path), err)
	}
	return checkedHash(tb, out)
}

// addEntry commits n balanced entries into exercice 2025, as the
// management software would, numbered after the last one.
func addEntry(tb testing.TB, path string, n int) {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=rw&_busy_timeout=120000&_foreign_keys=on")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	if err := writeEntries(db, n); err != nil {
		tb.Fatalf("add entry to %s: %v", filepath.Base(path), err)
	}
}

func writeEntries(db *sql.DB, n int) error {
	for i := 0; i < n; i++ {
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		ex := 2025 - 2014 + 1
		res, err := tx.Exec(`INSERT INTO ecritures (exercice_id, journal, numero, date_ecriture, libelle)
			SELECT ?, 'VEN', COALESCE(MAX(numero), 0) + 1, '2025-12-30', 'Vente ajoutée pendant l''opération'
			FROM ecritures WHERE exercice_id = ?`, ex, ex)
		if err == nil {
			id, _ := res.LastInsertId()
			_, err = tx.Exec(`INSERT INTO lignes (ecriture_id, compte, tiers_id, debit, credit) VALUES (?, '411000', 1, 12345, 0), (?, '706000', NULL, 0, 12345)`, id, id)
		}
		if err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}

func addAnnexes(tb testing.TB, path string) {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=rw")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rnd := rand.New(rand.NewSource(7))
	for i := 0; i < annexes; i++ {
		b := make([]byte, 1<<20)
		rnd.Read(b)
		if _, err := db.Exec(`INSERT INTO annexes (ecriture_id, nom_fichier, type_mime, contenu) VALUES ((SELECT MIN(id) FROM ecritures), ?, 'application/pdf', ?)`,
			fmt.Sprintf("facture-%d.pdf", i), b); err != nil {
			tb.Fatal(err)
		}
	}
}

func mkdir(tb testing.TB, dir string) {
	tb.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
}

func copyDir(tb testing.TB, from, to string) {
	tb.Helper()
	entries, err := os.ReadDir(from)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
			copyFile(tb, filepath.Join(from, e.Name()), filepath.Join(to, e.Name()))
		}
	}
}

// copyTree copies a folder with its subfolders and hidden files.
func copyTree(tb testing.TB, from, to string) {
	tb.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		copyFile(tb, p, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func writeFile(tb testing.TB, path string, b []byte) {
	tb.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

// testingLong is make test-long's longer sweep.
func testingLong() bool { return os.Getenv("COFFRE_LONG") != "" }

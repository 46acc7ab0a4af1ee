package workcopy_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coffre/internal/admin"
	"coffre/internal/archive"
	"coffre/internal/cut"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/export"
	"coffre/internal/i18n"
	"coffre/internal/odbcconn"
	"coffre/internal/restore"
	"coffre/internal/store"
	"coffre/internal/store/odbcstore"
	"coffre/internal/store/pgtest"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/store/workcopy"
	"coffre/internal/transfer"
)

// pgConn is the test cluster (pgtest.Require), on a server cleaned before
// and after the test.
func pgConn(tb testing.TB) odbcconn.ConnString {
	tb.Helper()
	c := pgtest.Require(tb)
	cleanServer(tb, c)
	tb.Cleanup(func() { cleanServer(tb, c) })
	return c
}

// raw runs statements on the maintenance database.
func raw(tb testing.TB, c odbcconn.ConnString, stmts ...string) {
	tb.Helper()
	db, err := sql.Open("odbc", c.String())
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, q := range stmts {
		if _, err := db.Exec(q); err != nil {
			tb.Fatalf("%s: %s", q, c.Scrub(err.Error()))
		}
	}
}

// databases lists the server's databases.
func databases(tb testing.TB, c odbcconn.ConnString) map[string]bool {
	tb.Helper()
	db, err := sql.Open("odbc", c.String())
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT datname FROM pg_database WHERE NOT datistemplate")
	if err != nil {
		tb.Fatal(c.Scrub(err.Error()))
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		out[n] = true
	}
	return out
}

// cleanServer drops every database but postgres: the tests own the cluster.
func cleanServer(tb testing.TB, c odbcconn.ConnString) {
	tb.Helper()
	for n := range databases(tb, c) {
		if n != "postgres" {
			raw(tb, c, `DROP DATABASE "`+n+`" WITH (FORCE)`)
		}
	}
}

func openPG(tb testing.TB, c odbcconn.ConnString) *odbcstore.Store {
	tb.Helper()
	s, err := odbcstore.Open(context.Background(), c)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

// onServer puts a fresh schema-v1 dossier on the server as numero and
// returns the SQLite file it came from.
func onServer(tb testing.TB, s store.Store, numero string, opts ...dossiertest.Option) string {
	tb.Helper()
	return onServerAs(tb, s, numero, "001SOC", opts...)
}

func onServerAs(tb testing.TB, s store.Store, numero, base string, opts ...dossiertest.Option) string {
	tb.Helper()
	src := filepath.Join(tb.TempDir(), base+".db")
	dossiertest.BuildV1(tb, src, opts...)
	if _, err := restore.Run(context.Background(), restore.Request{File: src, Store: s, Numero: numero, SafetyDir: tb.TempDir()}); err != nil {
		tb.Fatal(err)
	}
	return src
}

// back brings dossier numero of s back to a SQLite file, for Dump.
func back(tb testing.TB, s store.Store, numero string) string {
	tb.Helper()
	ctx := context.Background()
	snap, err := store.InStore(s, numero).Snapshot(ctx, store.SnapshotOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	defer snap.Close()
	r, size, err := snap.Database(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer r.Close()
	p := filepath.Join(tb.TempDir(), "retour.db")
	f, err := os.Create(p)
	if err != nil {
		tb.Fatal(err)
	}
	n, err := io.Copy(f, r)
	f.Close()
	if err != nil || n != size {
		tb.Fatalf("image %d/%d: %v", n, size, err)
	}
	return p
}

var now = func() time.Time { return time.Date(2026, 3, 1, 10, 0, 0, 0, time.Local) }

// TestArchiveUnarchivePostgreSQL: archiving 2014–2015 of a dossier on
// PostgreSQL changes the server's dossier (balance entries, exercices
// marked), and de-archiving gives back exactly the original rows.
func TestArchiveUnarchivePostgreSQL(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t, c)
	src := onServer(t, s, "")
	want := dossiertest.Dump(t, src)

	dest, safety := t.TempDir(), t.TempDir()
	res, err := archive.Run(ctx, archive.Request{Store: s, Numero: "001", Exercices: []string{"2014", "2015"}, DestDir: dest, SafetyDir: safety, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if res.SafetyBackup == "" || res.Path == "" || res.Ecritures == 0 {
		t.Fatalf("result %+v", res)
	}
	archived := dossiertest.Dump(t, back(t, s, "001"))
	if dossiertest.Diff(want, archived) == "" {
		t.Fatal("the server's dossier did not change")
	}
	if n := len(archived["ecritures"]); n >= len(want["ecritures"]) {
		t.Fatalf("%d entries after archiving, %d before", n, len(want["ecritures"]))
	}
	// The same archive on a folder gives the same dossier.
	folder := t.TempDir()
	copyFile(t, src, filepath.Join(folder, "001SOC.db"))
	fs, err := sqlitestore.Open(folder)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := archive.Run(ctx, archive.Request{Store: fs, Numero: "001", Exercices: []string{"2014", "2015"}, DestDir: t.TempDir(), SafetyDir: t.TempDir(), Now: now}); err != nil {
		t.Fatal(err)
	}
	if d := dossiertest.Diff(dossiertest.Dump(t, filepath.Join(folder, "001SOC.db")), archived); d != "" {
		t.Fatalf("archiving on PostgreSQL differs from archiving a file: %s", d)
	}

	rres, err := archive.Restore(ctx, archive.RestoreRequest{File: res.Path, Store: s, Numero: "001", DeleteArchive: true, SafetyDir: safety, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !rres.Deleted {
		t.Fatal("the .paf was not deleted once every exercice was back")
	}
	if d := dossiertest.Diff(want, dossiertest.Dump(t, back(t, s, "001"))); d != "" {
		t.Fatalf("archive + de-archive on PostgreSQL is not the identity: %s", d)
	}
	for n := range databases(t, c) {
		if strings.HasPrefix(n, "coffre_") {
			t.Fatalf("temp database %s left on the server", n)
		}
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

// TestCutPostgreSQL: a cut at 2020 of a dossier on PostgreSQL leaves on the
// server exactly what the same cut leaves in a file, and writes the same
// cut file.
func TestCutPostgreSQL(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t, c)
	src := onServer(t, s, "")

	destPG := t.TempDir()
	res, err := cut.Run(ctx, cut.Request{Store: s, Numero: "001", FirstKept: "2020", DestDir: destPG, SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if res.SafetyBackup == "" || len(res.Moved) != 6 {
		t.Fatalf("result %+v", res)
	}

	folder, destFile := t.TempDir(), t.TempDir()
	copyFile(t, src, filepath.Join(folder, "001SOC.db"))
	fs, _ := sqlitestore.Open(folder)
	fres, err := cut.Run(ctx, cut.Request{Store: fs, Numero: "001", FirstKept: "2020", DestDir: destFile, SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if d := dossiertest.Diff(dossiertest.Dump(t, filepath.Join(folder, "001SOC.db")), dossiertest.Dump(t, back(t, s, "001"))); d != "" {
		t.Fatalf("the dossier kept on PostgreSQL differs from the file's: %s", d)
	}
	if filepath.Base(res.CutPath) != filepath.Base(fres.CutPath) {
		t.Fatalf("cut file %s, want %s", res.CutPath, fres.CutPath)
	}
	// A cut file is a new dossier: its identifiant is its own.
	fromFile, fromPG := dossiertest.Dump(t, fres.CutPath), dossiertest.Dump(t, res.CutPath)
	delete(fromFile, "dossier")
	delete(fromPG, "dossier")
	if d := dossiertest.Diff(fromFile, fromPG); d != "" {
		t.Fatalf("the cut file from PostgreSQL differs: %s", d)
	}
	kept := dossiertest.Dump(t, back(t, s, "001"))
	if len(kept["exercices"]) != 6 {
		t.Fatalf("%d exercices kept on the server", len(kept["exercices"]))
	}
}

// TestTransferPostgreSQL: a first transfer from PostgreSQL (a full PBF),
// restored as another dossier on the server; changes made on the server;
// the PTF of those changes applied on the server to the copy: both
// dossiers hold the same entries, and the PTF cannot be applied twice.
func TestTransferPostgreSQL(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t, c)
	onServer(t, s, "001")
	out, state := t.TempDir(), t.TempDir()
	first, err := transfer.Export(ctx, transfer.ExportRequest{Store: s, Numero: "001", DestDir: out, StateDir: state, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if !first.Full {
		t.Fatalf("first transfer %+v", first)
	}
	copied, err := restore.Run(ctx, restore.Request{File: first.Path, Store: s, Numero: "002", SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	// One server stands for both sites here: beside its original the copy
	// got an identity of its own, and would refuse the source's transfers
	// (docs/FORMAT.md § 16). On the receiving site, where the original is
	// not, it keeps the source's: give it back, as that site would have it.
	if copied.Identifiant == "" {
		t.Fatal("the copy beside 001 kept the source's identity")
	}
	cp, err := sql.Open("odbc", c.With("Database", "002SOC").String())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cp.Exec(`UPDATE dossier SET identifiant = ?`, first.Dossier.Identifiant); err != nil {
		cp.Close()
		t.Fatal(c.Scrub(err.Error()))
	}
	cp.Close()
	db, err := sql.Open("odbc", c.With("Database", "001SOC").String())
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle) VALUES (900001, 12, 'OD', 99001, '2025-06-30', 'écriture ajoutée sur le serveur')`,
		`INSERT INTO lignes (id, ecriture_id, compte, debit, credit) VALUES (900001, 900001, '512000', 4242, 0), (900002, 900001, '411000', 0, 4242)`,
		`UPDATE tiers SET telephone = '01 02 03 04 05' WHERE id = 1`,
	} {
		if _, err := db.Exec(q); err != nil {
			db.Close()
			t.Fatalf("%s: %s", q, c.Scrub(err.Error()))
		}
	}
	db.Close()
	ptf, err := transfer.Export(ctx, transfer.ExportRequest{Store: s, Numero: "001", DestDir: out, StateDir: state, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if ptf.Full || ptf.Sequence != 1 || ptf.TotalChanges() != 4 {
		t.Fatalf("PTF %+v (%d changes)", ptf, ptf.TotalChanges())
	}
	if _, err := transfer.Import(ctx, transfer.ImportRequest{File: ptf.Path, Store: s, Numero: "002", SafetyDir: t.TempDir(), Now: now}); err != nil {
		t.Fatal(err)
	}
	a, b := dossiertest.Dump(t, back(t, s, "001")), dossiertest.Dump(t, back(t, s, "002"))
	for _, table := range []string{"ecritures", "lignes", "tiers", "comptes", "exercices", "annexes"} {
		if d := dossiertest.Diff(map[string][][]any{table: a[table]}, map[string][][]any{table: b[table]}); d != "" {
			t.Fatalf("after the PTF, %s differs between source and copy: %s", table, d)
		}
	}
	if _, err := transfer.Import(ctx, transfer.ImportRequest{File: ptf.Path, Store: s, Numero: "002", SafetyDir: t.TempDir(), Now: now}); !errors.Is(err, dossier.ErrSequence) {
		t.Fatalf("the PTF applied twice: %v", err)
	}
}

// TestExportToServerPostgreSQL: without --vers, the export of a dossier on
// PostgreSQL is a new database E001SOC on the server; renamed without the E
// (its restore), it is the dossier row for row. A second export is refused
// unless it may replace the first.
func TestExportToServerPostgreSQL(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t, c)
	src := onServer(t, s, "")
	res, err := export.Run(ctx, export.Request{Store: s, Numero: "001"})
	if err != nil {
		t.Fatal(err)
	}
	if !res.OnServer || res.Path != "E001SOC" || !databases(t, c)["E001SOC"] {
		t.Fatalf("export %+v", res)
	}
	if _, err := export.Run(ctx, export.Request{Store: s, Numero: "001"}); !errors.Is(err, dossier.ErrExists) || !errors.Is(err, workcopy.ErrNotApplied) {
		t.Fatalf("second export without --remplacer: %v", err)
	}
	if res, err := export.Run(ctx, export.Request{Store: s, Numero: "001", Replace: true}); err != nil || !res.Replaced {
		t.Fatalf("second export with --remplacer: %+v, %v", res, err)
	}
	// With a folder, a local file as before.
	dir := t.TempDir()
	if res, err := export.Run(ctx, export.Request{Store: s, Numero: "001", DestDir: dir}); err != nil || res.OnServer || res.Path != filepath.Join(dir, "E001SOC.db") {
		t.Fatalf("export to a folder: %+v, %v", res, err)
	}
	raw(t, c, `DROP DATABASE "001SOC"`, `ALTER DATABASE "E001SOC" RENAME TO "001SOC"`)
	s2 := openPG(t, c)
	if d := dossiertest.Diff(dossiertest.Dump(t, src), dossiertest.Dump(t, back(t, s2, "001"))); d != "" {
		t.Fatalf("the export on the server differs from the dossier: %s", d)
	}
}

// TestListAndSweepPostgreSQL: a database not named 001XXX but holding a
// dossier table is listed under its dossier's numero and nom, and keeps
// its name through a working copy; temp databases a crashed switch left
// are finished at the next Open, except those a live Coffre holds.
func TestListAndSweepPostgreSQL(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t, c)
	onServer(t, s, "001")
	onServerAs(t, s, "002", "002ABC", dossiertest.WithNumero("002"), dossiertest.WithNom("ABC"), dossiertest.WithIdentifiant("5f8e2c1a-0000-4000-8000-000000000002"))
	onServerAs(t, s, "003", "003XYZ", dossiertest.WithNumero("003"), dossiertest.WithNom("XYZ"), dossiertest.WithIdentifiant("5f8e2c1a-0000-4000-8000-000000000003"))
	raw(t, c, `ALTER DATABASE "001SOC" RENAME TO compta_societe`)

	s1 := openPG(t, c)
	list, err := s1.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 3 || list[0].Numero != "001" || list[0].Nom != "SOC" || list[0].Schema != "v1" || list[0].Exercices != 12 {
		t.Fatalf("listing %+v", list)
	}
	if _, err := archive.Run(ctx, archive.Request{Store: s1, Numero: "001", Exercices: []string{"2014"}, DestDir: t.TempDir(), SafetyDir: t.TempDir(), Now: now}); err != nil {
		t.Fatal(err)
	}
	if dbs := databases(t, c); !dbs["compta_societe"] || dbs["001SOC"] {
		t.Fatalf("the dossier's database changed name: %v", dbs)
	}

	// What a crash leaves: a database being loaded (001, nobody holds it),
	// 002ABC set aside with nothing in its place (crash between the two
	// renames), 003XYZ set aside after the new one took its name, and a
	// load under way for 004 by a live Coffre (s1 holds 004's lock).
	unlock, err := s1.Lock(ctx, "004")
	if err != nil {
		t.Fatal(err)
	}
	raw(t, c,
		`CREATE DATABASE coffre_tmp_001_0badf00d`,
		`ALTER DATABASE "002ABC" RENAME TO "coffre_old_002_0badf00d_002ABC"`,
		`CREATE DATABASE "coffre_old_003_0badf00d_003XYZ"`,
		`CREATE DATABASE coffre_tmp_004_0badf00d`,
	)
	openPG(t, c)
	dbs := databases(t, c)
	for name, want := range map[string]bool{
		"coffre_tmp_001_0badf00d": false, "coffre_old_002_0badf00d_002ABC": false, "002ABC": true,
		"coffre_old_003_0badf00d_003XYZ": false, "003XYZ": true, "coffre_tmp_004_0badf00d": true,
	} {
		if dbs[name] != want {
			t.Errorf("after the sweep, %s present = %v, want %v", name, dbs[name], want)
		}
	}
	unlock()
	openPG(t, c)
	if databases(t, c)["coffre_tmp_004_0badf00d"] {
		t.Error("the temp database of a finished Coffre is still there")
	}
	list, err = openPG(t, c).List(ctx)
	if err != nil || len(list) != 3 || list[1].Numero != "002" || list[1].Error != "" {
		t.Fatalf("listing after the sweep %+v, %v", list, err)
	}
}

// TestWriteRefusedWhileConnected: archiving a dossier someone has open on
// the server is refused before anything is written, naming the program.
func TestWriteRefusedWhileConnected(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t, c)
	onServer(t, s, "")
	other, err := sql.Open("odbc", c.With("Database", "001SOC").With("pqopt", "application_name=Compta").String())
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if _, err := other.Exec("SELECT 1"); err != nil {
		t.Fatal(err)
	}
	dest := t.TempDir()
	_, err = archive.Run(ctx, archive.Request{Store: s, Numero: "001", Exercices: []string{"2014"}, DestDir: dest, SafetyDir: t.TempDir(), Now: now})
	if !errors.Is(err, dossier.ErrInUse) || !strings.Contains(i18n.Describe(err), "Compta") {
		t.Fatalf("archive while connected: %v", err)
	}
	if entries, _ := os.ReadDir(dest); len(entries) != 0 {
		t.Fatalf("something was written: %v", entries)
	}
}

// TestAdminPostgreSQL: the admin copy and the FEC of 2024 taken from
// PostgreSQL are those taken from the same dossier in a file.
func TestAdminPostgreSQL(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t, c)
	src := onServer(t, s, "")
	destPG := t.TempDir()
	res, err := admin.Run(ctx, admin.Request{Source: store.InStore(s, "001"), Exercices: []string{"2024"}, DestDir: destPG, Annexes: true, FEC: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	folder, destFile := t.TempDir(), t.TempDir()
	copyFile(t, src, filepath.Join(folder, "001SOC.db"))
	fs, _ := sqlitestore.Open(folder)
	fres, err := admin.Run(ctx, admin.Request{Source: store.InStore(fs, "001"), Exercices: []string{"2024"}, DestDir: destFile, Annexes: true, FEC: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != filepath.Base(fres.Path) || len(res.FEC) != 1 || len(fres.FEC) != 1 {
		t.Fatalf("results %+v / %+v", res, fres)
	}
	if d := dossiertest.Diff(dossiertest.Dump(t, fres.Path), dossiertest.Dump(t, res.Path)); d != "" {
		t.Fatalf("the admin copy from PostgreSQL differs: %s", d)
	}
	a, _ := os.ReadFile(res.FEC[0].Path)
	b, _ := os.ReadFile(fres.FEC[0].Path)
	if len(a) == 0 || string(a) != string(b) || filepath.Base(res.FEC[0].Path) != filepath.Base(fres.FEC[0].Path) {
		t.Fatalf("the FEC from PostgreSQL differs (%d / %d bytes)", len(a), len(b))
	}
}

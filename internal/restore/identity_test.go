package restore_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/archive"
	"coffre/internal/backup"
	"coffre/internal/cut"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/export"
	"coffre/internal/fsutil"
	"coffre/internal/restore"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// row reads a dossier file's `dossier` row.
func row(t *testing.T, path string) dossier.Identity {
	t.Helper()
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id dossier.Identity
	if err := db.QueryRow(`SELECT numero, nom, identifiant FROM dossier`).Scan(&id.Numero, &id.Nom, &id.Identifiant); err != nil && err != sql.ErrNoRows {
		t.Fatal(err)
	}
	return id
}

// TestRestoreUnderNumberWritesTheRow: a dossier restored with --numero 012
// is 012 in its own row too, and its identity follows the rule of
// docs/FORMAT.md: a copy beside its original gets its own, a restore where
// no dossier has it keeps it, a replacement keeps it. Failed before the
// fix: the row still said 001 and every copy kept the original's identity.
func TestRestoreUnderNumberWritesTheRow(t *testing.T) {
	f := setup(t, "")
	ctx := context.Background()
	orig := row(t, f.source)

	res, err := restore.Run(ctx, restore.Request{File: f.pbf, Store: f.store, Numero: "012", SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	got := row(t, filepath.Join(f.dir, "012SOC.db"))
	if got.Numero != "012" || got.Nom != "SOC" {
		t.Fatalf("row of the dossier restored as 012: %+v", got)
	}
	if got.Identifiant == orig.Identifiant || got.Identifiant != res.Identifiant || len(res.Notes) == 0 || !strings.Contains(res.Notes[len(res.Notes)-1].String(), "propre identifiant") {
		t.Fatalf("a copy beside 001 kept its identity: %+v, notes %v", got, res.Notes)
	}
	if row(t, f.source) != orig {
		t.Fatal("the original's row changed")
	}

	// Elsewhere, with no dossier of that identity: kept.
	dir := t.TempDir()
	s, _ := sqlitestore.Open(dir)
	res, err = restore.Run(ctx, restore.Request{File: f.pbf, Store: s, Numero: "012"})
	if err != nil {
		t.Fatal(err)
	}
	if got := row(t, filepath.Join(dir, "012SOC.db")); got.Numero != "012" || got.Identifiant != orig.Identifiant || res.Identifiant != "" {
		t.Fatalf("restored where no dossier has its identity: %+v", got)
	}

	// Replacing the original: kept.
	if _, err := restore.Run(ctx, restore.Request{File: f.pbf, Store: f.store, Replace: true, SafetyDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	if got := row(t, f.source); got != orig {
		t.Fatalf("replaced original's row %+v, was %+v", got, orig)
	}
}

// TestArchiveOfRestoredCutSaysItsNumber: the old years cut off dossier 001
// and restored as dossier 005 are 005 everywhere — the row, the archive's
// file name and its result. Failed before the fix: « 001-SOC_archive_… ».
func TestArchiveOfRestoredCutSaysItsNumber(t *testing.T) {
	f := setup(t, "")
	ctx := context.Background()
	c, err := cut.Run(ctx, cut.Request{Store: f.store, Numero: "001", FirstKept: "2020", DestDir: t.TempDir(), SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if got := row(t, c.CutPath); got.Numero != "001" || got.Identifiant == row(t, f.source).Identifiant {
		t.Fatalf("cut file's row %+v", got)
	}
	dir := t.TempDir()
	s, _ := sqlitestore.Open(dir)
	if _, err := restore.Run(ctx, restore.Request{File: c.CutPath, Store: s, Numero: "005"}); err != nil {
		t.Fatal(err)
	}
	if got := row(t, filepath.Join(dir, "005SOC.db")); got.Numero != "005" {
		t.Fatalf("restored cut's row %+v", got)
	}
	a, err := archive.Run(ctx, archive.Request{Store: s, Numero: "005", Exercices: []string{"2014"}, DestDir: t.TempDir(), SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(a.Path), "005-SOC_archive") || a.Dossier.Numero != "005" {
		t.Fatalf("archive of dossier 005: %s, %+v", a.Path, a.Dossier)
	}
}

// TestExportAndCutSayTheFilesNumber: a dossier file 007ZED.db whose row
// still says 001 (put back by hand) exports as E007ZED.db and cuts as
// 007ZED_CUT001.db, both saying 007 in their row.
func TestExportAndCutSayTheFilesNumber(t *testing.T) {
	dir := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(dir, "007ZED.db"))
	s, _ := sqlitestore.Open(dir)
	ctx := context.Background()
	out := t.TempDir()
	b, err := backup.Run(ctx, backup.Request{Source: store.InStore(s, "007"), DestDir: out})
	if err != nil || b.Manifest.Dossier.Numero != "007" {
		t.Fatalf("backup of 007: %+v %v", b.Manifest, err)
	}
	c, err := cut.Run(ctx, cut.Request{Store: s, Numero: "007", FirstKept: "2020", DestDir: out, SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if got := row(t, c.CutPath); filepath.Base(c.CutPath) != "007ZED_CUT001.db" || got.Numero != "007" || got.Nom != "ZED" {
		t.Fatalf("cut %s, row %+v", c.CutPath, got)
	}
	e, err := export.Run(ctx, export.Request{Store: s, Numero: "007", DestDir: out})
	if err != nil {
		t.Fatal(err)
	}
	if got := row(t, e.Path); filepath.Base(e.Path) != "E007ZED.db" || got.Numero != "007" || got.Nom != "ZED" {
		t.Fatalf("export %s, row %+v", e.Path, got)
	}
}

// TestSymlinkedDossierReplacedOnlyWithConfirmation (#17.11): a dossier
// whose file in the connexion is a symbolic link is a dossier like any
// other — a restore refuses it without « remplacer », and with it takes a
// verified safety backup of what the link points to, replaces that file
// and leaves the link pointing there.
func TestSymlinkedDossierReplacedOnlyWithConfirmation(t *testing.T) {
	if fsutil.UnderWine() {
		t.Skip("sous Wine, le lien d'os.Symlink n'est pas un lien symbolique NTFS pour la découverte ; et le test pilote le sqlite3 de Debian")
	}
	ctx := context.Background()
	elsewhere := filepath.Join(t.TempDir(), "vrai-001SOC.db")
	dossiertest.BuildV1(t, elsewhere)
	dir := t.TempDir()
	link := filepath.Join(dir, "001SOC.db")
	if err := os.Symlink(elsewhere, link); err != nil {
		t.Skipf("no symbolic links here: %v", err)
	}
	s, _ := sqlitestore.Open(dir)
	b, err := backup.Run(ctx, backup.Request{Source: store.InStore(s, "001"), DestDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	dossiertest.SQLite3(t, elsewhere, `UPDATE comptes SET libelle = 'changé après la sauvegarde' WHERE numero = '512000';`)
	before := dossiertest.RowHash(t, elsewhere)
	if _, err := restore.Run(ctx, restore.Request{File: b.Path, Store: s, Numero: "001", SafetyDir: t.TempDir()}); !errors.Is(err, dossier.ErrExists) {
		t.Fatalf("restore over the symlinked 001 without remplacer: %v", err)
	}
	if dossiertest.RowHash(t, elsewhere) != before {
		t.Fatal("refused restore changed the dossier")
	}
	res, err := restore.Run(ctx, restore.Request{File: b.Path, Store: s, Replace: true, SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if res.SafetyBackup == "" {
		t.Fatal("no safety backup of the symlinked dossier")
	}
	if res.Path != "001SOC.db" {
		t.Fatalf("restored file named %q, want the link's name", res.Path)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced by a file: %v", err)
	}
	if dossiertest.RowHash(t, elsewhere) == before {
		t.Fatal("the file the link points to was not restored")
	}
	sb, err := restore.Examine(ctx, res.SafetyBackup, "")
	if err != nil || sb.Identity.Numero != "001" {
		t.Fatalf("safety backup %+v %v", sb, err)
	}
}

// TestRestoreNamesTheFileItWrote: replacing 001SOC.DB (a name Windows keeps
// as it was typed) says « 001SOC.DB », the file the dossier is in; failed
// before: « 001SOC.db », a name the connexion does not hold. (A server
// database is named without extension: odbcstore's staging says « 001SOC ».)
func TestRestoreNamesTheFileItWrote(t *testing.T) {
	dir := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(dir, "001SOC.DB"))
	s, _ := sqlitestore.Open(dir)
	ctx := context.Background()
	b, err := backup.Run(ctx, backup.Request{Source: store.InStore(s, "001"), DestDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	res, err := restore.Run(ctx, restore.Request{File: b.Path, Store: s, Replace: true, SafetyDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if res.Path != "001SOC.DB" {
		t.Fatalf("restored file named %q", res.Path)
	}
}

package sqlitestore_test

import (
	"context"
	"crypto/sha256"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"coffre/internal/dossiertest"
	"coffre/internal/faults"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// otherDatabase writes a small database that is not the dossier: 50 pages
// of rows, about a twentieth of a dossier.
func otherDatabase(t *testing.T, path string) {
	t.Helper()
	if fsutil.UnderWine() {
		t.Skip(dossiertest.WineNoSQLite3)
	}
	if out, err := exec.Command("sqlite3", path, "CREATE TABLE t (x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) INSERT INTO t SELECT randomblob(80) FROM c;").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
}

func fileSum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// imageOf takes a snapshot of path and writes its database image to a file.
func imageOf(t *testing.T, path string) (string, []string) {
	t.Helper()
	ctx := context.Background()
	tmp := t.TempDir()
	snap, err := sqlitestore.SnapshotFile(ctx, path, store.SnapshotOptions{TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		snap.Close()
		if left, _ := os.ReadDir(tmp); len(left) > 0 {
			t.Errorf("the snapshot left %s in its temp folder", left[0].Name())
		}
	}()
	var codes []string
	for _, n := range snap.(interface{ Notes() []i18n.Note }).Notes() {
		codes = append(codes, n.Code())
	}
	r, size, err := snap.Database(ctx)
	if err != nil {
		t.Fatal(err)
	}
	img := filepath.Join(t.TempDir(), "image.db")
	f, err := os.Create(img)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := io.Copy(f, r); err != nil || n != size {
		t.Fatalf("image %d/%d: %v", n, size, err)
	}
	f.Close()
	return img, codes
}

// integrity checks the database at path and returns its rows.
func integrity(t *testing.T, path string) map[string][][]any {
	t.Helper()
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var ok string
	if err := db.QueryRow("PRAGMA integrity_check").Scan(&ok); err != nil || ok != "ok" {
		t.Fatalf("%s: integrity_check %q, %v", filepath.Base(path), ok, err)
	}
	return dossiertest.Dump(t, path)
}

// TestForeignHotJournalNeverReplayed: a hot journal of another database
// (its writer killed mid-transaction) lies next to the dossier. Listing and
// snapshotting must leave the dossier and the journal byte for byte as they
// were — SQLite would have truncated the dossier to the other database's
// size — read the dossier as it is, and say that the journal is not its.
func TestForeignHotJournalNeverReplayed(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "007ZED.db")
	dossiertest.BuildV1(t, path)
	want := integrity(t, path)
	other := filepath.Join(t.TempDir(), "autre.db")
	otherDatabase(t, other)
	faults.KilledSQLiteWriter(t, other, "BEGIN", "UPDATE t SET x = randomblob(80)", "DELETE FROM t WHERE rowid % 2 = 0")
	if err := os.Rename(other+"-journal", path+"-journal"); err != nil {
		t.Fatal(err)
	}
	dbSum, jSum := fileSum(t, path), fileSum(t, path+"-journal")

	s, err := sqlitestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Error != "" || list[0].Exercices == 0 {
		t.Fatalf("listing %+v", list)
	}
	if len(list[0].Notes) != 1 || list[0].Notes[0].Code() != "NoteJournalEtranger" {
		t.Fatalf("listing notes %v, want the foreign journal's", list[0].Notes)
	}
	img, codes := imageOf(t, path)
	if len(codes) != 1 || codes[0] != "NoteJournalEtranger" {
		t.Fatalf("snapshot notes %v", codes)
	}
	if fileSum(t, path) != dbSum || fileSum(t, path+"-journal") != jSum {
		t.Fatal("the dossier or its journal was written to")
	}
	if d := dossiertest.Diff(want, integrity(t, img)); d != "" {
		t.Fatalf("the snapshot is not the dossier as it is: %s", d)
	}
}

// TestOwnHotJournalRolledBackInPrivateCopy: the management software died
// in the middle of a big write on the dossier itself (pages already spilled
// into the file). The snapshot holds the dossier as it was before that
// write, as SQLite would roll it back, but the rollback happens in Coffre's
// copy: the dossier and its journal are left untouched for the software.
func TestOwnHotJournalRolledBackInPrivateCopy(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "001SOC.db")
	dossiertest.BuildV1(t, path)
	want := integrity(t, path)
	faults.KilledSQLiteWriter(t, path, "BEGIN", "UPDATE annexes SET contenu = zeroblob(length(contenu))", "DELETE FROM lignes WHERE id % 2 = 0")
	dbSum, jSum := fileSum(t, path), fileSum(t, path+"-journal")

	img, codes := imageOf(t, path)
	if len(codes) != 1 || codes[0] != "NoteJournalAnnule" {
		t.Fatalf("snapshot notes %v", codes)
	}
	if d := dossiertest.Diff(want, integrity(t, img)); d != "" {
		t.Fatalf("the snapshot is not the dossier before the interrupted write: %s", d)
	}
	s, _ := sqlitestore.Open(dir)
	list, err := s.List(context.Background())
	if err != nil || len(list) != 1 || list[0].Error != "" || len(list[0].Notes) != 1 {
		t.Fatalf("listing %+v, %v", list, err)
	}
	if fileSum(t, path) != dbSum || fileSum(t, path+"-journal") != jSum {
		t.Fatal("the dossier or its journal was written to")
	}
}

// TestForeignWALNeverRead: a -wal of another database (its writer killed)
// next to a dossier in rollback-journal mode. SQLite would read it as part
// of the dossier (then checkpoint it in at the next write); the snapshot
// reads the dossier alone and says so.
func TestForeignWALNeverRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "001SOC.db")
	dossiertest.BuildV1(t, path)
	want := integrity(t, path)
	other := filepath.Join(t.TempDir(), "autre.db")
	otherDatabase(t, other)
	if fsutil.UnderWine() {
		t.Skip(dossiertest.WineNoSQLite3)
	}
	if out, err := exec.Command("sqlite3", other, "PRAGMA journal_mode = WAL").CombinedOutput(); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	// A WAL writer leaves no -journal: copy its -wal while it is alive.
	cmd := faults.SQLiteWriter(t, other, "PRAGMA wal_autocheckpoint = 0", "UPDATE t SET x = randomblob(80)")
	b, err := os.ReadFile(other + "-wal")
	cmd.Process.Kill()
	cmd.Wait()
	if err != nil || len(b) < 32 {
		t.Fatalf("no WAL: %v", err)
	}
	if err := os.WriteFile(path+"-wal", b, 0o644); err != nil {
		t.Fatal(err)
	}
	dbSum, wSum := fileSum(t, path), fileSum(t, path+"-wal")
	img, codes := imageOf(t, path)
	if len(codes) != 1 || codes[0] != "NoteWALEtranger" {
		t.Fatalf("snapshot notes %v", codes)
	}
	if d := dossiertest.Diff(want, integrity(t, img)); d != "" {
		t.Fatalf("the snapshot is not the dossier: %s", d)
	}
	if fileSum(t, path) != dbSum || fileSum(t, path+"-wal") != wSum {
		t.Fatal("the dossier or the WAL was written to")
	}
}

package sqlitestore_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/ledger"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// writeEntries inserts balanced entries into the dossier at path until stop
// is closed, as the management software would while a backup runs.
func writeEntries(t *testing.T, path string, stop <-chan struct{}, wg *sync.WaitGroup) {
	t.Helper()
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "_busy_timeout=10000"))
	if err != nil {
		t.Fatal(err)
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer db.Close()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			tx, err := db.Begin()
			if err != nil {
				continue
			}
			var ex, num int64
			tx.QueryRow("SELECT id FROM exercices ORDER BY debut DESC LIMIT 1").Scan(&ex)
			tx.QueryRow("SELECT COALESCE(MAX(numero),0)+1 FROM ecritures WHERE exercice_id = ?", ex).Scan(&num)
			res, err := tx.Exec("INSERT INTO ecritures (exercice_id, journal, numero, date_ecriture, libelle) VALUES (?, 'OD', ?, '2025-06-30', 'écriture concurrente')", ex, num)
			if err != nil {
				tx.Rollback()
				continue
			}
			id, _ := res.LastInsertId()
			tx.Exec("INSERT INTO lignes (ecriture_id, compte, debit, credit) VALUES (?, '512000', 1234, 0)", id)
			tx.Exec("INSERT INTO lignes (ecriture_id, compte, debit, credit) VALUES (?, '411000', 0, 1234)", id)
			tx.Commit()
		}
	}()
}

// TestSnapshotConsistentUnderWrites takes snapshots while another
// connection commits entries without pause: the image must hold exactly
// what the snapshot's stats counted, in both journal modes, read directly
// or from a private copy taken in steps (whose restarts are bounded: it
// ends even under a writer that never stops).
func TestSnapshotConsistentUnderWrites(t *testing.T) {
	for _, c := range []struct {
		wal, copy bool
	}{{false, false}, {true, false}, {false, true}, {true, true}} {
		name := "rollback"
		var opts []dossiertest.Option
		if c.wal {
			name = "wal"
			opts = append(opts, dossiertest.WithWAL())
		}
		if c.copy {
			name += "-copie"
		}
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "001SOC.db")
			dossiertest.BuildV1(t, path, opts...)
			stop := make(chan struct{})
			var wg sync.WaitGroup
			writeEntries(t, path, stop, &wg)
			defer func() { close(stop); wg.Wait() }()
			time.Sleep(50 * time.Millisecond)
			for i := 0; i < 5; i++ {
				ctx := context.Background()
				snap, err := sqlitestore.SnapshotFile(ctx, path, store.SnapshotOptions{TempDir: t.TempDir(), Copy: c.copy})
				if err != nil {
					t.Fatal(err)
				}
				r, size, err := snap.Database(ctx)
				if err != nil {
					t.Fatal(err)
				}
				img := filepath.Join(t.TempDir(), "img.db")
				f, _ := os.Create(img)
				n, err := io.Copy(f, r)
				f.Close()
				if err != nil || n != size {
					t.Fatalf("image %d/%d: %v", n, size, err)
				}
				want, err := snap.Stats(ctx)
				if err != nil {
					t.Fatal(err)
				}
				snap.Close()
				db, err := sqlitestore.OpenRO(img)
				if err != nil {
					t.Fatal(err)
				}
				var ok string
				db.QueryRow("PRAGMA integrity_check").Scan(&ok)
				tables, _ := sqlitestore.Tables(ctx, db)
				got, err := ledger.Compute(ctx, db, tables)
				db.Close()
				if ok != "ok" || err != nil {
					t.Fatalf("image integrity %q, %v", ok, err)
				}
				if d := ledger.Diff(want, got); len(d) > 0 {
					t.Fatalf("image differs from its snapshot's stats: %v", d)
				}
			}
		})
	}
}

func TestListReportsUnreadableFile(t *testing.T) {
	dir := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(dir, "001SOC.db"))
	if err := os.WriteFile(filepath.Join(dir, "002ABIME.db"), []byte(strings.Repeat("pas une base ", 500)), 0o644); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "E001SOC.db"), nil, 0o644)
	s, err := sqlitestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	list, err := s.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Error != "" || list[1].Numero != "002" || list[1].Error == "" {
		t.Fatalf("listing %+v", list)
	}
}

func TestDuplicateNumero(t *testing.T) {
	dir := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(dir, "001SOC.db"))
	dossiertest.BuildV1(t, filepath.Join(dir, "001AUTRE.db"))
	s, _ := sqlitestore.Open(dir)
	if _, err := s.Snapshot(context.Background(), "001", store.SnapshotOptions{}); !errors.Is(err, dossier.ErrExists) {
		t.Fatalf("two files with one number: %v", err)
	}
}

// TestCommitIgnoresStaleJournals: garbage -wal/-journal files next to the
// target must never be replayed onto the restored database.
func TestCommitIgnoresStaleJournals(t *testing.T) {
	dir := t.TempDir()
	s, _ := sqlitestore.Open(dir)
	src := filepath.Join(t.TempDir(), "src.db")
	dossiertest.BuildV1(t, src)
	target := filepath.Join(dir, "001SOC.db")
	junk := []byte(strings.Repeat("\xd9\xd5\x05\xf9\x20\xa1\x63\xd7journal", 600))
	for _, sfx := range []string{"-wal", "-shm", "-journal"} {
		if err := os.WriteFile(target+sfx, junk, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	st, err := s.Stage(context.Background(), "001", "SOC")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(src)
	os.WriteFile(st.Path(), b, 0o644)
	if err := st.Commit(context.Background(), false); err != nil {
		t.Fatal(err)
	}
	for _, sfx := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(target + sfx); err == nil {
			t.Fatalf("stale %s left next to the restored dossier", sfx)
		}
	}
	if d := dossiertest.Diff(dossiertest.Dump(t, src), dossiertest.Dump(t, target)); d != "" {
		t.Fatal(d)
	}
}

func TestDSNOddNames(t *testing.T) {
	odd := "Société #1 ?100%"
	if runtime.GOOS == "windows" {
		odd = "Société #1 100%" // « ? » cannot be in a Windows name
	}
	dir := filepath.Join(t.TempDir(), odd)
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, "001SOC.db")
	dossiertest.BuildV1(t, path)
	snap, err := sqlitestore.SnapshotFile(context.Background(), path, store.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if snap.Identity().Identifiant == "" {
		t.Fatal("identity not read through an odd path")
	}
}

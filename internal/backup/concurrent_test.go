package backup_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/dossiertest"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/verify"
)

// TestBackupWhileWriting backs up dossiers (rollback and WAL mode) while
// another connection keeps committing entries: every backup must verify —
// its database matches its own manifest, every entry balanced.
func TestBackupWhileWriting(t *testing.T) {
	for _, wal := range []bool{false, true} {
		name := map[bool]string{false: "rollback", true: "wal"}[wal]
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "001SOC.db")
			var opts []dossiertest.Option
			if wal {
				opts = append(opts, dossiertest.WithWAL())
			}
			dossiertest.BuildV1(t, path, opts...)
			s, err := sqlitestore.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "_busy_timeout=10000"))
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var written atomic.Int64
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := int64(1); ; n++ {
					select {
					case <-stop:
						return
					default:
					}
					tx, err := db.Begin()
					if err != nil {
						continue
					}
					res, err := tx.Exec(`INSERT INTO ecritures (exercice_id, journal, numero, date_ecriture, libelle)
						SELECT id, 'OD', 100000 + ?, fin, 'écriture pendant la sauvegarde' FROM exercices ORDER BY debut DESC LIMIT 1`, n)
					if err != nil {
						tx.Rollback()
						continue
					}
					id, _ := res.LastInsertId()
					tx.Exec("INSERT INTO lignes (ecriture_id, compte, debit, credit) VALUES (?, '512000', ?, 0)", id, n)
					tx.Exec("INSERT INTO lignes (ecriture_id, compte, debit, credit) VALUES (?, '411000', 0, ?)", id, n)
					if tx.Commit() == nil {
						written.Add(1)
					}
				}
			}()
			dest := t.TempDir()
			for i := 0; i < 4; i++ {
				res, err := backup.Run(context.Background(), backup.Request{Source: store.InStore(s, "001"), DestDir: dest, Name: "b" + string(rune('0'+i)), Verify: true})
				if err != nil {
					t.Fatal(err)
				}
				rep, err := verify.File(context.Background(), res.Path, verify.Options{Complete: true})
				if err != nil {
					t.Fatalf("backup %d taken during writes does not verify: %v", i, err)
				}
				if rep.Stats.Unbalanced != 0 || len(rep.Warnings) != 0 {
					t.Fatalf("backup %d: %+v", i, rep.Warnings)
				}
			}
			close(stop)
			wg.Wait()
			if written.Load() == 0 {
				t.Fatal("the writer never committed: the test proved nothing")
			}
		})
	}
}

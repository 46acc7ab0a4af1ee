package sqlitestore_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/store/sqlitestore"
)

// damageIndex makes index lignes_compte disagree with its table the way a
// crashed tool or a bad disk leaves it: the schema says the index is on
// libelle while its pages hold compte. quick_check sees nothing wrong.
func damageIndex(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		"PRAGMA writable_schema = ON",
		"UPDATE sqlite_master SET sql = 'CREATE INDEX lignes_compte ON lignes(libelle)' WHERE name = 'lignes_compte'",
		"PRAGMA writable_schema = OFF",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(q, err)
		}
	}
}

func TestIndexCheck(t *testing.T) {
	ctx := context.Background()
	good := filepath.Join(t.TempDir(), "001SOC.db")
	dossiertest.BuildV1(t, good)
	bad := filepath.Join(t.TempDir(), "001SOC.db")
	dossiertest.BuildV1(t, bad)
	damageIndex(t, bad)
	for _, c := range []struct {
		path   string
		broken bool
	}{{good, false}, {bad, true}} {
		db, err := sqlitestore.OpenRO(c.path)
		if err != nil {
			t.Fatal(err)
		}
		var quick string
		if err := db.QueryRow("PRAGMA quick_check").Scan(&quick); err != nil || quick != "ok" {
			t.Fatalf("quick_check %q %v", quick, err)
		}
		var events int
		err = sqlitestore.IndexCheck(ctx, db, "001", func(dossier.Event) { events++ })
		db.Close()
		if c.broken != (err != nil) || (c.broken && !errors.Is(err, dossier.ErrCorrupt)) {
			t.Fatalf("damaged %v: IndexCheck %v", c.broken, err)
		}
		if events < 2 {
			t.Fatalf("%d progress events", events)
		}
	}
}

// BenchmarkIndexCheck compares, on the dossier named by COFFRE_BENCH_DB
// (make bench writes one), quick_check, integrity_check and quick_check +
// IndexCheck: what a restore pays for proving indexes match their tables.
func BenchmarkIndexCheck(b *testing.B) {
	path := os.Getenv("COFFRE_BENCH_DB")
	if path == "" {
		b.Skip("COFFRE_BENCH_DB: a dossier to measure on")
	}
	ctx := context.Background()
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	pragma := func(p string) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				var s string
				if err := db.QueryRow(p).Scan(&s); err != nil || s != "ok" {
					b.Fatal(s, err)
				}
			}
		}
	}
	b.Run("quick_check", pragma("PRAGMA quick_check"))
	b.Run("integrity_check", pragma("PRAGMA integrity_check"))
	b.Run("IndexCheck", func(b *testing.B) {
		for b.Loop() {
			if err := sqlitestore.IndexCheck(ctx, db, "001", nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

package restore_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/restore"
	"coffre/internal/store/sqlitestore"
)

// FuzzExamine hands Examine — the first reader of whatever file a user
// picks to restore — arbitrary bytes, under a dossier's name and under a
// backup's: it refuses them with a readable French error or describes
// them, and never panics or hangs. Seeds: a tiny schema-v1 dossier, the
// same packed (clear and encrypted), and their truncations.
func FuzzExamine(f *testing.F) {
	dir := f.TempDir()
	db := filepath.Join(dir, "001SOC.db")
	tinyDossier(f, db)
	plain, err := os.ReadFile(db)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(plain)
	f.Add(plain[:len(plain)/2])
	for _, pass := range []string{"", "trois chats sur le toit"} {
		res, err := backup.Run(context.Background(), backup.Request{Source: sqlitestore.File(db), DestDir: dir, Passphrase: pass})
		if err != nil {
			f.Fatal(err)
		}
		b, err := os.ReadFile(res.Path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)*3/4])
		os.Remove(res.Path)
	}
	unexpected, _, _ := strings.Cut(i18n.Describe(errors.New("x")), "x")
	f.Fuzz(func(t *testing.T, b []byte) {
		for _, name := range []string{"001SOC.db", "001-SOC_20261121_2130.pbf"} {
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, b, 0o644); err != nil {
				t.Fatal(err)
			}
			in, err := restore.Examine(context.Background(), path, "trois chats sur le toit")
			if err != nil {
				// A file a user picked deserves a French reason, not the
				// raw text of an unexpected error.
				if msg := i18n.Describe(err); msg == "" || strings.HasPrefix(msg, unexpected) {
					t.Fatalf("refusal without a reason: %q", msg)
				}
				continue
			}
			if in.Database == (in.Manifest != nil) {
				t.Fatalf("accepted as both or neither database and backup: %+v", in)
			}
		}
	})
}

// tinyDossier writes a schema-v1 dossier with 512-byte pages, one exercice
// and one balanced entry: small enough to fuzz.
func tinyDossier(tb testing.TB, path string) {
	tb.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=on")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"PRAGMA page_size=512",
		dossier.SchemaV1,
		`INSERT INTO dossier (numero, nom, raison_sociale, siren, identifiant) VALUES ('001', 'SOC', 'Café « Noël »', '732829320', '6f1c2a4e-9b7d-4c3e-8a21-0d5e7f9b1c34')`,
		`INSERT INTO exercices (id, code, debut, fin) VALUES (1, '2025', '2025-01-01', '2025-12-31')`,
		`INSERT INTO journaux (code, libelle, type) VALUES ('VEN', 'Ventes', 'VEN')`,
		`INSERT INTO comptes (numero, libelle) VALUES ('411000', 'Clients'), ('706000', 'Prestations')`,
		`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle) VALUES (1, 1, 'VEN', 1, '2025-03-01', 'Vente')`,
		`INSERT INTO lignes (ecriture_id, compte, debit, credit) VALUES (1, '411000', 1000, 0), (1, '706000', 0, 1000)`,
	} {
		if _, err := db.Exec(q); err != nil {
			tb.Fatalf("%v\n%s", err, q)
		}
	}
}

package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/access"
	"coffre/internal/dossier"
	"coffre/internal/pack"
	"coffre/internal/restore"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/verify"
)

// synthAccess writes a file that looks like an Access database: Jet header,
// binary bytes of every value, not SQLite.
func synthAccess(t *testing.T, path string, size int) []byte {
	t.Helper()
	b := make([]byte, size)
	copy(b, "\x00\x01\x00\x00Standard Jet DB\x00")
	for i := 32; i < size; i++ {
		b[i] = byte(i*7 + i/251)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return b
}

// lockFile writes the .ldb/.laccdb Access keeps while the database is open:
// 64-byte records, machine then user.
func lockFile(t *testing.T, db string, machines ...string) {
	t.Helper()
	var b []byte
	for _, m := range machines {
		rec := make([]byte, 64)
		copy(rec, m)
		copy(rec[32:], "Admin")
		b = append(b, rec...)
	}
	if err := os.WriteFile(access.LockFile(db), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAccessBackupRestore: sauvegarder --fichier X.mdb packs the whole file
// (part "dossier.mdb", role access, Source.Kind access, no stats) only while
// no lock file exists; verifier and contenu read it as what it is;
// restaurer puts the file back byte for byte under its name, refuses to
// replace it without --remplacer or while it is open, and backs up what it
// replaces.
func TestAccessBackupRestore(t *testing.T) {
	for _, ext := range []string{".mdb", ".accdb"} {
		t.Run(ext, func(t *testing.T) {
			work := t.TempDir()
			src := filepath.Join(work, "source", "001SOC"+ext)
			os.MkdirAll(filepath.Dir(src), 0o755)
			want := synthAccess(t, src, 300_000)
			out := filepath.Join(work, "sauvegardes")
			os.MkdirAll(out, 0o755)

			lockFile(t, src, "POSTE-2", "ACCUEIL")
			r := run(t, "sauvegarder", "--fichier", src, "--vers", out, "--verifier")
			if r.code == 0 || !strings.Contains(r.stderr, "POSTE-2") || !strings.Contains(r.stderr, "ACCUEIL") {
				t.Fatalf("backup of an open Access database: %+v", r)
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Fatalf("something was written while the database was open: %v", entries)
			}
			os.Remove(access.LockFile(src))

			r = run(t, "sauvegarder", "--fichier", src, "--vers", out, "--verifier", "--nom", "acces")
			if r.code != 0 {
				t.Fatalf("backup: %+v", r)
			}
			pbf := filepath.Join(out, "acces.pbf")
			m, err := pack.Inspect(context.Background(), pbf, pack.ReadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if m.Source.Kind != "access" || len(m.Parts) != 1 || m.Parts[0].Name != "dossier"+ext || m.Parts[0].Role != access.Role ||
				m.Parts[0].Size != int64(len(want)) || len(m.Stats.Tables) != 0 || m.Dossier.Numero != "001" || m.Dossier.Nom != "SOC" {
				t.Fatalf("manifest %+v", m)
			}

			rep, err := verify.File(context.Background(), pbf, verify.Options{Complete: true})
			if err != nil || !rep.ContainerOnly {
				t.Fatalf("verify: %+v, %v", rep, err)
			}
			if r := run(t, "verifier", pbf, "--complet"); r.code != 0 || !strings.Contains(r.stdout, "Access") {
				t.Fatalf("verifier: %+v", r)
			}
			if r := run(t, "contenu", pbf); r.code != 0 || !strings.Contains(r.stdout, "001SOC"+ext) || !strings.Contains(r.stdout, "dossier"+ext) {
				t.Fatalf("contenu: %+v", r)
			}

			folder := filepath.Join(work, "dossiers")
			os.MkdirAll(folder, 0o755)
			if r := run(t, "restaurer", pbf, "--connexion", folder); r.code != 0 {
				t.Fatalf("restaurer: %+v", r)
			}
			target := filepath.Join(folder, "001SOC"+ext)
			if got, _ := os.ReadFile(target); !bytes.Equal(got, want) {
				t.Fatal("the restored Access database differs from the original")
			}

			s, _ := sqlitestore.Open(folder)
			_, err = restore.Run(context.Background(), restore.Request{File: pbf, Store: s, SafetyDir: t.TempDir()})
			if !errors.Is(err, dossier.ErrExists) {
				t.Fatalf("restore over an existing Access database without --remplacer: %v", err)
			}
			lockFile(t, target, "COMPTA-PC")
			if r := run(t, "restaurer", pbf, "--connexion", folder, "--remplacer"); r.code == 0 || !strings.Contains(r.stderr, "COMPTA-PC") {
				t.Fatalf("restore over an open Access database: %+v", r)
			}
			os.Remove(access.LockFile(target))
			os.WriteFile(target, []byte("modifiée depuis"), 0o644)
			safety := t.TempDir()
			res, err := restore.Run(context.Background(), restore.Request{File: pbf, Store: s, Replace: true, SafetyDir: safety})
			if err != nil || res.SafetyBackup == "" {
				t.Fatalf("restore with --remplacer: %+v, %v", res, err)
			}
			if got, _ := os.ReadFile(target); !bytes.Equal(got, want) {
				t.Fatal("the replaced Access database differs from the original")
			}
			if sm, err := pack.Inspect(context.Background(), res.SafetyBackup, pack.ReadOptions{}); err != nil || sm.Parts[0].Size != int64(len("modifiée depuis")) {
				t.Fatalf("safety backup %+v, %v", sm, err)
			}
			for _, e := range mustReadDir(t, folder) {
				if strings.Contains(e, ".coffre-tmp-") {
					t.Fatalf("temp file left: %s", e)
				}
			}
		})
	}
}

func mustReadDir(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

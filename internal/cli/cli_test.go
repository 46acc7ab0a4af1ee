package cli_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/cli"
	"coffre/internal/dossiertest"
	"coffre/internal/pack"
)

type result struct {
	code           int
	stdout, stderr string
}

func run(t *testing.T, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	env := &cli.Env{Ctx: context.Background(), Stdout: &out, Stderr: &errb}
	code := cli.Run(env, append([]string{"--langue", "fr"}, args...))
	return result{code, out.String(), errb.String()}
}

func TestMain(m *testing.M) {
	pack.UseCheapScryptForTests()
	dir, _ := os.MkdirTemp("", "coffre-cli")
	os.Setenv("COFFRE_DATA", dir)
	os.Setenv("COFFRE_CONFIG", filepath.Join(dir, "config"))
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestHelp(t *testing.T) {
	r := run(t, "--help")
	for _, verb := range []string{"liste", "sauvegarder", "verifier", "contenu", "restaurer", "demo", "quitter"} {
		if !strings.Contains(r.stdout, verb) {
			t.Errorf("--help does not list %s", verb)
		}
	}
	for _, verb := range []string{"sauvegarder", "backup", "verifier", "contenu", "restaurer", "liste", "demo"} {
		r := run(t, verb, "--help")
		if r.code != 0 || !strings.Contains(r.stdout, "coffre ") {
			t.Errorf("%s --help: code %d, %q", verb, r.code, r.stdout)
		}
	}
	if r := run(t, "inconnue"); r.code != cli.ExitUsage || !strings.Contains(r.stderr, "Commande inconnue") {
		t.Errorf("unknown verb: %+v", r)
	}
}

// TestBackupVerifyInspectRestore drives the whole spine from the command
// line, as a scheduled task would.
func TestBackupVerifyInspectRestore(t *testing.T) {
	conn := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(conn, "001SOC.db"))
	dossiertest.BuildV1(t, filepath.Join(conn, "004TEST.db"), dossiertest.WithNumero("004"), dossiertest.WithNom("TEST"), dossiertest.WithSession("POSTE-2", "Marie", "Compta"))
	dest := t.TempDir()

	r := run(t, "liste", "--connexion", conn)
	if r.code != 0 || !strings.Contains(r.stdout, "001") || !strings.Contains(r.stdout, "004") {
		t.Fatalf("liste: %+v", r)
	}
	r = run(t, "sauvegarder", "--connexion", conn, "--dossier", "1,4", "--vers", dest, "--verifier")
	if r.code != 0 {
		t.Fatalf("sauvegarder: %+v", r)
	}
	files := strings.Fields(r.stdout)
	if len(files) != 2 || !strings.Contains(filepath.Base(files[0]), "001-SOC_") || !strings.HasSuffix(files[1], ".pbf") {
		t.Fatalf("files printed: %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "POSTE-2") {
		t.Fatalf("open sessions not warned about: %q", r.stderr)
	}
	r = run(t, "verifier", files[0], "--complet")
	if r.code != 0 || !strings.Contains(r.stdout, ": correct (niveau complet)") {
		t.Fatalf("verifier: %+v", r)
	}
	r = run(t, "contenu", files[0])
	if r.code != 0 || !strings.Contains(r.stdout, "Ce que contient cette sauvegarde") || !strings.Contains(r.stdout, "2025") {
		t.Fatalf("contenu: %+v", r)
	}
	r = run(t, "restaurer", files[0], "--connexion", conn)
	if r.code != 0 || !strings.Contains(r.stdout, "002SOC.db") {
		t.Fatalf("restaurer: %+v", r)
	}
	r = run(t, "restaurer", files[0], "--connexion", conn, "--numero", "1")
	if r.code != cli.ExitError || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, "existe déjà") {
		t.Fatalf("restore over 001 without --remplacer must fail with one line: %+v", r)
	}
	r = run(t, "liste", "--connexion", conn, "--sauvegardes", dest)
	if !strings.Contains(r.stdout, "002") {
		t.Fatalf("liste after restore: %q", r.stdout)
	}
}

func TestErrorsAreOneFrenchLine(t *testing.T) {
	dest := t.TempDir()
	junk := filepath.Join(dest, "x.pbf")
	os.WriteFile(junk, []byte("pas une sauvegarde"), 0o644)
	cases := []struct {
		args []string
		want string
	}{
		{[]string{"verifier", junk}, "pas une sauvegarde Coffre"},
		{[]string{"sauvegarder", "--connexion", t.TempDir(), "--dossier", "1", "--vers", dest}, "Aucun dossier n° 001"},
		{[]string{"sauvegarder", "--connexion", t.TempDir(), "--dossier", "abc", "--vers", dest}, "Numéro de dossier invalide"},
		{[]string{"sauvegarder", "--connexion", "/nexiste/pas", "--dossier", "1", "--vers", dest}, "n'existe pas"},
		{[]string{"liste", "--connexion", "odbc:DSN=compta"}, "ODBC"},
		{[]string{"verifier", filepath.Join(dest, "absent.pbf")}, "introuvable"},
	}
	for _, c := range cases {
		r := run(t, c.args...)
		if r.code == 0 || !strings.Contains(r.stderr, c.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
			t.Errorf("%v: code %d stderr %q, want one line with %q", c.args, r.code, r.stderr, c.want)
		}
	}
	if r := run(t, "sauvegarder", "--dossier", "1"); r.code != cli.ExitUsage {
		t.Errorf("missing --vers: %+v", r)
	}
}

func TestPassphraseFile(t *testing.T) {
	conn := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(conn, "001SOC.db"))
	dest := t.TempDir()
	pf := filepath.Join(t.TempDir(), "phrase")
	os.WriteFile(pf, []byte("une phrase secrète\n"), 0o600)
	r := run(t, "sauvegarder", "--connexion", conn, "--dossier", "1", "--vers", dest, "--phrase-secrete-fichier", pf)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	file := strings.TrimSpace(r.stdout)
	if r := run(t, "verifier", file); r.code == 0 || !strings.Contains(r.stderr, "chiffré") {
		t.Fatalf("verify without passphrase: %+v", r)
	}
	bad := filepath.Join(t.TempDir(), "mauvaise")
	os.WriteFile(bad, []byte("autre chose\n"), 0o600)
	if r := run(t, "verifier", file, "--phrase-secrete-fichier", bad); r.code == 0 || !strings.Contains(r.stderr, "Phrase secrète incorrecte") {
		t.Fatalf("wrong passphrase: %+v", r)
	}
	if r := run(t, "verifier", file, "--phrase-secrete-fichier", pf); r.code != 0 {
		t.Fatalf("right passphrase: %+v", r)
	}
}

// TestEnglish: --langue en switches messages and errors to English.
func TestEnglish(t *testing.T) {
	junk := filepath.Join(t.TempDir(), "x.pbf")
	os.WriteFile(junk, []byte("pas une sauvegarde"), 0o644)
	var out, errb bytes.Buffer
	env := &cli.Env{Ctx: context.Background(), Stdout: &out, Stderr: &errb}
	if code := cli.Run(env, []string{"--langue", "en", "verifier", junk}); code != cli.ExitDamaged {
		t.Fatalf("code %d", code)
	}
	if !strings.Contains(errb.String(), "not a Coffre backup") {
		t.Fatalf("English error expected, got %q", errb.String())
	}
	out.Reset()
	cli.Run(env, []string{"--langue=en", "--help"})
	if !strings.Contains(out.String(), "Usage:") {
		t.Fatalf("English usage expected, got %q", out.String())
	}
	cli.Run(env, []string{"--langue", "fr", "--help"})
}

// TestServerPasswordFromFile: a server's password comes from a file and
// shows in no message.
func TestServerPasswordFromFile(t *testing.T) {
	pf := filepath.Join(t.TempDir(), "mdp")
	os.WriteFile(pf, []byte("S3cr;et=}{\n"), 0o600)
	r := run(t, "liste", "--connexion", "odbc:DSN=ComptaInexistante", "--utilisateur", "marie", "--mot-de-passe-fichier", pf)
	if r.code == 0 || strings.Contains(r.stdout+r.stderr, "S3cr") {
		t.Fatalf("%+v", r)
	}
	if !strings.Contains(r.stderr, "ODBC") {
		t.Fatalf("expected an ODBC message, got %q", r.stderr)
	}
}

// TestVerifyAndInspectTransfer: verifier and contenu read a PTF as what it
// is, not as a backup missing its database.
func TestVerifyAndInspectTransfer(t *testing.T) {
	conn := t.TempDir()
	db := filepath.Join(conn, "001SOC.db")
	dossiertest.BuildV1(t, db)
	dest := t.TempDir()
	if r := run(t, "transfert-export", "--connexion", conn, "--dossier", "1", "--vers", dest); r.code != 0 {
		t.Fatalf("first transfer: %+v", r)
	}
	sqlDB, err := sql.Open("sqlite3", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlDB.Exec("UPDATE tiers SET nom = nom || ' (modifié)' WHERE id = (SELECT MIN(id) FROM tiers)"); err != nil {
		t.Fatal(err)
	}
	sqlDB.Close()
	r := run(t, "transfert-export", "--connexion", conn, "--dossier", "1", "--vers", dest)
	if r.code != 0 {
		t.Fatalf("second transfer: %+v", r)
	}
	ptfs, _ := filepath.Glob(filepath.Join(dest, "*.ptf"))
	if len(ptfs) != 1 {
		t.Fatalf("ptf files: %v (%s)", ptfs, r.stdout)
	}
	if r := run(t, "verifier", ptfs[0]); r.code != 0 || !strings.Contains(r.stdout, "PTF") {
		t.Fatalf("verifier ptf: %+v", r)
	}
	if r := run(t, "contenu", ptfs[0]); r.code != 0 || !strings.Contains(r.stdout, "transfert partiel") {
		t.Fatalf("contenu ptf: %+v", r)
	}
}

package cli_test

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"coffre/internal/dossiertest"
	"coffre/internal/store/sqlitestore"
)

// These tests hold the command line to #17 items 16–19: every message in
// French, naming what is wrong, never a Go string. They use only cli.Run
// and numeric exit codes, as a scheduled task sees them.

// noGo fails when a message shows Go's own text or the catch-all.
func noGo(t *testing.T, what string, r result) {
	t.Helper()
	for _, bad := range []string{"Erreur inattendue", "flag provided", "not defined", "no such file", "is a directory", "not a directory", "file exists", "panic", "goroutine"} {
		if strings.Contains(r.stderr+r.stdout, bad) {
			t.Errorf("%s: Go or English text %q in the output:\n%s%s", what, bad, r.stdout, r.stderr)
		}
	}
}

func backupOne(t *testing.T) (conn, dest, pbf string) {
	t.Helper()
	conn, dest = t.TempDir(), t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(conn, "001SOC.db"))
	r := run(t, "sauvegarder", "--connexion", conn, "--dossier", "1", "--vers", dest)
	if r.code != 0 {
		t.Fatalf("sauvegarder: %+v", r)
	}
	return conn, dest, strings.TrimSpace(r.stdout)
}

// TestUnknownOptionsInFrench: #17.16, an unknown option and --version.
func TestUnknownOptionsInFrench(t *testing.T) {
	for _, args := range [][]string{{"liste", "--foo"}, {"--foo"}, {"sauvegarder", "-x", "--vers", "/tmp"}} {
		r := run(t, args...)
		if r.code != 2 || !strings.Contains(r.stderr, "option inconnue") {
			t.Errorf("%v: code %d, %q", args, r.code, r.stderr)
		}
		noGo(t, strings.Join(args, " "), r)
	}
	if r := run(t, "liste", "--connexion"); r.code != 2 || !strings.Contains(r.stderr, "attend une valeur") {
		t.Errorf("option without its value: %+v", r)
	}
	if r := run(t, "demo", "x", "--taille", "beaucoup"); r.code != 2 || !strings.Contains(r.stderr, "invalide pour --taille") {
		t.Errorf("bad value: %+v", r)
	}
	r := run(t, "--version")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "Coffre ") {
		t.Errorf("--version: %+v", r)
	}
}

// TestNoUnexpectedError: #17.16, the four « Erreur inattendue » of the
// issue become sentences that say what is wrong.
func TestNoUnexpectedError(t *testing.T) {
	conn, dest, pbf := backupOne(t)
	junkConn := t.TempDir()
	os.WriteFile(filepath.Join(junkConn, "005JUNK.db"), []byte("pas une base SQLite, du texte"), 0o644)
	aFile := filepath.Join(t.TempDir(), "un-fichier")
	os.WriteFile(aFile, []byte("x"), 0o644)
	dirConn := t.TempDir()
	os.Mkdir(filepath.Join(dirConn, "001SOC.db"), 0o755)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"verifier un dossier", []string{"verifier", dest}, "est un dossier, pas un fichier"},
		{"contenu d'un dossier", []string{"contenu", dest}, "est un dossier, pas un fichier"},
		{"archiver un fichier qui n'est pas SQLite", []string{"archiver", "--connexion", junkConn, "--dossier", "5", "--vers", dest}, "n'est pas une base SQLite"},
		{"--securite est un fichier", []string{"restaurer", pbf, "--connexion", conn, "--remplacer", "--securite", aFile}, "est un fichier, pas un dossier"},
		{"un répertoire à la place du dossier restauré", []string{"restaurer", pbf, "--connexion", dirConn}, "est un dossier (un répertoire)"},
	}
	for _, c := range cases {
		r := run(t, c.args...)
		if r.code == 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: code %d, stderr %q, want %q", c.name, r.code, r.stderr, c.want)
		}
		noGo(t, c.name, r)
	}
	if _, err := os.Stat(filepath.Join(dirConn, "001SOC.db")); err != nil {
		t.Errorf("the folder in the way was touched: %v", err)
	}
}

// TestMisleadingMessages: #17.17.
func TestMisleadingMessages(t *testing.T) {
	conn, _, pbf := backupOne(t)

	missing := filepath.Join(t.TempDir(), "absente.pbf")
	r := run(t, "restaurer", missing, "--connexion", conn)
	if r.code == 0 || !strings.Contains(r.stderr, missing) || strings.Contains(r.stderr, "Dossier introuvable") {
		t.Errorf("restaurer a missing file: %+v", r)
	}

	// A file encrypted by age for an X25519 key, not a passphrase.
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := os.ReadFile(pbf)
	var enc bytes.Buffer
	w, err := age.Encrypt(&enc, id.Recipient())
	if err != nil {
		t.Fatal(err)
	}
	w.Write(plain)
	w.Close()
	keyed := filepath.Join(t.TempDir(), "cle.pbf")
	os.WriteFile(keyed, enc.Bytes(), 0o644)
	pf := filepath.Join(t.TempDir(), "phrase")
	os.WriteFile(pf, []byte("une phrase secrète\n"), 0o600)
	for _, args := range [][]string{{"verifier", keyed}, {"verifier", keyed, "--phrase-secrete-fichier", pf}, {"contenu", keyed, "--phrase-secrete-fichier", pf}} {
		r := run(t, args...)
		if r.code == 0 || strings.Contains(r.stderr, "Phrase secrète incorrecte") || !strings.Contains(r.stderr, "pour une clé (X25519)") {
			t.Errorf("%v: %+v", args, r)
		}
	}

	// Data appended after a complete file's end index.
	appended := filepath.Join(t.TempDir(), "rallonge.pbf")
	os.WriteFile(appended, append(append([]byte{}, plain...), []byte("des octets ajoutés après la fin")...), 0o644)
	r = run(t, "verifier", appended)
	if r.code == 0 || strings.Contains(r.stderr, "incomplet") || !strings.Contains(r.stderr, "données inattendues suivent l'index") {
		t.Errorf("appended data: %+v", r)
	}
	// A copy cut short is still said to be one.
	short := filepath.Join(t.TempDir(), "coupee.pbf")
	os.WriteFile(short, plain[:len(plain)-40], 0o644)
	if r := run(t, "verifier", short); r.code == 0 || !strings.Contains(r.stderr, "incomplet") {
		t.Errorf("truncated file: %+v", r)
	}
}

// orphanPages writes a SQLite database whose quick_check reports about a
// hundred problems (pages left by a table taken out of the schema).
func orphanPages(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		"CREATE TABLE garde(a)", "INSERT INTO garde VALUES (1)", "CREATE TABLE grosse(x)",
		"WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 3000) INSERT INTO grosse SELECT randomblob(200) FROM c",
		"PRAGMA writable_schema = ON", "DELETE FROM sqlite_master WHERE name = 'grosse'",
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

// TestIntegrityDumpSummarised: #17.18, SQLite's long list of problems is
// summarised — the first ones and a count — with the ending of each
// command; the whole list goes to the --journal log.
func TestIntegrityDumpSummarised(t *testing.T) {
	dir, dest := t.TempDir(), t.TempDir()
	bad := filepath.Join(dir, "abimee.db")
	orphanPages(t, bad)
	journal := filepath.Join(dir, "journal.txt")

	check := func(what string, r result, ending string) {
		t.Helper()
		line := strings.TrimSpace(r.stderr)
		if r.code == 0 || !strings.Contains(line, "autres problèmes") || !strings.Contains(line, ending) || len(line) > 600 || strings.Count(line, "\n") > 0 {
			t.Errorf("%s: code %d, %d bytes:\n%s", what, r.code, len(line), line)
		}
	}
	r := run(t, "sauvegarder", "--fichier", bad, "--vers", dest, "--verifier", "--journal", journal)
	check("sauvegarder", r, "la sauvegarde n'a pas été enregistrée")
	log, _ := os.ReadFile(journal)
	if n := strings.Count(string(log), "never used"); n < 90 {
		t.Errorf("the log holds %d of the problems:\n%s", n, log)
	}

	// A backup taken without --verifier holds the damaged database.
	r = run(t, "sauvegarder", "--fichier", bad, "--vers", dest)
	if r.code != 0 {
		t.Fatalf("backup without check: %+v", r)
	}
	pbf := strings.TrimSpace(r.stdout)
	check("verifier", run(t, "verifier", pbf), "ne peut pas servir à une restauration")
	conn := t.TempDir()
	check("restaurer", run(t, "restaurer", pbf, "--connexion", conn), "rien n'a été restauré")
	if left, _ := filepath.Glob(filepath.Join(conn, "*.db*")); len(left) != 0 {
		t.Errorf("restaurer left %v", left)
	}
}

// TestInputNotIgnored: #17.19, repeated --dossier merge, extra arguments
// and an unknown language are refused.
func TestInputNotIgnored(t *testing.T) {
	conn, dest := t.TempDir(), t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(conn, "007SEPT.db"), dossiertest.WithNumero("007"), dossiertest.WithNom("SEPT"))
	dossiertest.BuildV1(t, filepath.Join(conn, "008HUIT.db"), dossiertest.WithNumero("008"), dossiertest.WithNom("HUIT"))
	r := run(t, "sauvegarder", "--connexion", conn, "--dossier", "8", "--dossier", "7", "--vers", dest)
	if r.code != 0 || !strings.Contains(r.stdout, "007-SEPT_") || !strings.Contains(r.stdout, "008-HUIT_") {
		t.Errorf("--dossier 8 --dossier 7: %+v", r)
	}
	for _, args := range [][]string{
		{"liste", "--connexion", conn, "en-trop"},
		{"verifier", "a.pbf", "b.pbf"},
		{"liste", "--connexion", conn, "--langue", "xx"},
	} {
		r := run(t, args...)
		if r.code != 2 {
			t.Errorf("%v: code %d, %q", args, r.code, r.stderr)
		}
		noGo(t, strings.Join(args, " "), r)
	}
}

// TestControlCharactersStripped: #17.19, a dossier's name read from the
// file with terminal escape sequences in it reaches no terminal.
func TestControlCharactersStripped(t *testing.T) {
	conn, dest := t.TempDir(), t.TempDir()
	path := filepath.Join(conn, "001SOC.db")
	dossiertest.BuildV1(t, path)
	db, err := sqlitestore.OpenRW(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Exec("UPDATE dossier SET raison_sociale = 'Société' || char(27) || '[2J' || char(27) || ']0;piège' || char(7) || ' SARL' || char(155) || '31m'")
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	r := run(t, "sauvegarder", "--connexion", conn, "--dossier", "1", "--vers", dest)
	if r.code != 0 {
		t.Fatal(r)
	}
	pbf := strings.TrimSpace(r.stdout)
	for _, args := range [][]string{{"liste", "--connexion", conn}, {"contenu", pbf}} {
		r := run(t, args...)
		out := r.stdout + r.stderr
		if r.code != 0 || !strings.Contains(out, "Société") {
			t.Fatalf("%v: %+v", args, r)
		}
		if strings.ContainsAny(out, "\x1b\x07\u009b") {
			t.Errorf("%v: control characters reach the terminal: %q", args, out)
		}
	}
}

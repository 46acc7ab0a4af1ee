package cli_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossiertest"
)

// A phrase file written by Notepad (UTF-8 mark, CR LF) gives the same
// secret as one written on Linux; a phrase of one character, or three
// spaces, is refused in French and writes nothing.
func TestPassphraseFileWindowsAndMinimum(t *testing.T) {
	conn := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(conn, "001SOC.db"))
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, b, 0o600)
		return p
	}
	notepad := write("bloc-notes.txt", append([]byte{0xEF, 0xBB, 0xBF}, "Trois chats sur le toit\r\n"...))
	unix := write("linux.txt", []byte("Trois chats sur le toit\n"))

	for _, weak := range []struct{ name, text, says string }{
		{"un", "a\n", "au moins 10 caractères"},
		{"espaces", "   \r\n", "espace"},
	} {
		dest := t.TempDir()
		r := run(t, "sauvegarder", "--connexion", conn, "--dossier", "1", "--vers", dest, "--phrase-secrete-fichier", write(weak.name, []byte(weak.text)))
		if r.code == 0 || !strings.Contains(r.stderr, weak.says) {
			t.Errorf("phrase %q: %+v", weak.text, r)
		}
		if left, _ := os.ReadDir(dest); len(left) != 0 {
			t.Errorf("phrase %q refused but %d files written", weak.text, len(left))
		}
	}

	dest := t.TempDir()
	r := run(t, "sauvegarder", "--connexion", conn, "--dossier", "1", "--vers", dest, "--phrase-secrete-fichier", notepad)
	if r.code != 0 {
		t.Fatalf("%+v", r)
	}
	if r := run(t, "verifier", strings.TrimSpace(r.stdout), "--phrase-secrete-fichier", unix); r.code != 0 {
		t.Errorf("the Notepad phrase is not the Linux one: %+v", r)
	}
}

package cli_test

import (
	"path/filepath"
	"strings"
	"testing"
)

// The error output keeps the no-break spaces of French typography: it
// turned them into plain spaces (strings.Fields splits on U+00A0), so a
// line could break between « and the name it quotes.
func TestErrorKeepsNoBreakSpaces(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "absent")
	r := run(t, "sauvegarder", "--connexion", t.TempDir(), "--dossier", "1", "--vers", dest)
	if r.code == 0 || !strings.Contains(r.stderr, "«\u00a0"+dest+"\u00a0»") {
		t.Fatalf("code %d, stderr %q", r.code, r.stderr)
	}
}

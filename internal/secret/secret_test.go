package secret

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// typed is what the user types in the wizard.
const typed = "Phrase très secrète"

func utf16le(s string, bom bool) []byte {
	var out []byte
	if bom {
		out = append(out, 0xFF, 0xFE)
	}
	for _, r := range s { // BMP only, enough here
		out = append(out, byte(r), byte(r>>8))
	}
	return out
}

func utf16be(s string) []byte {
	out := []byte{0xFE, 0xFF}
	for _, r := range s {
		out = append(out, byte(r>>8), byte(r))
	}
	return out
}

// Files written the Windows way, byte for byte as each tool writes them:
// the accepted ones give exactly the phrase typed in the wizard, the others
// are refused in French instead of giving another secret.
func TestReadFileWindowsWays(t *testing.T) {
	cp850 := []byte("Phrase tr\x8as secr\x8ate\r\n") // cmd « echo … > f », OEM code page: è is 0x8A
	cases := []struct {
		name    string
		bytes   []byte
		refused string // "" when accepted
	}{
		{"notepad-utf8-bom", append([]byte{0xEF, 0xBB, 0xBF}, typed...), ""},
		{"notepad-utf8-bom-crlf", append([]byte{0xEF, 0xBB, 0xBF}, typed+"\r\n"...), ""},
		{"powershell-utf16le", utf16le(typed+"\r\n", true), ""},
		{"utf16be", utf16be(typed + "\n"), ""},
		{"unix-lf", []byte(typed + "\n"), ""},
		{"mac-cr", []byte(typed + "\r"), ""},
		{"no-newline", []byte(typed), ""},
		{"cmd-echo-space", []byte(typed + " \r\n"), "espace"},
		{"leading-space", []byte(" " + typed), "espace"},
		{"two-newlines", []byte(typed + "\r\n\r\n"), "plusieurs lignes"},
		{"two-lines", []byte(typed + "\nautre\n"), "plusieurs lignes"},
		{"cp850", cp850, "UTF-8"},
		{"windows-1252", []byte("Phrase tr\xe8s secr\xe8te"), "UTF-8"},
		{"utf16le-no-bom", utf16le(typed, false), "UTF-8"},
		{"empty", nil, "vide"},
		{"only-crlf", []byte("\r\n"), "vide"},
		{"tab-inside", []byte("Phrase\ttrès secrète"), "contrôle"},
		{"double-bom", append([]byte{0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF}, typed...), "contrôle"},
		{"lone-surrogate", append([]byte{0xFF, 0xFE, 0x00, 0xD8}, utf16le("abc", false)...), "UTF-8"},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := filepath.Join(dir, c.name+".txt")
			if err := os.WriteFile(p, c.bytes, 0o600); err != nil {
				t.Fatal(err)
			}
			got, err := ReadFile(p)
			if c.refused == "" {
				if err != nil || got != typed {
					t.Fatalf("got %q, %v; want %q", got, err, typed)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.refused) || !strings.Contains(err.Error(), p) {
				t.Fatalf("got %q, %v; want a refusal naming the file and saying %q", got, err, c.refused)
			}
		})
	}
	if _, err := ReadFile(filepath.Join(dir, "absent")); err == nil || !strings.Contains(err.Error(), "Impossible de lire") {
		t.Errorf("missing file: %v", err)
	}
}

func TestCheckNew(t *testing.T) {
	for _, p := range []string{"", "   ", "a", "abc", "aaaaaaaaaaaa", "abab abab abab", "123456789"} {
		if err := CheckNew(p); !errors.Is(err, ErrWeak) || !strings.Contains(err.Error(), "au moins 10 caractères") {
			t.Errorf("%q accepted: %v", p, err)
		}
	}
	for _, p := range []string{"trois chats sur le toit", "correct horse", "cheval-agrafe", "Phrase très secrète"} {
		if err := CheckNew(p); err != nil {
			t.Errorf("%q refused: %v", p, err)
		}
	}
}

package catalog_test

import (
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"coffre/internal/i18n/catalog"
)

// english are words of English that a French screen must not show (Fyne's
// own « (Select one) », « Yes », a Go error…), as whole words.
var english = regexp.MustCompile(`\b(Select one|Yes|Cancel|Error|Warning|failed|not found|no such|permission denied|the|and|with|file|folder|invalid)\b`)

// typography lists what breaks French typography in s: an ordinary space
// (or none) where a no-break space belongs — before : ; ? ! and inside « ».
// A : ; ? ! glued to what comes before is left alone (21:30, odbc:Driver=,
// https://, a;b in a connection string).
func typography(s string) []string {
	var bad []string
	rs := []rune(s)
	nb := func(r rune) bool { return r == '\u00a0' || r == '\u202f' }
	for i, r := range rs {
		switch r {
		case ':', ';', '?', '!':
			if i > 0 && rs[i-1] == ' ' {
				bad = append(bad, "espace ordinaire avant «\u00a0"+string(r)+"\u00a0»")
			}
		case '«':
			if i+1 < len(rs) && !nb(rs[i+1]) {
				bad = append(bad, "pas d'espace insécable après «")
			}
		case '»':
			if i > 0 && !nb(rs[i-1]) {
				bad = append(bad, "pas d'espace insécable avant »")
			}
		}
	}
	if strings.Contains(s, "(s)") {
		bad = append(bad, "pluriel « (s) » : donnez une forme One et une forme Other")
	}
	if m := english.FindString(placeholder.ReplaceAllString(s, "")); m != "" {
		bad = append(bad, "anglais : "+m)
	}
	if !utf8.ValidString(s) {
		bad = append(bad, "UTF-8 invalide")
	}
	return bad
}

// TestFrenchTypography: every French message — the i18n.Message literals
// of the Go sources, found with go/ast, and translations/active.fr.toml —
// puts no-break spaces before : ; ? ! and inside « », writes plurals as
// One/Other forms, and holds no English.
func TestFrenchTypography(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	entries, err := catalog.Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		for _, s := range []string{e.One, e.Other} {
			for _, p := range typography(s) {
				t.Errorf("%s (%s): %s\n\t%q", e.ID, e.Pos, p, s)
			}
		}
	}
	fr, err := catalog.Load(filepath.Join(root, "translations", "active.fr.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for id, tr := range fr {
		for _, s := range []string{tr.One, tr.Other} {
			if len(typography(s)) > 0 {
				t.Errorf("translations/active.fr.toml %s: %v", id, typography(s))
			}
		}
	}
}

// The rules themselves, on the faults seen.
func TestTypographyRules(t *testing.T) {
	for s, want := range map[string]int{
		"Connexion réussie : 2 dossiers trouvés.":      1,
		"Connexion réussie\u00a0: 2 dossiers trouvés.": 0,
		"Le dossier « 001 » existe.":                   2,
		"Le dossier «\u00a0001\u00a0» existe.":         0,
		"(Select one)":                                 1,
		"Il porte 2 ligne(s) changée(s).":              1,
		"À 21:30, odbc:Driver={x};Server=y":            0,
	} {
		if got := len(typography(s)); got != want {
			t.Errorf("%q: %d faults (%v), want %d", s, got, typography(s), want)
		}
	}
}

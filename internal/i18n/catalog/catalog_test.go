package catalog_test

import (
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"coffre/internal/i18n/catalog"
)

var placeholder = regexp.MustCompile(`\{\{[^}]*\}\}`)

func placeholders(s string) string {
	p := placeholder.FindAllString(s, -1)
	sort.Strings(p)
	return strings.Join(p, " ")
}

// TestTranslationsInStep: every message literal of the code is in
// active.fr.toml with the same text, and translated in active.en.toml from
// that very text (its hash), with the same placeholders, tabs and line
// breaks. Run `go run ./internal/i18n/catalog/cmd/traductions` to fix.
func TestTranslationsInStep(t *testing.T) {
	root := filepath.Join("..", "..", "..")
	entries, err := catalog.Scan(root)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 100 {
		t.Fatalf("only %d messages found: is the scan looking at the repository?", len(entries))
	}
	for _, p := range catalog.Check(entries) {
		t.Error(p)
	}
	fr, err := catalog.Load(filepath.Join(root, "translations", "active.fr.toml"))
	if err != nil {
		t.Fatal(err)
	}
	en, err := catalog.Load(filepath.Join(root, "translations", "active.en.toml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		f, ok := fr[e.ID]
		if !ok || f.Other != e.Other || f.One != e.One {
			t.Errorf("%s (%s): active.fr.toml is not in step with the code", e.ID, e.Pos)
		}
		g, ok := en[e.ID]
		switch {
		case !ok:
			t.Errorf("%s (%s): no English translation", e.ID, e.Pos)
		case g.Hash != catalog.Hash(e):
			t.Errorf("%s (%s): English translation made from another French text", e.ID, e.Pos)
		case placeholders(g.Other) != placeholders(e.Other) || strings.Count(g.Other, "\t") != strings.Count(e.Other, "\t"):
			t.Errorf("%s (%s): English text has other placeholders or columns: %q", e.ID, e.Pos, g.Other)
		}
	}
}

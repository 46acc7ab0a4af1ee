package i18n

import (
	"errors"
	"testing"
)

// TestPluralCount: an error or a note whose data has a whole-number Count
// takes the plural form it calls for (French: 0 and 1 are « one »); any
// other Count leaves the message rendered, never the raw template.
func TestPluralCount(t *testing.T) {
	m := &Message{ID: "TestPluriel", One: "{{.Count}} sauvegarde a échoué", Other: "{{.Count}} sauvegardes ont échoué"}
	for _, c := range []struct {
		count any
		want  string
	}{
		{0, "0 sauvegarde a échoué"},
		{1, "1 sauvegarde a échoué"},
		{int64(2), "2 sauvegardes ont échoué"},
		{"trois", "trois sauvegardes ont échoué"},
	} {
		data := map[string]any{"Count": c.count}
		if got := E(m, data, errors.New("x")).Error(); got != c.want {
			t.Errorf("E with Count %v: %q, want %q", c.count, got, c.want)
		}
		if got := NewNote(m, data).String(); got != c.want {
			t.Errorf("Note with Count %v: %q, want %q", c.count, got, c.want)
		}
	}
}

// TestCountGrouped: a count of a thousand or more has its thousands
// grouped like amounts (it read « 1495 écritures »), and keeps its plural
// form.
func TestCountGrouped(t *testing.T) {
	SetLanguage("fr")
	m := &Message{ID: "TestEcritures", One: "{{.Count}} écriture", Other: "{{.Count}} écritures"}
	for n, want := range map[int64]string{1: "1 écriture", 999: "999 écritures", 1495: "1\u202f495 écritures", 1234567: "1\u202f234\u202f567 écritures"} {
		if got := N(m, n, nil); got != want {
			t.Errorf("N(%d) = %q, want %q", n, got, want)
		}
	}
	if got := Bytes(12_300_000); got != "12,3\u00a0Mo" {
		t.Errorf("Bytes: %q", got)
	}
}

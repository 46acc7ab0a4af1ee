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

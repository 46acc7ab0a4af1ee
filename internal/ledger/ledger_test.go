package ledger

import (
	"strings"
	"testing"

	"coffre/internal/dossier"
)

func TestDiff(t *testing.T) {
	want := dossier.Stats{
		Tables:    []dossier.TableCount{{Name: "ecritures", Rows: 10}, {Name: "lignes", Rows: 25}},
		Exercices: []dossier.ExerciceTotals{{Code: "2024", Ecritures: 10, Lignes: 25, Debit: 1000, Credit: 1000}},
	}
	if d := Diff(want, want); len(d) != 0 {
		t.Fatalf("equal stats differ: %v", d)
	}
	got := dossier.Stats{
		Tables:     []dossier.TableCount{{Name: "ecritures", Rows: 10}, {Name: "lignes", Rows: 24}, {Name: "intrus", Rows: 1}},
		Exercices:  []dossier.ExerciceTotals{{Code: "2024", Ecritures: 10, Lignes: 24, Debit: 990, Credit: 1000}},
		Unbalanced: 1,
	}
	d := strings.Join(Diff(want, got), "\n")
	for _, s := range []string{"table lignes : 24 lignes au lieu de 25", "table intrus en trop", "exercice 2024", "débit 9,90\u00a0€, crédit 10,00\u00a0€ au lieu de 10, 25, 10,00\u00a0€, 10,00\u00a0€", "1 écritures déséquilibrées"} {
		if !strings.Contains(d, s) {
			t.Errorf("diff lacks %q:\n%s", s, d)
		}
	}
}

func TestIsV1(t *testing.T) {
	if IsV1([]string{"dossier", "exercices"}) {
		t.Fatal("two tables are not schema v1")
	}
	all := append([]string(nil), v1Tables...)
	if !IsV1(append(all, "notes_internes")) {
		t.Fatal("v1 with an extra table is still v1")
	}
	if Quote(`a"b`) != `"a""b"` {
		t.Fatal(Quote(`a"b`))
	}
}

package report

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"coffre/internal/archive"
	"coffre/internal/backup"
	"coffre/internal/batch"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

// TestLinesRenderAtTheEdge: a summary's lines are notes, rendered in the
// language of the moment they are shown, and the JSON carries their code.
func TestLinesRenderAtTheEdge(t *testing.T) {
	res := batch.Run(context.Background(), []batch.Item{{Key: "001", Label: "001 SOC"}, {Key: "002", Label: "002 DEUX"}},
		func(ctx context.Context, it batch.Item, p dossier.Progress) (backup.Result, error) {
			if it.Key == "002" {
				return backup.Result{}, fmt.Errorf("lock: %w", dossier.ErrInUse)
			}
			return backup.Result{Path: "/x/001-SOC.pbf", Size: 1200, Verified: true}, nil
		}, batch.Options[backup.Result]{})
	s := Backups(res)
	defer i18n.SetLanguage("fr")
	i18n.SetLanguage("fr")
	fr := s.Lines[0].String()
	i18n.SetLanguage("en")
	en := s.Lines[0].String()
	if !strings.Contains(fr, "vérifiée") || !strings.Contains(en, "verified") || strings.Contains(en, "vérifiée") {
		t.Fatalf("one line, two languages: %q / %q", fr, en)
	}
	if s.Lines[1].Level != Warn || !strings.Contains(s.Lines[1].String(), "002 DEUX") {
		t.Fatalf("the refused dossier's line: %+v", s.Lines[1])
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Statut string
		Lignes []struct{ Code, Niveau string }
	}
	if err := json.Unmarshal(b, &doc); err != nil || doc.Statut != "partiel" || doc.Lignes[0].Code != "ResSauvegarde" || doc.Lignes[1].Niveau != "attention" {
		t.Fatalf("%v %+v\n%s", err, doc, b)
	}
}

// TestNothingToUnarchiveIsAFact: « everything is back already » is shown,
// not failed.
func TestNothingToUnarchiveIsAFact(t *testing.T) {
	msg := &i18n.Message{ID: "TestTout", Other: "tout est déjà remis"}
	s := Unarchive("x.paf", emptyRestore(), i18n.E(msg, nil, batch.ErrNothingToDo))
	if s.Err != nil || len(s.Lines) != 1 || !strings.Contains(s.Lines[0].String(), "déjà remis") || s.Status() != "fait" {
		t.Fatalf("%+v", s)
	}
	if s := Unarchive("x.paf", emptyRestore(), errors.New("boom")); s.Status() != "echec" {
		t.Fatalf("a failure is one: %s", s.Status())
	}
}

func TestClean(t *testing.T) {
	if got := Clean("Société\x1b[2J\u009b31m\a SARL"); got != "Société[2J31m SARL" {
		t.Fatalf("%q", got)
	}
}

func emptyRestore() (r archive.RestoreResult) { return }

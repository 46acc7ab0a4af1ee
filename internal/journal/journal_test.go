package journal

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coffre/internal/i18n"
)

// The log rotates past MaxSize, keeps Keep old files, reads newest first,
// and skips a line torn by a crash.
func TestAppendRotateRead(t *testing.T) {
	dir := t.TempDir()
	j := Open(dir)
	big := strings.Repeat("x", 300<<10)
	t0 := time.Date(2026, 3, 2, 21, 30, 0, 0, time.Local)
	for i := 0; i < 30; i++ {
		if err := j.Append(Entry{Debut: t0.Add(time.Duration(i) * time.Hour), Statut: StatusOK, Messages: []string{big}}); err != nil {
			t.Fatal(err)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != Keep+1 {
		t.Errorf("%d files, want %d", len(entries), Keep+1)
	}
	f, _ := os.OpenFile(j.path(0), os.O_WRONLY|os.O_APPEND, 0)
	f.WriteString(`{"debut":"2026-`)
	f.Close()
	got, err := j.Read(3)
	if err != nil || len(got) != 3 || !got[0].Debut.Equal(t0.Add(29*time.Hour)) {
		t.Fatalf("read: %d %v", len(got), err)
	}
	if !strings.Contains(got[0].Title(), "Sauvegarde réussie") {
		t.Errorf("title %q", got[0].Title())
	}
}

// #14.3: a run log written in French is read in the reader's language: its
// facts are kept as notes (code and arguments), rendered when shown; counts
// come back as numbers and take their plural form. A log written before, in
// plain text, is shown as it was. (The line is what the service writes.)
func TestNotesRenderedWhenRead(t *testing.T) {
	defer i18n.SetLanguage("fr")
	dir := t.TempDir()
	line := `{"debut":"2026-03-02T21:30:00+01:00","fin":"2026-03-02T21:31:00+01:00","statut":"partielle","dossiers":[` +
		`{"numero":"004","verifiee":false,"probleme":{"code":"ServiceDossierAbsent","donnees":{"Conn":"D:\\Compta","Numero":"004"},"texte":"Le dossier 004 …"}},` +
		`{"numero":"003","verifiee":false,"erreur":"ancien texte"}],` +
		`"courriels":[{"code":"ServiceMailsRenvoyes","donnees":{"Count":2},"texte":"2 e-mails en attente ont été envoyés."}]}` + "\n"
	if err := os.WriteFile(filepath.Join(dir, "journal.jsonl"), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	for lang, wants := range map[string][]string{
		"en": {"Dossier 004, chosen for the automatic backup, is not in the connexion “D:\\Compta”", "2 pending emails have been sent.", "ancien texte"},
		"fr": {"Le dossier 004 choisi pour la sauvegarde automatique n'existe pas dans la connexion « D:\\Compta »", "2 e-mails en attente ont été envoyés.", "ancien texte"},
	} {
		i18n.SetLanguage(lang)
		got, err := Open(dir).Read(1)
		if err != nil || len(got) != 1 {
			t.Fatalf("read: %v", err)
		}
		text := strings.Join(got[0].Lines(), "\n")
		for _, want := range wants {
			if !strings.Contains(text, want) {
				t.Errorf("%s: lacks %q:\n%s", lang, want, text)
			}
		}
	}
}

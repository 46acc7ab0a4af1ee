package journal

import (
	"os"
	"strings"
	"testing"
	"time"
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

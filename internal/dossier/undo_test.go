package dossier_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"coffre/internal/dossier"
)

// TestUndo: the files a failed operation wrote are removed and the error
// is kept as it was; one that cannot be removed is named in the message,
// in the plural when there are several.
func TestUndo(t *testing.T) {
	dir := t.TempDir()
	written := filepath.Join(dir, "001SOC_CUT001.db")
	if err := os.WriteFile(written, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	cause := syscall.ENOSPC
	if err := dossier.Undo(cause, written, "", filepath.Join(dir, "absent")); err != cause {
		t.Fatalf("got %v, want the cause unchanged", err)
	}
	if _, err := os.Stat(written); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("file still there: %v", err)
	}
	// A folder that is not empty cannot be removed by os.Remove, even by root.
	stuck := []string{filepath.Join(dir, "a"), filepath.Join(dir, "b")}
	for _, s := range stuck {
		if err := os.MkdirAll(filepath.Join(s, "x"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	err := dossier.Undo(cause, stuck[0])
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "Espace disque insuffisant") || !strings.Contains(err.Error(), "Le fichier « "+stuck[0]+" », écrit avant l'échec, n'a pas pu être supprimé") {
		t.Fatalf("got %v", err)
	}
	if err := dossier.Undo(cause, stuck...); !strings.Contains(err.Error(), "Les fichiers « "+stuck[0]+" », « "+stuck[1]+" », écrits avant l'échec, n'ont pas pu être supprimés") {
		t.Fatalf("got %v", err)
	}
}

package pack

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestRecoverWithoutCoffre checks the promise of docs/FORMAT.md: the
// standard zstd and tar tools recover every part and the manifest, and age
// decrypts an encrypted file (decrypted here in Go: the age CLI reads the
// passphrase from a terminal).
func TestRecoverWithoutCoffre(t *testing.T) {
	for _, tool := range []string{"zstd", "tar"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
	parts := []testPart{
		{"dossier.db", "database", pseudoText(2*ChunkSize+999, 21)},
		{"vide", "annexe", nil},
	}
	for _, pass := range []string{"", "phrase"} {
		dir := t.TempDir()
		path, res := writeFile(t, dir, parts, pass, 2)
		if pass != "" {
			f, _ := os.Open(path)
			r, err := decrypt(bufio.NewReader(f), pass)
			if err != nil {
				t.Fatal(err)
			}
			plain := filepath.Join(dir, "plain.pbf")
			var buf bytes.Buffer
			if _, err := buf.ReadFrom(r); err != nil {
				t.Fatal(err)
			}
			f.Close()
			os.WriteFile(plain, buf.Bytes(), 0o644)
			path = plain
		}
		out := filepath.Join(dir, "out")
		os.Mkdir(out, 0o755)
		cmd := exec.Command("sh", "-c", `zstd -d < "$1" | tar -x -C "$2"`, "sh", path, out)
		if b, err := cmd.CombinedOutput(); err != nil || len(b) > 0 {
			t.Fatalf("zstd -d | tar x: %v\n%s", err, b)
		}
		for _, p := range parts {
			got, err := os.ReadFile(filepath.Join(out, p.name))
			if err != nil || !bytes.Equal(got, p.data) {
				t.Errorf("%s: extracted part differs (%v)", p.name, err)
			}
		}
		js, err := os.ReadFile(filepath.Join(out, manifestName))
		if err != nil {
			t.Fatal(err)
		}
		want, _ := encodeManifest(res.Manifest)
		if !bytes.Equal(js, want) {
			t.Errorf("manifest.json differs:\n%s\nwant\n%s", js, want)
		}
		var m Manifest
		if err := json.Unmarshal(js, &m); err != nil || m.Parts[0].SHA256 != sum(parts[0].data) {
			t.Errorf("manifest.json: %v", err)
		}
		if b, err := exec.Command("zstd", "-t", path).CombinedOutput(); err != nil {
			t.Errorf("zstd -t: %v\n%s", err, b)
		}
		if _, err := Read(context.Background(), path, ReadOptions{}, nil); err != nil {
			t.Errorf("the decrypted copy does not read: %v", err)
		}
	}
}

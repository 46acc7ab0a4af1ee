package pack

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Inspect and Read: they must refuse
// them with an error, never panic, hang or allocate without bound.
func FuzzRead(f *testing.F) {
	path := filepath.Join(f.TempDir(), "f.pbf")
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		opt := ReadOptions{Workers: 2, Passphrase: "phrase"}
		im, ierr := Inspect(context.Background(), path, opt)
		m, err := Read(context.Background(), path, opt, func(p Part, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		})
		if err == nil {
			if ierr != nil || im.Format != m.Format || len(im.Parts) != len(m.Parts) {
				t.Fatalf("Read accepts what Inspect refuses (%v)", ierr)
			}
			// Whatever Read accepts must be well-formed.
			for _, p := range m.Parts {
				if !validPartName(p.Name) || !validSHA256(p.SHA256) || p.Size < 0 {
					t.Fatalf("accepted part %+v", p)
				}
			}
		} else if !isSentinel(err) && err.Error() == "" {
			t.Fatalf("empty error")
		}
	})
}

// FuzzManifest checks that parseManifest never panics and that whatever it
// accepts survives an encode/parse round trip.
func FuzzManifest(f *testing.F) {
	js, _ := encodeManifest(testManifest())
	f.Add(js)
	f.Add([]byte(`{"format":1,"type":"PBF","parties":[{"nom":"dossier.db","role":"database","taille":3,"sha256":"` + sum([]byte("abc")) + `"}]}`))
	f.Add([]byte(`{"format":2}`))
	f.Add([]byte(`{"format":1,"type":"PBF","parties":[{"nom":"../x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := parseManifest(b)
		if err != nil {
			if !isSentinel(err) {
				t.Fatalf("error without sentinel: %v", err)
			}
			return
		}
		again, err := encodeManifest(m)
		if err != nil {
			t.Fatalf("accepted manifest does not encode: %v", err)
		}
		if _, err := parseManifest(again); err != nil {
			t.Fatalf("re-encoded manifest refused: %v", err)
		}
	})
}

// TestGenerateFuzzCorpus writes the committed seed corpus of FuzzRead; run
// with COFFRE_GEN_CORPUS=1 after a format change.
func TestGenerateFuzzCorpus(t *testing.T) {
	if os.Getenv("COFFRE_GEN_CORPUS") == "" {
		t.Skip("set COFFRE_GEN_CORPUS=1 to regenerate testdata/fuzz/FuzzRead")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzRead")
	os.MkdirAll(dir, 0o755)
	seeds := map[string][]byte{}
	small := smallFile(t, "")
	seeds["valid-small"] = small
	seeds["valid-encrypted"] = smallFile(t, "phrase")
	p, _ := writeFile(t, t.TempDir(), nil, "", 1)
	seeds["valid-no-part"], _ = os.ReadFile(p)
	seeds["truncated"] = small[:len(small)-30]
	flipped := bytes.Clone(small)
	flipped[len(flipped)/2] ^= 4
	seeds["flipped"] = flipped
	data := []byte("contenu")
	seeds["hostile-name"] = buildContainer(t, [][]byte{tarSegment(false, file("../x", data)),
		tarSegment(true, file(manifestName, manifestJSON(t, Part{Name: "dossier.db", Role: "database", Size: 7, SHA256: sum(data)})))}, 1)
	seeds["two-manifests"] = buildContainer(t, [][]byte{tarSegment(true, file(manifestName, manifestJSON(t)), file(manifestName, manifestJSON(t)))}, 0)
	for name, b := range seeds {
		content := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

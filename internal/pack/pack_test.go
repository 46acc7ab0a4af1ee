package pack

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"coffre/internal/dossier"
)

func init() {
	// Tests encrypt many files: age's default scrypt cost would take minutes.
	scryptWorkFactor = 10
	maxScryptWorkFactor = 12
}

// testPart is a part's name, role and content.
type testPart struct {
	name, role string
	data       []byte
}

func testManifest() *Manifest {
	return &Manifest{
		Tool:      "coffre test",
		CreatedAt: time.Date(2026, 11, 21, 21, 30, 5, 123, time.FixedZone("CET", 3600)),
		Source:    Source{Kind: "sqlite", Description: "001SOC.db"},
		Dossier:   dossier.Identity{Numero: "001", Nom: "SOC", RaisonSociale: "Société à responsabilité"},
		Stats: dossier.Stats{
			Tables:    []dossier.TableCount{{Name: "ecritures", Rows: 3}},
			Exercices: []dossier.ExerciceTotals{{Code: "2026", Debit: 100, Credit: 100}},
		},
		Sessions: []dossier.Session{{Poste: "PC1", Utilisateur: "marie"}},
	}
}

// pseudoText is compressible, deterministic, SQLite-like content.
func pseudoText(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 1))
	words := []string{"Facture ", "Règlement ", "client ", "fournisseur ", "411000 ", "401000 ", "TVA ", "1234,56 ", "Dupont ", "SARL ", "\x00\x01", "2026-11-21 "}
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(words[r.IntN(len(words))])
		if r.IntN(20) == 0 {
			b.WriteByte(byte(r.IntN(256)))
		}
	}
	return b.Bytes()[:n]
}

// writeFile packs parts into a file of dir and returns its path.
func writeFile(tb testing.TB, dir string, parts []testPart, pass string, workers int) (string, WriteResult) {
	tb.Helper()
	var srcs []PartSource
	for _, p := range parts {
		srcs = append(srcs, PartSource{Name: p.name, Role: p.role, Size: int64(len(p.data)), R: bytes.NewReader(p.data)})
	}
	var buf bytes.Buffer
	res, err := Write(context.Background(), &buf, testManifest(), srcs, WriteOptions{Passphrase: pass, Workers: workers})
	if err != nil {
		tb.Fatalf("Write: %v", err)
	}
	path := filepath.Join(dir, "f.pbf")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path, res
}

// readAll reads a container and returns its parts' contents by name.
func readAll(path string, opt ReadOptions) (*Manifest, map[string][]byte, error) {
	got := map[string][]byte{}
	m, err := Read(context.Background(), path, opt, func(p Part, r io.Reader) error {
		b, err := io.ReadAll(r)
		got[p.Name] = b
		return err
	})
	return m, got, err
}

func TestRoundTrip(t *testing.T) {
	cases := []struct {
		name  string
		parts []testPart
		pass  string
	}{
		{"small", []testPart{{"dossier.db", "database", []byte("bonjour")}}, ""},
		{"no part", nil, ""},
		{"empty part", []testPart{{"vide.bin", "annexe", nil}, {"dossier.db", "database", pseudoText(1000, 1)}}, ""},
		{"multi-frame", []testPart{
			{"dossier.db", "database", pseudoText(3*ChunkSize+12345, 2)},
			{"annexes.bin", "annexe", pseudoText(ChunkSize, 3)},
			{"x", "autre", pseudoText(511, 4)},
		}, ""},
		{"encrypted multi-frame", []testPart{
			{"dossier.db", "database", pseudoText(2*ChunkSize+7, 5)},
			{"vide", "annexe", nil},
		}, "correct horse"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path, res := writeFile(t, t.TempDir(), c.parts, c.pass, 3)
			raw, _ := os.ReadFile(path)
			if res.Size != int64(len(raw)) {
				t.Errorf("Size = %d, file has %d bytes", res.Size, len(raw))
			}
			if sum := sha256.Sum256(raw); res.SHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("SHA256 = %s, file's is %x", res.SHA256, sum)
			}
			m, got, err := readAll(path, ReadOptions{Passphrase: c.pass, Workers: 2})
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if !reflect.DeepEqual(m, res.Manifest) {
				t.Errorf("Read manifest\n%+v\nwant\n%+v", m, res.Manifest)
			}
			if len(m.Parts) != len(c.parts) {
				t.Fatalf("%d parts, want %d", len(m.Parts), len(c.parts))
			}
			for i, p := range c.parts {
				if !bytes.Equal(got[p.name], p.data) {
					t.Errorf("part %q differs (%d bytes, want %d)", p.name, len(got[p.name]), len(p.data))
				}
				sum := sha256.Sum256(p.data)
				want := Part{Name: p.name, Role: p.role, Size: int64(len(p.data)), SHA256: hex.EncodeToString(sum[:])}
				if m.Parts[i] != want {
					t.Errorf("part %d = %+v, want %+v", i, m.Parts[i], want)
				}
			}
			want := testManifest()
			if m.Tool != want.Tool || !m.CreatedAt.Equal(want.CreatedAt.Truncate(time.Second)) || m.Dossier != want.Dossier ||
				!reflect.DeepEqual(m.Stats, want.Stats) || !reflect.DeepEqual(m.Sessions, want.Sessions) ||
				m.Source != want.Source || m.Kind != KindPBF || m.Format != FormatVersion || m.Encrypted != (c.pass != "") {
				t.Errorf("manifest fields not preserved: %+v", m)
			}
			im, err := Inspect(context.Background(), path, ReadOptions{Passphrase: c.pass})
			if err != nil {
				t.Fatalf("Inspect: %v", err)
			}
			if !reflect.DeepEqual(im, m) {
				t.Errorf("Inspect manifest\n%+v\nRead's\n%+v", im, m)
			}
			enc, err := IsEncrypted(path)
			if err != nil || enc != (c.pass != "") {
				t.Errorf("IsEncrypted = %v, %v", enc, err)
			}
		})
	}
}

func TestPassphrase(t *testing.T) {
	dir := t.TempDir()
	secret := []byte("ÉCRITURE-TRES-RECONNAISSABLE-0123456789")
	data := append(bytes.Repeat([]byte("abc"), 1000), secret...)
	path, _ := writeFile(t, dir, []testPart{{"dossier.db", "database", data}}, "bonne phrase", 1)
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, secret) || bytes.Contains(raw, []byte("manifest.json")) || bytes.Contains(raw, []byte("COFFRE")) {
		t.Error("the encrypted file shows clear text")
	}
	for _, f := range []func(string, ReadOptions) error{
		func(p string, o ReadOptions) error { _, err := Inspect(context.Background(), p, o); return err },
		func(p string, o ReadOptions) error { _, _, err := readAll(p, o); return err },
	} {
		if err := f(path, ReadOptions{}); !errors.Is(err, dossier.ErrNeedPassphrase) {
			t.Errorf("no passphrase: %v", err)
		}
		if err := f(path, ReadOptions{Passphrase: "mauvaise"}); !errors.Is(err, dossier.ErrWrongPassphrase) {
			t.Errorf("wrong passphrase: %v", err)
		}
	}
}

func TestNotCoffre(t *testing.T) {
	dir := t.TempDir()
	tarFile := func() []byte {
		var b bytes.Buffer
		tw := newTestTar(&b)
		tw.file("dossier.db", []byte("x"))
		tw.close()
		return b.Bytes()
	}()
	zstdFile := zstdCompress(t, []byte("ceci est un fichier zstd ordinaire"))
	rnd := make([]byte, 5000)
	rand.NewChaCha8([32]byte{9}).Read(rnd)
	for name, b := range map[string][]byte{"empty": nil, "random": rnd, "tar": tarFile, "zstd": zstdFile, "text": []byte("bonjour\n")} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, b, 0o644)
		if _, err := Inspect(context.Background(), path, ReadOptions{}); !errors.Is(err, dossier.ErrNotCoffre) {
			t.Errorf("Inspect %s: %v", name, err)
		}
		if _, _, err := readAll(path, ReadOptions{}); !errors.Is(err, dossier.ErrNotCoffre) {
			t.Errorf("Read %s: %v", name, err)
		}
	}
}

func TestNewerFormat(t *testing.T) {
	dir := t.TempDir()
	path, _ := writeFile(t, dir, []testPart{{"dossier.db", "database", []byte("x")}}, "", 1)
	raw, _ := os.ReadFile(path)
	newer := bytes.Replace(raw, []byte(`{"format":1,`), []byte(`{"format":2,`), 1)
	os.WriteFile(path, newer, 0o644)
	for _, err := range []error{
		func() error { _, err := Inspect(context.Background(), path, ReadOptions{}); return err }(),
		func() error { _, _, err := readAll(path, ReadOptions{}); return err }(),
	} {
		if !errors.Is(err, dossier.ErrNewerFormat) {
			t.Errorf("newer format: %v", err)
		}
	}
}

func TestProgress(t *testing.T) {
	dir := t.TempDir()
	data := pseudoText(2*ChunkSize+100, 7)
	var events []dossier.Event
	var buf bytes.Buffer
	_, err := Write(context.Background(), &buf, testManifest(),
		[]PartSource{{Name: "dossier.db", Role: "database", Size: int64(len(data)), R: bytes.NewReader(data)}},
		WriteOptions{Progress: func(e dossier.Event) { events = append(events, e) }, Dossier: "001SOC"})
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Phase != dossier.PhaseCompression || last.Done != int64(len(data)) || last.Total != int64(len(data)) || last.Dossier != "001SOC" {
		t.Errorf("last write event %+v", last)
	}
	path := filepath.Join(dir, "f.pbf")
	os.WriteFile(path, buf.Bytes(), 0o644)
	events = nil
	if _, err := Read(context.Background(), path, ReadOptions{Progress: func(e dossier.Event) { events = append(events, e) }}, nil); err != nil {
		t.Fatal(err)
	}
	last = events[len(events)-1]
	if last.Phase != dossier.PhaseVerification || last.Done != int64(buf.Len()) || last.Total != int64(buf.Len()) {
		t.Errorf("last read event %+v", last)
	}
}

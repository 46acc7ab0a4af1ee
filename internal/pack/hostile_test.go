package pack

import (
	"archive/tar"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"filippo.io/age"

	"coffre/internal/dossier"
)

// buildContainer frames hand-made tar segments, one zstd frame each, as
// Write would; the segment numbered manifestFrame is where the index says
// the manifest starts.
func buildContainer(tb testing.TB, segments [][]byte, manifestFrame int) []byte {
	tb.Helper()
	out := encodeMarker(KindPBF)
	ix := &index{MarkerCRC: checksum(out)}
	for i, seg := range segments {
		comp := zstdCompress(tb, seg)
		if i == manifestFrame {
			ix.ManifestOff = int64(len(out))
		}
		ix.Frames = append(ix.Frames, frameRef{Off: int64(len(out)), Comp: uint32(len(comp)), RawLen: uint32(len(seg)), CRC: checksum(comp)})
		out = append(out, comp...)
	}
	return append(out, ix.encode()...)
}

func encryptBytes(tb testing.TB, b []byte) []byte {
	tb.Helper()
	r, _ := age.NewScryptRecipient("phrase")
	r.SetWorkFactor(scryptWorkFactor)
	var buf bytes.Buffer
	w, err := age.Encrypt(&buf, r)
	if err != nil {
		tb.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

// manifestJSON is a valid manifest listing the given parts.
func manifestJSON(tb testing.TB, parts ...Part) []byte {
	tb.Helper()
	m := testManifest()
	m.Format, m.Kind, m.Parts = FormatVersion, KindPBF, parts
	b, err := encodeManifest(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// tarSegment returns a tar stream of the given entries; end adds the
// end-of-archive blocks.
func tarSegment(end bool, entries ...func(*testTar)) []byte {
	var b bytes.Buffer
	tw := newTestTar(&b)
	for _, e := range entries {
		e(tw)
	}
	if end {
		tw.close()
	} else {
		tw.tw.Flush()
	}
	return b.Bytes()
}

func file(name string, data []byte) func(*testTar) {
	return func(t *testTar) { t.file(name, data) }
}

func TestHostileContainers(t *testing.T) {
	data := []byte("contenu du dossier")
	good := Part{Name: "dossier.db", Role: "database", Size: int64(len(data)), SHA256: sum(data)}
	manifest := file(manifestName, manifestJSON(t, good))
	withPart := func(p Part) func(*testTar) { return file(manifestName, manifestJSON(t, p)) }
	named := func(name string) [][]byte {
		return [][]byte{tarSegment(false, file(name, data)), tarSegment(true, manifest)}
	}
	cases := map[string]struct {
		segments      [][]byte
		manifestFrame int
	}{
		"valid":      {[][]byte{tarSegment(false, file("dossier.db", data)), tarSegment(true, manifest)}, 1},
		"dot dot":    {named("../x"), 1},
		"drive":      {named(`C:\x`), 1},
		"unc":        {named(`\\srv\x`), 1},
		"device":     {named("CON"), 1},
		"device ext": {named("com1.db"), 1},
		"dir":        {named("a/b"), 1},
		"absolute":   {named("/etc/passwd"), 1},
		"bad name in manifest": {[][]byte{tarSegment(false, file("../x", data)),
			tarSegment(true, withPart(Part{Name: "../x", Role: "database", Size: good.Size, SHA256: good.SHA256}))}, 1},
		"symlink": {[][]byte{tarSegment(false, func(t *testTar) {
			t.header(&tar.Header{Typeflag: tar.TypeSymlink, Name: "dossier.db", Linkname: "/etc/passwd"})
		}), tarSegment(true, manifest)}, 1},
		"directory": {[][]byte{tarSegment(false, func(t *testTar) {
			t.header(&tar.Header{Typeflag: tar.TypeDir, Name: "dossier.db", Mode: 0o755})
		}), tarSegment(true, manifest)}, 1},
		"huge size": {[][]byte{tarSegment(false, func(t *testTar) {
			t.header(&tar.Header{Typeflag: tar.TypeReg, Name: "dossier.db", Size: 1 << 60, Mode: 0o644})
			t.tw.Write(data)
		})[:512+len(data)], tarSegment(true, withPart(Part{Name: "dossier.db", Role: "database", Size: 1 << 60, SHA256: good.SHA256}))}, 1},
		"wrong sha256": {[][]byte{tarSegment(false, file("dossier.db", data)),
			tarSegment(true, withPart(Part{Name: "dossier.db", Role: "database", Size: good.Size, SHA256: sum([]byte("autre"))}))}, 1},
		"wrong size": {[][]byte{tarSegment(false, file("dossier.db", data)),
			tarSegment(true, withPart(Part{Name: "dossier.db", Role: "database", Size: good.Size + 1, SHA256: good.SHA256}))}, 1},
		"part not in manifest": {[][]byte{tarSegment(false, file("dossier.db", data), file("autre", data)), tarSegment(true, manifest)}, 1},
		"two manifests":        {[][]byte{tarSegment(false, file("dossier.db", data)), tarSegment(true, manifest, manifest)}, 1},
		"manifest twice, frames apart": {[][]byte{tarSegment(false, file("dossier.db", data), manifest),
			tarSegment(true, manifest)}, 1},
		"manifest not last":  {[][]byte{tarSegment(true, manifest, file("dossier.db", data))}, 0},
		"manifest first":     {[][]byte{tarSegment(false, manifest), tarSegment(true, file("dossier.db", data))}, 0},
		"no manifest":        {[][]byte{tarSegment(true, file("dossier.db", data))}, 0},
		"manifest mid-frame": {[][]byte{tarSegment(true, file("dossier.db", data), manifest)}, 0},
		"no end blocks":      {[][]byte{tarSegment(false, file("dossier.db", data)), tarSegment(false, manifest)}, 1},
		"data after end":     {[][]byte{tarSegment(false, file("dossier.db", data)), append(tarSegment(true, manifest), make([]byte, 512)...)}, 1},
		"manifest not json":  {[][]byte{tarSegment(false, file("dossier.db", data)), tarSegment(true, file(manifestName, []byte("{pas du json")))}, 1},
		"manifest kind differs": {[][]byte{tarSegment(false, file("dossier.db", data)), tarSegment(true, file(manifestName,
			bytes.Replace(manifestJSON(t, good), []byte(`"PBF"`), []byte(`"PAF"`), 1)))}, 1},
	}
	dir := t.TempDir()
	for name, c := range cases {
		for _, enc := range []bool{false, true} {
			b := buildContainer(t, c.segments, c.manifestFrame)
			pass := ""
			if enc {
				b, pass = encryptBytes(t, b), "phrase"
			}
			path := filepath.Join(dir, "f.pbf")
			os.WriteFile(path, b, 0o644)
			m, got, err := readAll(path, ReadOptions{Passphrase: pass})
			if name == "valid" {
				if err != nil || !bytes.Equal(got["dossier.db"], data) || m.Parts[0] != good {
					t.Errorf("valid (encrypted %v): %v", enc, err)
				}
				continue
			}
			if !errors.Is(err, dossier.ErrCorrupt) {
				t.Errorf("%s (encrypted %v): Read: %v", name, enc, err)
			}
			t.Logf("%s (encrypted %v): %v", name, enc, err)
		}
	}
}

func TestManifestJSONKeys(t *testing.T) {
	// The manifest's keys are the documented French ones.
	js, _ := encodeManifest(testManifest())
	var fields map[string]any
	json.Unmarshal(js, &fields)
	for _, k := range []string{"format", "type", "outil", "cree_le", "source", "dossier", "contenu", "sessions_ouvertes", "chiffre", "parties"} {
		if _, ok := fields[k]; !ok {
			t.Errorf("key %q missing from %s", k, js)
		}
	}
}

package pack

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"filippo.io/age"

	"coffre/internal/dossier"
)

func writeFor(t *testing.T, dir string, data []byte, opt WriteOptions) (string, WriteResult) {
	t.Helper()
	var buf bytes.Buffer
	opt.Workers = 2
	res, err := Write(context.Background(), &buf, testManifest(), []PartSource{{Name: "dossier.db", Role: "database", Size: int64(len(data)), R: bytes.NewReader(data)}}, opt)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, "001-SOC_20261121_2130.pbf")
	os.WriteFile(p, buf.Bytes(), 0o644)
	return p, res
}

// shell runs a pipeline with the real tools of the README.
func shell(t *testing.T, dir, script string, stdin string) {
	t.Helper()
	for _, tool := range []string{"age", "zstd", "tar", "script"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("COFFRE_SERVICES") == "1" {
				t.Fatalf("%s not installed", tool)
			}
			t.Skipf("%s not installed", tool)
		}
	}
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(stdin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
}

// A backup encrypted for an age X25519 public key: the writer needs no
// private key; the check identity returned opens it (for the verification
// after writing) and is in no file; the recipient's private key opens it in
// Coffre and with the README's pipeline `age -d -i | zstd -d | tar x`; a
// passphrase, or nothing, is answered by « pour une clé (X25519) », not « phrase
// incorrecte ».
func TestRecipientEncryption(t *testing.T) {
	dir := t.TempDir()
	key, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	data := pseudoText(3*ChunkSize+17, 5)
	path, res := writeFor(t, dir, data, WriteOptions{Recipient: key.Recipient().String()})
	if !IsIdentity(res.CheckIdentity) || res.CheckIdentity == key.String() || !res.Manifest.Encrypted {
		t.Fatalf("check identity %q, encrypted %v", res.CheckIdentity, res.Manifest.Encrypted)
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains(raw, []byte("dossier.db")) || bytes.Contains(raw, []byte(res.CheckIdentity)) {
		t.Fatal("the file is not encrypted, or holds its check identity")
	}
	for _, secret := range []string{res.CheckIdentity, key.String()} {
		if _, err := Inspect(context.Background(), path, ReadOptions{Passphrase: secret}); err != nil {
			t.Errorf("opened with %s…: %v", secret[:20], err)
		}
	}
	other, _ := age.GenerateX25519Identity()
	for _, c := range []struct{ secret, says string }{
		{"", "pour une clé (X25519)"}, {"une phrase secrète", "pour une clé (X25519)"}, {other.String(), "autre clé"},
	} {
		_, err := Inspect(context.Background(), path, ReadOptions{Passphrase: c.secret})
		if err == nil || !strings.Contains(err.Error(), c.says) || errors.Is(err, dossier.ErrCorrupt) {
			t.Errorf("secret %q: %v, want « %s »", c.secret, err, c.says)
		}
	}

	keyFile := filepath.Join(dir, "cle.txt")
	os.WriteFile(keyFile, []byte("# created: 2026-12-04\n# public key: "+key.Recipient().String()+"\n"+key.String()+"\n"), 0o600)
	if got, err := IdentityFromText(string(mustReadFile(t, keyFile))); err != nil || got != key.String() {
		t.Fatalf("identity file: %v", err)
	}
	shell(t, dir, "mkdir x && age -d -i cle.txt 001-SOC_20261121_2130.pbf | zstd -d | tar x -C x", "")
	if got := mustReadFile(t, filepath.Join(dir, "x", "dossier.db")); !bytes.Equal(got, data) {
		t.Fatal("age -d -i | zstd -d | tar x: dossier.db differs")
	}
}

// The passphrase pipeline of the README with the real age (it reads the
// phrase from a terminal: script gives it one).
func TestPassphrasePipelineWithAge(t *testing.T) {
	dir := t.TempDir()
	data := pseudoText(2*ChunkSize+5, 9)
	writeFor(t, dir, data, WriteOptions{Passphrase: "trois chats sur le toit"})
	shell(t, dir, "mkdir x && script -qec 'age -d -o plain.pbf 001-SOC_20261121_2130.pbf' /dev/null >/dev/null && zstd -d < plain.pbf | tar x -C x", "trois chats sur le toit\n")
	if got := mustReadFile(t, filepath.Join(dir, "x", "dossier.db")); !bytes.Equal(got, data) {
		t.Fatal("age -d | zstd -d | tar x: dossier.db differs")
	}
	if _, err := Inspect(context.Background(), filepath.Join(dir, "001-SOC_20261121_2130.pbf"), ReadOptions{Passphrase: mustIdentity(t)}); err == nil || !strings.Contains(err.Error(), "phrase secrète, pas pour une clé") {
		t.Errorf("a key for a passphrase file: %v", err)
	}
}

func mustIdentity(t *testing.T) string {
	id, err := age.GenerateX25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id.String()
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

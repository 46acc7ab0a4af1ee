package remote

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"
)

func need(t *testing.T, names ...string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, n := range names {
		v := os.Getenv(n)
		if v == "" {
			if os.Getenv("COFFRE_SERVICES") == "1" {
				t.Fatalf("%s is not set: scripts/services/sshd.sh should have started sshd", n)
			}
			t.Skipf("%s is not set (run through make test)", n)
		}
		out[n] = v
	}
	return out
}

func sftpOptions(t *testing.T) (SFTPOptions, string) {
	env := need(t, "COFFRE_TEST_SFTP_HOST", "COFFRE_TEST_SFTP_PORT", "COFFRE_TEST_SFTP_USER", "COFFRE_TEST_SFTP_KEY", "COFFRE_TEST_SFTP_DIR", "COFFRE_TEST_SFTP_HOSTKEY")
	port, _ := strconv.Atoi(env["COFFRE_TEST_SFTP_PORT"])
	return SFTPOptions{Host: env["COFFRE_TEST_SFTP_HOST"], Port: port, User: env["COFFRE_TEST_SFTP_USER"], KeyFile: env["COFFRE_TEST_SFTP_KEY"],
		KnownHosts: filepath.Join(t.TempDir(), "known_hosts"), Dir: filepath.Join(env["COFFRE_TEST_SFTP_DIR"], "remote-"+strings.ReplaceAll(t.Name(), "/", "_")+"-"+strconv.FormatInt(time.Now().UnixNano(), 36))}, env["COFFRE_TEST_SFTP_HOSTKEY"]
}

// The first connection is refused until the user trusts the server; the
// trust step records exactly the server's key; a changed key is refused.
func TestHostKeyTrust(t *testing.T) {
	o, hostKey := sftpOptions(t)
	ctx := context.Background()
	if _, err := DialSFTP(ctx, o); !errors.Is(err, ErrUnknownHost) || CauseOf(err) != CauseUnknownHost {
		t.Fatalf("unknown host: %v", err)
	}
	b, _ := os.ReadFile(hostKey)
	pub, _, _, _, err := ssh.ParseAuthorizedKey(b)
	if err != nil {
		t.Fatal(err)
	}
	want := ssh.FingerprintSHA256(pub)
	fp, known, err := HostKey(ctx, o)
	if err != nil || fp != want || known {
		t.Fatalf("HostKey = %s %v %v, want %s", fp, known, err, want)
	}
	if _, err := Trust(ctx, o, "SHA256:pasLaBonne"); !errors.Is(err, ErrHostKeyChanged) {
		t.Errorf("trust with the wrong fingerprint: %v", err)
	}
	if fp, err := Trust(ctx, o, want); err != nil || fp != want {
		t.Fatalf("trust: %s %v", fp, err)
	}
	s, err := DialSFTP(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	// Another key recorded for this address: refused, never replaced.
	other, _, _ := ed25519Key(t)
	line := strings.Fields(string(mustRead(t, o.KnownHosts)))[0] + " " + strings.TrimSpace(string(ssh.MarshalAuthorizedKey(other)))
	os.WriteFile(o.KnownHosts, []byte(line+"\n"), 0o600)
	if _, err := DialSFTP(ctx, o); !errors.Is(err, ErrHostKeyChanged) || CauseOf(err) != CauseHostKeyChanged {
		t.Errorf("changed key: %v", err)
	}
	if _, err := Trust(ctx, o, ""); !errors.Is(err, ErrHostKeyChanged) {
		t.Errorf("trust over a changed key: %v", err)
	}
}

// Key authentication, copy verified by read-back, rotation of owned files.
func TestSFTPCopyAndRotate(t *testing.T) {
	o, _ := sftpOptions(t)
	ctx := context.Background()
	if _, err := Trust(ctx, o, ""); err != nil {
		t.Fatal(err)
	}
	s, err := DialSFTP(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	testCopyAndRotate(t, s)
}

func TestFolderCopyAndRotate(t *testing.T) {
	testCopyAndRotate(t, Folder{Dir: t.TempDir()})
}

func testCopyAndRotate(t *testing.T, b Backend) {
	t.Helper()
	src := t.TempDir()
	var names []string
	for i := 1; i <= 4; i++ {
		name := "001-SOC_2026030" + strconv.Itoa(i) + "_2130.pbf"
		p := filepath.Join(src, name)
		os.WriteFile(p, []byte(strings.Repeat("sauvegarde ", 1000*i)), 0o644)
		res := Copy(context.Background(), b, p, CopyOptions{})
		if res.Status != Validated || res.Attempts != 1 {
			t.Fatalf("copy %s: %+v", name, res)
		}
		names = append(names, name)
	}
	all, err := Backups(b)
	if err != nil || len(all["001-SOC"]) != 4 || all["001-SOC"][0].Name != names[3] {
		t.Fatalf("backups: %+v %v", all, err)
	}
	removed, err := Rotate(b, "001-SOC", 2, func(n string) bool { return n != names[0] })
	if err != nil || len(removed) != 1 || removed[0] != names[1] {
		t.Errorf("rotate removed %v %v, want only %s (the oldest is not ours)", removed, err, names[1])
	}
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

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

	"coffre/internal/testenv"
)

func sftpOptions(t *testing.T) (SFTPOptions, string) {
	env := testenv.Need(t, "COFFRE_TEST_SFTP_HOST", "COFFRE_TEST_SFTP_PORT", "COFFRE_TEST_SFTP_USER", "COFFRE_TEST_SFTP_KEY", "COFFRE_TEST_SFTP_DIR", "COFFRE_TEST_SFTP_HOSTKEY")
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
func TestSFTPCopyAndList(t *testing.T) {
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
	testCopyAndList(t, s)
}

func TestFolderCopyAndList(t *testing.T) {
	testCopyAndList(t, Folder{Dir: t.TempDir()})
}

func testCopyAndList(t *testing.T, b Backend) {
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
}

func mustRead(t *testing.T, p string) []byte {
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

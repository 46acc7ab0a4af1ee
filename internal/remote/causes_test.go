package remote

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"

	"coffre/internal/i18n"
	"coffre/internal/testenv"
)

// trusted returns options for the test sshd whose key is already trusted.
func trusted(t *testing.T) SFTPOptions {
	t.Helper()
	o, _ := sftpOptions(t)
	if _, err := Trust(context.Background(), o, ""); err != nil {
		t.Fatal(err)
	}
	return o
}

func randomFile(t *testing.T, name string, size int) string {
	t.Helper()
	b := make([]byte, size)
	rand.Read(b)
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// wantCause checks the cause and that the sentence shown is French and
// free of the library's words.
func wantCause(t *testing.T, what string, err error, c Cause, french string) {
	t.Helper()
	msg := i18n.Describe(err)
	if CauseOf(err) != c || !strings.Contains(msg, french) {
		t.Errorf("%s: cause %q, message %q; want %q with « %s »", what, CauseOf(err), msg, c, french)
	}
	for _, raw := range []string{"SSH_FX", "sftp: ", "dial tcp", "ssh:", "Erreur inattendue"} {
		if strings.Contains(msg, raw) {
			t.Errorf("%s: raw text %q in %q", what, raw, msg)
		}
	}
}

// Each offsite failure is told apart: the service titles and advises its
// mails from the cause (before, all of them were « endommagée »).
func TestCausesSFTP(t *testing.T) {
	o := trusted(t)
	ctx := context.Background()

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := o
	closed.Port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	_, err = DialSFTP(ctx, closed)
	wantCause(t, "closed port", err, CauseRefused, "refuse la connexion")

	_, priv, _ := ed25519Key(t)
	block, err := ssh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	stranger := o
	stranger.KeyFile = filepath.Join(t.TempDir(), "cle")
	os.WriteFile(stranger.KeyFile, pem.EncodeToMemory(block), 0o600)
	_, err = DialSFTP(ctx, stranger)
	wantCause(t, "unknown user key", err, CauseAuth, "refuse l'utilisateur")

	s, err := DialSFTP(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Open("absente.pbf")
	wantCause(t, "missing file", err, CauseNotFound, "Introuvable")

	// A folder the SFTP user may not write to.
	ro := o
	ro.Dir = o.Dir + "-lecture"
	if err := os.MkdirAll(ro.Dir, 0o555); err != nil {
		t.Fatal(err)
	}
	os.Chmod(ro.Dir, 0o555)
	s2, err := DialSFTP(ctx, ro)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	res := Copy(ctx, s2, randomFile(t, "001-SOC_20260301_2130.pbf", 1000), CopyOptions{})
	if res.Status != Failed || res.Attempts != 1 {
		t.Errorf("copy into a read-only folder: %+v", res)
	}
	wantCause(t, "read-only folder", res.Err, CausePermission, "Accès refusé sur")
}

// A full SFTP folder answers SSH_FX_FAILURE; the server's free space
// (statvfs@openssh.com) makes it « espace insuffisant », sent only once,
// with nothing left behind; removing a copy (RemoveCopy) makes room.
func TestDiskFullSFTP(t *testing.T) {
	env := testenv.Need(t, "COFFRE_TEST_SFTP_FULLDIR")
	o := trusted(t)
	o.Dir = filepath.Join(env["COFFRE_TEST_SFTP_FULLDIR"], "sftp-"+strconv.FormatInt(int64(os.Getpid()), 10))
	s, err := DialSFTP(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	defer os.RemoveAll(o.Dir)
	testDiskFull(t, s)
}

func TestDiskFullFolder(t *testing.T) {
	env := testenv.Need(t, "COFFRE_TEST_SFTP_FULLDIR")
	dir := filepath.Join(env["COFFRE_TEST_SFTP_FULLDIR"], "dossier-"+strconv.FormatInt(int64(os.Getpid()), 10))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	testDiskFull(t, Folder{Dir: dir})
}

// testDiskFull fills a 2 MiB file system with one copy, then sends another.
func testDiskFull(t *testing.T, b Backend) {
	t.Helper()
	ctx := context.Background()
	first := Copy(ctx, b, randomFile(t, "001-SOC_20260301_2130.pbf", 1200<<10), CopyOptions{})
	if first.Status != Validated {
		t.Fatalf("first copy: %+v", first)
	}
	second := Copy(ctx, b, randomFile(t, "001-SOC_20260302_2130.pbf", 1200<<10), CopyOptions{})
	if second.Status != Failed || second.Attempts != 1 {
		t.Errorf("copy to a full disk: %+v", second)
	}
	wantCause(t, "full disk", second.Err, CauseNoSpace, "Espace insuffisant sur")
	files, err := b.List()
	if err != nil || len(files) != 1 || files[0].Name != first.Name || files[0].Size != first.Size {
		t.Fatalf("after the failed copy: %+v %v, want only %s", files, err, first.Name)
	}
	if err := RemoveCopy(b, "dossier.txt"); err == nil {
		t.Error("RemoveCopy accepted a name Coffre did not write")
	}
	if err := RemoveCopy(b, first.Name); err != nil {
		t.Fatal(err)
	}
	if again := Copy(ctx, b, randomFile(t, "001-SOC_20260302_2130.pbf", 1200<<10), CopyOptions{}); again.Status != Validated {
		t.Errorf("copy once room was made: %+v", again)
	}
}

// Causes that only a real network outside this machine produces, read from
// the errors the standard library returns for them.
func TestClassify(t *testing.T) {
	for _, c := range []struct {
		err  error
		want Cause
	}{
		{&net.OpError{Op: "dial", Err: &net.DNSError{Err: "no such host", Name: "nas.example", IsNotFound: true}}, CauseHostNotFound},
		{&net.OpError{Op: "dial", Err: &net.DNSError{Err: "timeout", Name: "nas.example", IsTimeout: true}}, CauseUnreachable},
		{fmt.Errorf("Get: %w", x509.UnknownAuthorityError{}), CauseTLS},
		{fmt.Errorf("Get: %w", x509.HostnameError{Certificate: &x509.Certificate{}, Host: "nas"}), CauseTLS},
		{errors.New("something else"), CauseOther},
	} {
		err := fail(OpConnect, "nas.example", "", c.err)
		if CauseOf(err) != c.want || strings.Contains(i18n.Describe(err), "Erreur inattendue") && c.want != CauseOther {
			t.Errorf("%v: cause %q (%s), want %q", c.err, CauseOf(err), i18n.Describe(err), c.want)
		}
	}
	if CauseOf(nil) != "" || CauseOf(context.Canceled) != CauseOther || fail(OpWrite, "x", "", context.Canceled) != context.Canceled {
		t.Error("nil and cancellation must pass through")
	}
}

package i18n

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// checkSentence: Describe gives the French sentence with its advice, and
// no trace of the Go error's own text.
func checkSentence(t *testing.T, what string, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("%s: no error", what)
	}
	got := Describe(err)
	if !strings.Contains(got, want) {
		t.Errorf("%s: Describe(%v) = %q, want it to contain %q", what, err, got, want)
	}
	for _, raw := range []string{"dial tcp", "lookup", "no such host", "connection refused", "i/o timeout", "x509", "read-only file system", "Erreur inattendue"} {
		if strings.Contains(got, raw) {
			t.Errorf("%s: %q shows the Go error (%q)", what, got, raw)
		}
	}
}

// TestSystemErrorsInFrench meets each condition for real — a closed port,
// a name that cannot exist, a server that never answers, a certificate no
// one signed — and reads the sentence a person gets.
func TestSystemErrorsInFrench(t *testing.T) {
	SetLanguage("fr")

	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = net.DialTimeout("tcp", addr, 5*time.Second)
	checkSentence(t, "closed port", err, "Le serveur "+addr+" refuse la connexion (service arrêté ou mauvais port)\u00a0: vérifiez")

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err = (&net.Dialer{}).DialContext(ctx, "tcp", "nonexistent.invalid:25")
	checkSentence(t, "unknown host", err, "Le serveur «\u00a0nonexistent.invalid\u00a0» est introuvable")

	silent, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	c, err := net.Dial("tcp", silent.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	_, err = c.Read(make([]byte, 1))
	checkSentence(t, "server that never answers", err, "ne répond pas dans le délai imparti")

	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	_, err = (&http.Client{Timeout: 10 * time.Second}).Get(srv.URL)
	checkSentence(t, "self-signed certificate", err, "Le certificat de sécurité du serveur n'est pas reconnu")

	_, err = os.Open(filepath.Join(t.TempDir(), "absent.pbf"))
	checkSentence(t, "missing file", err, "Fichier ou dossier introuvable")
}

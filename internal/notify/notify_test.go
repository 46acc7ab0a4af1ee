package notify

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"coffre/internal/config"
	"coffre/internal/employes"
)

func smtpFromEnv(t *testing.T) SMTP {
	t.Helper()
	var v [5]string
	for i, n := range []string{"COFFRE_TEST_SMTP_HOST", "COFFRE_TEST_SMTP_PORT", "COFFRE_TEST_SMTP_USER", "COFFRE_TEST_SMTP_PASSWORD", "COFFRE_TEST_SMTP_DIR"} {
		if v[i] = os.Getenv(n); v[i] == "" {
			if os.Getenv("COFFRE_SERVICES") == "1" {
				t.Fatalf("%s is not set: scripts/services/smtp.sh should have started the SMTP server", n)
			}
			t.Skipf("%s is not set (run through make test)", n)
		}
	}
	port, _ := strconv.Atoi(v[1])
	return SMTP{Host: v[0], Port: port, Security: config.SecuriteAucune, User: v[2], Password: v[3], From: "coffre@coffre.test"}
}

// received returns the raw messages the test server wrote for address.
func received(t *testing.T, address string) []string {
	t.Helper()
	dir := os.Getenv("COFFRE_TEST_SMTP_DIR")
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
		if strings.Contains(string(b), "X-Envelope-To: "+address) {
			out = append(out, string(b))
		}
	}
	return out
}

func TestSendTestEmail(t *testing.T) {
	s := smtpFromEnv(t)
	to := "test-" + strconv.FormatInt(time.Now().UnixNano(), 36) + "@coffre.test"
	if err := SendTest(context.Background(), s, []string{to}, "POSTE-1"); err != nil {
		t.Fatal(err)
	}
	got := received(t, to)
	if len(got) != 1 || !strings.Contains(got[0], "multipart/alternative") || !strings.Contains(got[0], "text/html") {
		t.Fatalf("received %d messages:\n%v", len(got), got)
	}
	if strings.Contains(got[0], s.Password) {
		t.Errorf("the password is in the message")
	}

	// A wrong password: refused, and the error does not carry it.
	bad := s
	bad.Password = "Mauvais-" + s.Password
	err := SendTest(context.Background(), bad, []string{to}, "POSTE-1")
	if err == nil || strings.Contains(err.Error(), bad.Password) {
		t.Errorf("wrong password: %v", err)
	}

	// A failed alert is queued and sent by the next flush.
	q := Queue{Dir: t.TempDir()}
	down := s
	down.Port = 1
	if sent, note := Deliver(context.Background(), down, q, Compose(Report{Kind: BackupOK, Poste: "P", Debut: time.Now()}, []string{to})); sent || note.String() == "" || q.Len() != 1 {
		t.Fatalf("deliver while down: %v %q %d", sent, note, q.Len())
	}
	if sent, notes := q.Flush(context.Background(), s, time.Now()); sent != 1 || len(notes) != 0 || q.Len() != 0 {
		t.Errorf("flush: %d %v", sent, notes)
	}
	if n := len(received(t, to)); n != 2 {
		t.Errorf("%d messages, want 2", n)
	}
}

func TestComposeFrench(t *testing.T) {
	r := Report{Kind: BackupFailed, Poste: "ACCUEIL", Debut: time.Date(2026, 11, 21, 21, 30, 0, 0, time.Local), Dossiers: []Dossier{
		{Numero: "001", Nom: "SOC", Fichier: "/s/001-SOC_20261121_2130.pbf", Taille: 2 << 20, Duree: 3 * time.Second, Verifiee: true, DerniereEcriture: "2026-11-20", Sessions: []string{"POSTE2 (paul, Gestion)"}},
		{Numero: "002", Nom: "BOULANG", Erreur: "Le dossier 002 est endommagé <script>"},
	}}
	m := Compose(r, []string{"a@b.fr"})
	if m.Subject != "[Coffre] Sauvegarde échouée — 1 dossier en échec (ACCUEIL)" {
		t.Errorf("subject %q", m.Subject)
	}
	for _, want := range []string{"ÉCHOUÉ", "001-SOC_20261121_2130.pbf", "20/11/2026", "POSTE2 (paul, Gestion)", "ERREUR : Le dossier 002", "Que faire"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.HTML, "<script>") || !strings.Contains(m.HTML, "&lt;script&gt;") {
		t.Errorf("HTML not escaped")
	}
}

func TestRecipients(t *testing.T) {
	emp := []employes.Employee{{Email: "a@x.fr", Alert: true}, {Email: "b@x.fr"}, {Email: "A@x.fr", Alert: true}, {Alert: true}}
	got := Recipients(config.Destinataire{Employes: true, Adresses: []string{"presta@y.fr", "a@x.fr"}}, emp)
	if strings.Join(got, ",") != "a@x.fr,presta@y.fr" {
		t.Errorf("got %v", got)
	}
}

// A mail server out of reach is said in French, not as the library's
// « dial failed: … connection refused ».
func TestSMTPErrorsInFrench(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	s := SMTP{Host: "127.0.0.1", Port: port, Security: config.SecuriteAucune, From: "coffre@coffre.test", Timeout: 5 * time.Second}
	err = s.Send(context.Background(), Compose(Report{Kind: Test, Poste: "P", Debut: time.Now()}, []string{"a@coffre.test"}))
	if err == nil || !strings.Contains(err.Error(), "le serveur d'e-mail 127.0.0.1:") || !strings.Contains(err.Error(), "injoignable") || strings.Contains(err.Error(), "dial") {
		t.Errorf("got %v", err)
	}
}

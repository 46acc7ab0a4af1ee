package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"coffre/internal/config"
	"coffre/internal/dossiertest"
	"coffre/internal/employes"
	"coffre/internal/remote"
	"coffre/internal/testenv"
)

func randHex(t *testing.T) string {
	t.Helper()
	var b [5]byte
	if _, err := rand.Read(b[:]); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b[:])
}

// world is one isolated Coffre installation: config, data, a connexion
// with two dossiers, a destination folder.
type world struct {
	root, cfgDir, dataDir, conn, dest string
	cfgPath                           string
	cfg                               config.Config
	eng                               *Engine
	clock                             time.Time
	rcpt                              []string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	root := t.TempDir()
	w := &world{root: root, cfgDir: filepath.Join(root, "config"), dataDir: filepath.Join(root, "data"),
		conn: filepath.Join(root, "dossiers"), dest: filepath.Join(root, "sauvegardes")}
	for _, d := range []string{w.cfgDir, w.dataDir, w.conn, w.dest} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv("COFFRE_CONFIG", w.cfgDir)
	t.Setenv("COFFRE_DATA", w.dataDir)
	t.Setenv("COFFRE_TROUSSEAU", "fichier")
	dossiertest.BuildV1(t, filepath.Join(w.conn, "001SOC.db"), dossiertest.WithSession("POSTE-COMPTA", "marie", "Gestion 2026"))
	dossiertest.BuildV1(t, filepath.Join(w.conn, "002BOULANG.db"), dossiertest.WithNumero("002"), dossiertest.WithNom("BOULANG"),
		dossiertest.WithIdentifiant("0b7e6f1c-2a4e-4c3e-8a21-9b7d0d5e7f9b"))
	w.cfgPath = filepath.Join(w.cfgDir, config.FileName)
	w.cfg = config.Default()
	w.cfg.Auto.Active = true
	w.cfg.Auto.Connexion = w.conn
	w.cfg.Auto.Destination = w.dest
	w.clock = time.Date(2026, 3, 2, 21, 30, 0, 0, time.Local)
	w.eng = New(w.cfgPath)
	w.eng.Poste = "POSTE-TEST"
	w.eng.Now = func() time.Time { return w.clock }
	w.eng.Employees = func() ([]employes.Employee, error) { return nil, nil }
	return w
}

func (w *world) save(t *testing.T) {
	t.Helper()
	if err := config.Save(w.cfgPath, w.cfg); err != nil {
		t.Fatal(err)
	}
}

// withSFTP points the offsite copy at the test sshd (password auth, the
// password in the secrets), in a folder of its own, and trusts the server.
func (w *world) withSFTP(t *testing.T) (remoteDir string, pw string) {
	t.Helper()
	env := testenv.Need(t, "COFFRE_TEST_SFTP_HOST", "COFFRE_TEST_SFTP_PORT", "COFFRE_TEST_SFTP_USER", "COFFRE_TEST_SFTP_PASSWORD", "COFFRE_TEST_SFTP_DIR")
	port, _ := strconv.Atoi(env["COFFRE_TEST_SFTP_PORT"])
	remoteDir = filepath.Join(env["COFFRE_TEST_SFTP_DIR"], "t-"+randHex(t))
	w.cfg.Distant = config.Distant{Type: config.DistantSFTP, Hote: env["COFFRE_TEST_SFTP_HOST"], Port: port,
		Utilisateur: env["COFFRE_TEST_SFTP_USER"], Authentication: config.AuthMotDePasse, Chemin: remoteDir, Conserver: 7}
	pw = env["COFFRE_TEST_SFTP_PASSWORD"]
	if err := w.eng.Secrets.Set(config.SecretSFTP, pw); err != nil {
		t.Fatal(err)
	}
	o, err := remote.Options(w.cfg.Distant, w.eng.Secrets)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := remote.Trust(context.Background(), o, ""); err != nil {
		t.Fatal(err)
	}
	// Connecting once creates the folder, owned by the SFTP user.
	be, err := remote.Open(context.Background(), w.cfg.Distant, w.eng.Secrets)
	if err != nil {
		t.Fatal(err)
	}
	be.Close()
	return remoteDir, pw
}

// withSMTP sends the alerts through the test SMTP server to two addresses
// unique to this test (one from an employee with « Alerte e-mail »).
func (w *world) withSMTP(t *testing.T) (pw string) {
	t.Helper()
	env := testenv.Need(t, "COFFRE_TEST_SMTP_HOST", "COFFRE_TEST_SMTP_PORT", "COFFRE_TEST_SMTP_USER", "COFFRE_TEST_SMTP_PASSWORD", "COFFRE_TEST_SMTP_DIR")
	port, _ := strconv.Atoi(env["COFFRE_TEST_SMTP_PORT"])
	id := randHex(t)
	w.rcpt = []string{"gerante-" + id + "@coffre.test", "presta-" + id + "@coffre.test"}
	w.cfg.Email = config.Email{Active: true, Hote: env["COFFRE_TEST_SMTP_HOST"], Port: port, Securite: config.SecuriteAucune,
		Utilisateur: env["COFFRE_TEST_SMTP_USER"], Expediteur: "coffre@coffre.test"}
	w.cfg.Destinataire = config.Destinataire{Employes: true, Adresses: []string{w.rcpt[1]}}
	w.eng.Employees = func() ([]employes.Employee, error) {
		return []employes.Employee{
			{Name: "Gérante", Email: w.rcpt[0], Alert: true},
			{Name: "Stagiaire", Email: "stagiaire-" + id + "@coffre.test", Alert: false},
		}, nil
	}
	pw = env["COFFRE_TEST_SMTP_PASSWORD"]
	if err := w.eng.Secrets.Set(config.SecretSMTP, pw); err != nil {
		t.Fatal(err)
	}
	return pw
}

// received is one message the test SMTP server wrote.
type received struct {
	EnvelopeTo []string
	To         string
	Subject    string
	Text, HTML string
}

// mails returns the messages received for address, oldest first.
func mails(t *testing.T, address string) []received {
	t.Helper()
	dir := os.Getenv("COFFRE_TEST_SMTP_DIR")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []received
	dec := new(mime.WordDecoder)
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".eml") || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		m, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		env := strings.Split(m.Header.Get("X-Envelope-To"), ", ")
		found := false
		for _, a := range env {
			found = found || a == address
		}
		if !found {
			continue
		}
		subj, err := dec.DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			t.Fatal(err)
		}
		r := received{EnvelopeTo: env, To: m.Header.Get("To"), Subject: subj}
		readParts(t, m.Header.Get("Content-Type"), m.Body, &r)
		out = append(out, r)
	}
	return out
}

func readParts(t *testing.T, ctype string, body io.Reader, r *received) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(ctype)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		t.Fatalf("message is %s, want multipart", mt)
	}
	mr := multipart.NewReader(body, params["boundary"])
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		pt, _, _ := mime.ParseMediaType(p.Header.Get("Content-Type"))
		if strings.HasPrefix(pt, "multipart/") {
			readParts(t, p.Header.Get("Content-Type"), p, r)
			continue
		}
		var rd io.Reader = p
		switch strings.ToLower(p.Header.Get("Content-Transfer-Encoding")) {
		case "quoted-printable":
			rd = quotedprintable.NewReader(p)
		case "base64":
			b, _ := io.ReadAll(p)
			dec, err := decodeBase64(b)
			if err != nil {
				t.Fatal(err)
			}
			rd = bytes.NewReader(dec)
		}
		b, _ := io.ReadAll(rd)
		switch pt {
		case "text/plain":
			r.Text = string(b)
		case "text/html":
			r.HTML = string(b)
		}
	}
}

// pbfs lists the .pbf files of dir whose name starts with prefix, sorted.
func pbfs(t *testing.T, dir, prefix string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), prefix) && strings.HasSuffix(e.Name(), ".pbf") {
			out = append(out, e.Name())
		}
	}
	return out
}

func decodeBase64(b []byte) ([]byte, error) {
	return base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(b)))
}

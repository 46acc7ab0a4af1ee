//go:build unix

package faulttest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"unicode/utf16"
)

// The sentinels: secrets no file, message or crash output may ever hold.
const (
	sentinelPhrase = "Sentinelle-Phrase-7f3a9c1e"
	sentinelSMTP   = "Sentinelle-SMTP-4b8d2e60"
	sentinelSFTP   = "Sentinelle-SFTP-91c5a7f3"
	sentinelODBC   = "Sentinelle-ODBC-2e6f0b84"
)

// forms are the ways a secret could leak: as is, in UTF-16 (Windows
// APIs), base64 and hex.
func forms(s string) [][]byte {
	var u16 bytes.Buffer
	for _, r := range utf16.Encode([]rune(s)) {
		u16.WriteByte(byte(r))
		u16.WriteByte(byte(r >> 8))
	}
	return [][]byte{[]byte(s), u16.Bytes(), []byte(base64.StdEncoding.EncodeToString([]byte(s))), []byte(base64.RawURLEncoding.EncodeToString([]byte(s))), []byte(hex.EncodeToString([]byte(s)))}
}

// TestSecretsNeverWritten runs every operation with a passphrase, SMTP,
// SFTP and ODBC passwords that are sentinels, plus a crash dump (SIGABRT)
// in the middle of an encrypted backup, then looks for the sentinels, in
// every form, in every file of the data, configuration, connexion,
// destination and temp folders and in every output: they are only in the
// files the test wrote them into.
func TestSecretsNeverWritten(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	secrets := filepath.Join(t.TempDir(), "secrets") // the inputs, outside the world
	mkdir(t, secrets)
	file := func(name, content string) string {
		p := filepath.Join(secrets, name)
		writeFile(t, p, []byte(content+"\n"))
		return p
	}
	phrase, wrong := file("phrase", sentinelPhrase), file("mauvaise", sentinelPhrase+"-faux")
	smtp, sftp, odbc := file("smtp", sentinelSMTP), file("sftp", sentinelSFTP), file("odbc", sentinelODBC)

	var outputs bytes.Buffer
	run := func(wantOK bool, args ...string) {
		t.Helper()
		code, out, errOut := w.run(args...)
		outputs.WriteString(out + errOut)
		if (code == 0) != wantOK {
			t.Fatalf("coffre %s: exit %d\n%s%s", strings.Join(args, " "), code, out, errOut)
		}
	}
	// Each use of the passphrase costs a real scrypt (a second, ten under
	// -race): one of each kind.
	run(true, "sauvegarder", "--connexion", w.conn, "--dossier", "1", "--vers", w.dest, "--nom", "chiffree", "--phrase-secrete-fichier", phrase)
	enc := filepath.Join(w.dest, "chiffree.pbf")
	run(true, "verifier", enc, "--complet", "--phrase-secrete-fichier", phrase)
	run(false, "verifier", enc, "--phrase-secrete-fichier", wrong)
	run(true, "restaurer", enc, "--connexion", w.conn, "--remplacer", "--securite", w.safety, "--phrase-secrete-fichier", phrase)
	for _, op := range operations {
		if op.model == nil && op.name != "restaurer-nouveau-numero" {
			run(true, op.args(w)...)
		}
	}
	run(true, "liste", "--connexion", w.conn, "--sauvegardes", w.dest)
	// A server that does not answer: the error names it without its password.
	odbcConn := "odbc:Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=9;Database=x;Uid=u"
	run(false, "exporter", "--connexion", odbcConn, "--dossier", "1", "--utilisateur", "u", "--mot-de-passe-fichier", odbc)
	run(false, "liste", "--connexion", odbcConn+";Pwd="+sentinelODBC)

	// The automatic service: passwords stored out of coffre.toml, then a
	// run whose offsite copy and e-mail fail (nobody listens).
	run(true, "service", "--mot-de-passe-smtp-fichier", smtp, "--mot-de-passe-sftp-fichier", sftp)
	cfg := filepath.Join(w.config, "coffre.toml")
	writeFile(t, cfg, []byte(`[sauvegarde_automatique]
active = true
connexion = "`+w.conn+`"
dossiers = ["001"]
destination = "`+w.dest+`"
conserver = 3

[copie_distante]
type = "sftp"
hote = "127.0.0.1"
port = 9
utilisateur = "coffre"
authentification = "mot_de_passe"
chemin = "/sauvegardes"
conserver = 2

[email]
active = true
hote = "127.0.0.1"
port = 9
securite = "aucune"
utilisateur = "coffre"
expediteur = "coffre@example.fr"

[destinataires]
adresses = ["cabinet@example.fr"]
`))
	code, out, errOut := w.run("service", "--une-fois", "--maintenant", "--sans-icone", "--config", cfg)
	outputs.WriteString(out + errOut)
	t.Logf("service --une-fois: exit %d: %s", code, strings.TrimSpace(errOut))

	// A crash dump in the middle of an encrypted backup: the runtime
	// prints every goroutine's stack.
	p := w.start("sauvegarder", "--connexion", w.conn, "--dossier", "1", "--vers", w.dest, "--verifier", "--phrase-secrete-fichier", phrase)
	p.Next()
	p.Ack()
	if _, ok := p.Next(); !ok {
		t.Fatalf("backup ended before its second event: %s", p.Stderr.String())
	}
	p.Signal(syscall.SIGABRT)
	p.Ack()
	p.Wait()
	dump := p.Stdout.String() + p.Stderr.String()
	if !strings.Contains(dump, "goroutine") {
		t.Fatalf("no crash dump (events %q):\n%s", p.Events, dump)
	}
	outputs.WriteString(dump)

	noSecret(t, w.root, outputs.Bytes(), sentinelPhrase, sentinelSMTP, sentinelSFTP, sentinelODBC)
}

// noSecret fails if any of secrets, in any of its forms, is in output or
// in a file under root.
func noSecret(t testing.TB, root string, output []byte, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		for _, f := range forms(s) {
			if bytes.Contains(output, f) {
				t.Errorf("%q (as %q) in the outputs", s, f)
			}
		}
	}
	files := 0
	filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		files++
		b, err := os.ReadFile(path)
		if err != nil {
			return nil
		}
		for _, s := range secrets {
			for _, f := range forms(s) {
				if bytes.Contains(b, f) {
					t.Errorf("%q (as %q) in %s", s, f, path)
				}
			}
		}
		return nil
	})
	t.Logf("%d files and %d bytes of output searched", files, len(output))
}

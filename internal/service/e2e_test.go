package service

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The real coffre binary: `service --une-fois --maintenant --config F`
// backs up, copies offsite and mails; `surveiller` then finds the copies
// fresh (exit 0), and reports « sauvegarde non reçue » (exit 1) for a
// dossier chosen in the configuration that never arrived.
func TestBinaryServiceAndWatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the coffre binary")
	}
	w := newWorld(t)
	remoteDir, sftpPW := w.withSFTP(t)
	w.withSMTP(t)
	w.cfg.Destinataire.Employes = false // the binary reads the real employees file
	w.cfg.Destinataire.Adresses = w.rcpt
	w.save(t)

	bin := filepath.Join(t.TempDir(), "coffre")
	build := exec.Command("go", "build", "-o", bin, "coffre")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	coffre := func(args ...string) (string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "COFFRE_CONFIG="+w.cfgDir, "COFFRE_DATA="+w.dataDir, "COFFRE_TROUSSEAU=fichier", "LANG=fr_FR.UTF-8")
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), code
	}
	out, code := coffre("service", "--une-fois", "--maintenant", "--config", w.cfgPath)
	if code != 0 || !strings.Contains(out, "Sauvegarde réussie") || !strings.Contains(out, "copie distante reçue et validée") {
		t.Fatalf("service exit %d:\n%s", code, out)
	}
	if strings.Contains(out, sftpPW) {
		t.Errorf("password printed")
	}
	if got := pbfs(t, remoteDir, ""); len(got) != 2 {
		t.Errorf("offsite: %v", got)
	}
	if n := len(mails(t, w.rcpt[0])); n != 2 {
		t.Errorf("%d mails received, want 2", n)
	}
	if out, code := coffre("surveiller", "--config", w.cfgPath); code != 0 {
		t.Errorf("fresh copies reported stale (exit %d):\n%s", code, out)
	}

	w.cfg.Auto.Dossiers = []string{"001", "002", "003"}
	w.save(t)
	out, code = coffre("surveiller", "--config", w.cfgPath)
	if code == 0 || !strings.Contains(out, "sauvegarde non reçue : 003") {
		t.Errorf("missing dossier not reported (exit %d):\n%s", code, out)
	}
	var nonRecue int
	for _, m := range mails(t, w.rcpt[1]) {
		if strings.HasPrefix(m.Subject, "[Coffre] Sauvegarde non reçue") {
			nonRecue++
		}
	}
	if nonRecue != 1 {
		t.Errorf("%d « non reçue » alerts, want 1", nonRecue)
	}

	// Engine level: with the clock two days ahead, the copies are too old.
	w.eng.Now = func() time.Time { return time.Now().Add(48 * time.Hour) }
	rep, err := w.eng.Watch(t.Context())
	if err != nil || len(rep.Stale) != 3 {
		t.Errorf("watch two days later: %+v %v", rep.Stale, err)
	}
}

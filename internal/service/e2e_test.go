package service

import (
	"bytes"
	"coffre/internal/config"
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
	if code == 0 || !strings.Contains(out, "sauvegarde non reçue : 003") {
		t.Errorf("missing dossier not reported (exit %d):\n%s", code, out)
	}
	var nonRecue int
	for _, m := range mails(t, w.rcpt[1]) {
		if strings.HasPrefix(m.Subject, "[Coffre] Sauvegarde non reçue") {
			nonRecue++
		}
	}
	if nonRecue != 1 {
		t.Errorf("%d « non reçue » alerts, want 1", nonRecue)
	}

	// `verifier --distant` re-reads every copy; one damaged on the server
	// is named, and the exit code says so.
	out, code = coffre("verifier", "--distant", "--config", w.cfgPath)
	if code != 0 || strings.Count(out, ": intacte") != 2 {
		t.Errorf("verifier --distant (exit %d):\n%s", code, out)
	}
	copies := pbfs(t, remoteDir, "001-")
	f, err := os.OpenFile(filepath.Join(remoteDir, copies[0]), os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteAt([]byte("ALTÉRÉ"), 300)
	f.Close()
	out, code = coffre("verifier", "--distant", "--config", w.cfgPath)
	if code == 0 || !strings.Contains(out, copies[0]+" : ENDOMMAGÉE") {
		t.Errorf("a damaged copy not reported by verifier --distant (exit %d):\n%s", code, out)
	}

	// #11.9: the server out of reach is an alert for the watch, mailed.
	good := w.cfg.Distant.Port
	w.cfg.Distant.Port = closedPort(t)
	w.save(t)
	out, code = coffre("surveiller", "--config", w.cfgPath)
	if code == 0 || !strings.Contains(out, "Surveillance impossible") || !strings.Contains(out, "refuse la connexion") {
		t.Errorf("watch of an unreachable server (exit %d):\n%s", code, out)
	}
	lastMail(t, w.rcpt[1], "[Coffre] Surveillance impossible : la destination distante ne répond pas")
	w.cfg.Distant.Port = good

	// #11.9: no offsite copy configured: said in French, exit non-zero.
	dist := w.cfg.Distant
	w.cfg.Distant = config.Distant{Conserver: 7}
	w.save(t)
	out, code = coffre("surveiller", "--config", w.cfgPath)
	if code == 0 || !strings.Contains(out, "Aucune copie distante n'est configurée") || strings.Contains(out, "remote:") {
		t.Errorf("watch without an offsite copy (exit %d):\n%s", code, out)
	}
	// #11.9: no coffre.toml at all: said, exit non-zero — not « Rien à
	// sauvegarder ».
	missing := filepath.Join(t.TempDir(), "coffre.toml")
	for _, args := range [][]string{{"service", "--une-fois", "--config", missing}, {"surveiller", "--config", missing}} {
		out, code = coffre(args...)
		if code == 0 || !strings.Contains(out, "Aucune configuration de sauvegarde automatique") || strings.Contains(out, "Rien à sauvegarder") {
			t.Errorf("%v without coffre.toml (exit %d):\n%s", args, code, out)
		}
	}
	// #11.9: a misspelt key is refused with its line and the key meant.
	os.WriteFile(missing, []byte("[sauvegarde_automatique]\nactive = true\nheure_quotidienne = \"21:30\"\n"), 0o600)
	out, code = coffre("service", "--une-fois", "--config", missing)
	if code == 0 || !strings.Contains(out, "ligne 3") || !strings.Contains(out, "« heure_quotidienne »") || !strings.Contains(out, "vouliez-vous dire « heure »") {
		t.Errorf("misspelt key (exit %d):\n%s", code, out)
	}

	// Engine level: with the clock two days ahead, the copies are too old.
	w.cfg.Distant = dist
	w.save(t)
	w.eng.Now = func() time.Time { return time.Now().Add(48 * time.Hour) }
	rep, err := w.eng.Watch(t.Context())
	if err != nil || len(rep.Stale) != 3 {
		t.Errorf("watch two days later: %+v %v", rep.Stale, err)
	}
}

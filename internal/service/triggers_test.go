package service

import (
	"bytes"
	"database/sql"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"coffre/internal/config"
	"coffre/internal/journal"
	"coffre/internal/notify"
	"coffre/internal/schedule"
)

// insertEntries adds n entries to the dossier file, as the management
// software would.
func insertEntries(t *testing.T, path string, n int) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < n; i++ {
		if _, err := db.Exec(`INSERT INTO ecritures (exercice_id, journal, numero, date_ecriture, libelle)
			SELECT exercice_id, journal, (SELECT MAX(numero) + 1 FROM ecritures e2 WHERE e2.exercice_id = e.exercice_id), date_ecriture, 'Saisie du jour'
			FROM ecritures e ORDER BY id DESC LIMIT 1`); err != nil {
			t.Fatal(err)
		}
	}
}

// « après 50 nouvelles écritures » fires after the 50th entry added since
// the last backup, and not at the 49th; only for the dossier written to.
func TestAfter50NewEntries(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Heure = ""
	w.cfg.Auto.ApresNEcritures = 50
	w.save(t)

	if rep := run(t, w, true); len(rep.Backups) != 2 {
		t.Fatalf("first backup: %+v", rep.Entry.Lines())
	}
	w.clock = w.clock.Add(time.Hour)
	if rep := run(t, w, false); rep.Ran {
		t.Fatalf("nothing was added, yet it ran: %v", rep.Entry.Lines())
	}
	insertEntries(t, filepath.Join(w.conn, "001SOC.db"), 49)
	w.clock = w.clock.Add(time.Hour)
	if rep := run(t, w, false); rep.Ran {
		t.Fatalf("49 new entries fired the trigger: %v", rep.Entry.Lines())
	}
	insertEntries(t, filepath.Join(w.conn, "001SOC.db"), 1)
	w.clock = w.clock.Add(time.Hour)
	rep := run(t, w, false)
	if !rep.Ran || len(rep.Backups) != 1 || rep.Backups[0].Info.Numero != "001" || rep.Backups[0].Reason != schedule.ReasonEntries {
		t.Fatalf("50 new entries: ran=%v %+v", rep.Ran, rep.Entry.Lines())
	}
	// Counted from that backup on: nothing new, nothing due.
	w.clock = w.clock.Add(time.Hour)
	if rep := run(t, w, false); rep.Ran {
		t.Fatalf("ran again without new entries: %v", rep.Entry.Lines())
	}
}

// A daily run missed while the computer was off (its time is past, no run
// recorded) runs at the next start; then not again until the next time.
func TestMissedRunRunsAtNextStart(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Heure = "21:30"
	w.cfg.Auto.Jours = []string{"lundi", "mardi", "mercredi", "jeudi", "vendredi"}
	w.save(t)

	// Tuesday 3 March 2026, 08:10: Monday's 21:30 run never happened.
	w.clock = time.Date(2026, 3, 3, 8, 10, 0, 0, time.Local)
	rep := run(t, w, false)
	if !rep.Ran || len(rep.Backups) != 2 || rep.Backups[0].Reason != schedule.ReasonMissed {
		t.Fatalf("missed run not caught up: ran=%v %v", rep.Ran, rep.Entry.Lines())
	}
	w.clock = w.clock.Add(10 * time.Minute)
	if rep := run(t, w, false); rep.Ran {
		t.Fatalf("caught-up run ran twice")
	}
	w.clock = time.Date(2026, 3, 3, 21, 31, 0, 0, time.Local)
	if rep := run(t, w, false); !rep.Ran || rep.Backups[0].Reason != schedule.ReasonDaily {
		t.Fatalf("Tuesday's run: ran=%v", rep.Ran)
	}
	// Saturday is not a chosen day: Friday's run is the last one due.
	w.clock = time.Date(2026, 3, 7, 22, 0, 0, 0, time.Local)
	if rep := run(t, w, false); !rep.Ran || rep.Backups[0].Reason != schedule.ReasonMissed {
		t.Fatalf("Friday's missed run: ran=%v", rep.Ran)
	}
	w.clock = time.Date(2026, 3, 8, 22, 0, 0, 0, time.Local)
	if rep := run(t, w, false); rep.Ran {
		t.Fatalf("ran on Sunday")
	}
	if e, _ := w.eng.Journal().Read(0); len(e) != 3 {
		t.Errorf("journal has %d runs, want 3", len(e))
	}
}

// After a full run — SFTP with a password, SMTP with a password, an e-mail
// that failed and was queued then sent — neither password is anywhere in
// clear text: config folder, data folder (state, register, queue, log,
// secrets), backups, the server's folder, the received mails, the report.
func TestPasswordsNeverInClearText(t *testing.T) {
	w := newWorld(t)
	remoteDir, sftpPW := w.withSFTP(t)
	smtpPW := w.withSMTP(t)
	goodPort := w.cfg.Email.Port
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	w.cfg.Email.Port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	w.save(t)

	rep := run(t, w, true)
	if rep.Entry.Statut != journal.StatusOK || rep.Queued != 2 {
		t.Fatalf("with the SMTP server down the backup must succeed and the alerts wait: %v", rep.Entry.Lines())
	}
	queued := filepath.Join(w.dataDir, "service", "courriels")
	if n := (notify.Queue{Dir: queued}).Len(); n != 2 {
		t.Fatalf("%d alerts queued, want 2", n)
	}
	scan(t, []string{sftpPW, smtpPW}, w.root, remoteDir)

	w.cfg.Email.Port = goodPort
	w.save(t)
	w.clock = w.clock.Add(time.Hour)
	rep = run(t, w, true)
	if rep.Sent != 2 || (notify.Queue{Dir: queued}).Len() != 0 {
		t.Fatalf("queue not flushed: sent %d, %v", rep.Sent, rep.Entry.Courriels)
	}
	if n := len(mails(t, w.rcpt[0])); n != 4 {
		t.Errorf("received %d alerts, want the 2 queued then the 2 new", n)
	}

	b, _ := os.ReadFile(w.cfgPath)
	if strings.Contains(strings.ToLower(string(b)), "mot_de_passe =") {
		t.Errorf("coffre.toml has a password key:\n%s", b)
	}
	fi, err := os.Stat(filepath.Join(w.cfgDir, "secret.key"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("secret.key: %v %v", fi, err)
	}
	if _, err := os.Stat(filepath.Join(w.dataDir, "secrets.chiffres")); err != nil {
		t.Errorf("encrypted secrets: %v", err)
	}
	lines := rep.Entry.Lines()
	scan(t, []string{sftpPW, smtpPW}, w.root, remoteDir, os.Getenv("COFFRE_TEST_SMTP_DIR"))
	for _, pw := range []string{sftpPW, smtpPW} {
		if strings.Contains(strings.Join(lines, "\n"), pw) {
			t.Errorf("a password is in the run report")
		}
	}
	// A password in coffre.toml is refused, not read.
	os.WriteFile(w.cfgPath, append(b, []byte("\n[extra]\nmot_de_passe = \"x\"\n")...), 0o600)
	if _, err := config.Load(w.cfgPath); err == nil {
		t.Errorf("a clear-text password in coffre.toml was accepted")
	}
}

// scan fails if any secret appears in any file under roots.
func scan(t *testing.T, secrets []string, roots ...string) {
	t.Helper()
	n := 0
	for _, root := range roots {
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return nil
			}
			n++
			for _, s := range secrets {
				if bytes.Contains(b, []byte(s)) {
					t.Errorf("password in clear text in %s", p)
				}
			}
			return nil
		})
	}
	if n < 10 {
		t.Errorf("scanned only %d files", n)
	}
}

package service

import (
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"coffre/internal/journal"
	"coffre/internal/remote"
)

// subjects are the subjects of the mails address received, oldest first.
func subjects(t *testing.T, address string) []string {
	t.Helper()
	var out []string
	for _, m := range mails(t, address) {
		out = append(out, m.Subject)
	}
	return out
}

// lastMail is the newest mail address received whose subject starts with
// prefix.
func lastMail(t *testing.T, address, prefix string) received {
	t.Helper()
	got := mails(t, address)
	for i := len(got) - 1; i >= 0; i-- {
		if strings.HasPrefix(got[i].Subject, prefix) {
			return got[i]
		}
	}
	t.Errorf("no mail « %s… » among %v", prefix, subjects(t, address))
	return received{}
}

// closedPort is a 127.0.0.1 port nothing listens on.
func closedPort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	return port
}

// #11.4: backups made while the server was out of reach are sent by the
// next run that reaches it — the newest the server keeps, oldest first —
// and the mail says they were sent late.
func TestOutboxSendsWhatTheServerMissed(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	remoteDir, _ := w.withSFTP(t)
	w.withSMTP(t)
	w.cfg.Distant.Conserver = 3
	good := w.cfg.Distant.Port
	w.cfg.Distant.Port = closedPort(t)
	w.save(t)

	var made []string
	for i := 0; i < 4; i++ {
		rep := run(t, w, true)
		b := rep.Backups[0]
		if b.Err != nil || b.Remote == nil || b.Remote.Status == remote.Validated {
			t.Fatalf("run %d with the server down: %+v %v", i+1, b.Remote, rep.Entry.Lines())
		}
		if rep.Err() == nil {
			t.Errorf("run %d: a copy not sent must not be a success", i+1)
		}
		made = append(made, filepath.Base(b.Result.Path))
		w.clock = w.clock.Add(time.Hour)
	}
	m := lastMail(t, w.rcpt[0], "[Coffre] Copie distante non envoyée : le serveur refuse la connexion — 1 copie")
	if !strings.Contains(m.Text, "prochain passage") {
		t.Errorf("refused-connection mail:\n%s", m.Text)
	}

	w.cfg.Distant.Port = good
	w.save(t)
	rep := run(t, w, true)
	made = append(made, filepath.Base(rep.Backups[0].Result.Path))
	var late []string
	for _, s := range rep.Outbox {
		if s.Result.Status != remote.Validated {
			t.Errorf("outbox copy %s: %+v", s.Result.Name, s.Result)
		}
		late = append(late, s.Result.Name)
	}
	// The server keeps 3: the two newest of the four missed, then this run's.
	if want := made[2:4]; !slices.Equal(late, want) {
		t.Errorf("sent late %v, want %v (oldest first, no more than the server keeps)", late, want)
	}
	if b := rep.Backups[0]; b.Remote == nil || b.Remote.Status != remote.Validated {
		t.Fatalf("this run's copy: %+v", b.Remote)
	}
	if got := pbfs(t, remoteDir, ""); !slices.Equal(got, sorted(made[2:])) {
		t.Errorf("server holds %v, want %v", got, made[2:])
	}
	if rep.Entry.Statut != journal.StatusOK || rep.Err() != nil {
		t.Errorf("all sent: %s %v", rep.Entry.Statut, rep.Err())
	}
	m = lastMail(t, w.rcpt[0], "[Coffre] Copie distante reçue et validée — 3 dossiers")
	if strings.Count(m.Text, "Envoyée avec retard") != 2 || !strings.Contains(m.Text, made[2]) || !strings.Contains(m.Text, made[3]) {
		t.Errorf("the mail does not say which were sent late:\n%s", m.Text)
	}
	// Nothing is sent twice.
	w.clock = w.clock.Add(time.Hour)
	if rep := run(t, w, true); len(rep.Outbox) != 0 {
		t.Errorf("sent again: %+v", rep.Outbox)
	}
}

// Old copies re-checked: each run re-reads one older offsite copy, the one
// re-read longest ago, so that all are re-read in turn; one damaged since it
// was validated is reported « endommagée » with its name, removed, and sent
// again by the next run while the local backup is there.
func TestOlderCopiesAreReread(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	remoteDir, _ := w.withSFTP(t)
	w.withSMTP(t)
	w.save(t)
	made := runsWritten(t, w, 3, time.Hour)
	// The three copies rot on the server's disk.
	for _, name := range made {
		f, err := os.OpenFile(filepath.Join(remoteDir, name), os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteAt([]byte("POURRI"), 4096)
		f.Close()
	}
	var found []string
	for i := 0; i < 3; i++ {
		rep := run(t, w, true)
		if len(rep.Rechecked) != 1 || rep.Rechecked[0].Err == nil {
			t.Fatalf("run %d re-read: %+v", i+1, rep.Rechecked)
		}
		name := rep.Rechecked[0].Name
		found = append(found, name)
		if rep.Err() == nil || rep.Entry.Statut != journal.StatusRemoteFailed {
			t.Errorf("a damaged older copy must not be a success: %s %v", rep.Entry.Statut, rep.Err())
		}
		m := lastMail(t, w.rcpt[0], "[Coffre] Copie distante reçue endommagée")
		if !strings.Contains(m.Text, name) || !strings.Contains(m.Text, "ne correspond plus") {
			t.Errorf("the mail does not name the damaged copy %s:\n%s", name, m.Text)
		}
		if slices.Contains(pbfs(t, remoteDir, ""), name) {
			t.Errorf("the damaged copy %s stays on the server", name)
		}
		if i > 0 && (len(rep.Outbox) != 1 || rep.Outbox[0].Result.Name != found[i-1] || rep.Outbox[0].Result.Status != remote.Validated) {
			t.Errorf("run %d: %s was not sent again: %+v", i+1, found[i-1], rep.Outbox)
		}
		w.clock = w.clock.Add(time.Hour)
	}
	if !slices.Equal(sorted(found), sorted(made)) {
		t.Errorf("re-read in turn %v, want each of %v", found, made)
	}
	run(t, w, true)
	for _, name := range made {
		verified(t, filepath.Join(remoteDir, name))
	}
}

// What interrupted uploads left offsite waits three days to be resumed,
// then the run after its copies removes it; a younger one stays.
func TestStaleUploadsSweptAfterThreeDays(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	dir := destinations[0].set(t, w)
	w.save(t)
	old := filepath.Join(dir, ".002-BOULANG_20260101_2130.pbf.coffre-tmp-0123456789abcdef")
	young := filepath.Join(dir, ".002-BOULANG_20260102_2130.pbf.coffre-tmp-fedcba9876543210")
	for p, age := range map[string]time.Duration{old: 73 * time.Hour, young: 71 * time.Hour} {
		if err := os.WriteFile(p, []byte("envoi interrompu"), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(p, w.clock.Add(-age), w.clock.Add(-age))
	}
	rep := run(t, w, true)
	if b := rep.Backups[0]; b.Remote == nil || b.Remote.Status != remote.Validated {
		t.Fatalf("copy: %+v", b.Remote)
	}
	if _, err := os.Stat(old); err == nil {
		t.Error("an upload interrupted more than three days ago is still there")
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("an upload interrupted less than three days ago was removed: %v", err)
	}
}

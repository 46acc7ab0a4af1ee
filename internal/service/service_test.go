package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"coffre/internal/journal"
	"coffre/internal/remote"
	"coffre/internal/verify"
)

func sha(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func verified(t *testing.T, path string) {
	t.Helper()
	if _, err := verify.File(context.Background(), path, verify.Options{TempDir: t.TempDir()}); err != nil {
		t.Errorf("%s does not verify: %v", path, err)
	}
}

func run(t *testing.T, w *world, force bool) Report {
	t.Helper()
	rep, err := w.eng.RunOnce(context.Background(), Options{Force: force})
	if err != nil {
		t.Fatalf("run at %s: %v", w.clock, err)
	}
	return rep
}

// With conserver = 3 locally and 7 offsite, repeated forced runs keep
// exactly the 3 newest verified backups per dossier locally and at most 7
// on the SFTP server, each identical to what was written, never touching
// files the service did not write; the alerts arrive in French.
func TestRunsRotateLocallyAndOffsite(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Conserver = 3
	remoteDir, _ := w.withSFTP(t)
	w.withSMTP(t)
	w.save(t)

	// Files the service did not write, named like backups and older than
	// all of them: rotation must leave them alone, here and offsite.
	foreign := filepath.Join(w.dest, "001-SOC_20200101_0900.pbf")
	os.WriteFile(foreign, []byte("pas à moi"), 0o644)
	os.WriteFile(filepath.Join(w.dest, "notes.txt"), []byte("notes"), 0o644)

	var names [][]string // per run, the files written
	runs := func(n int) {
		for i := 0; i < n; i++ {
			rep := run(t, w, true)
			if rep.Entry.Statut != journal.StatusOK || rep.Failed() {
				t.Fatalf("run %d: %+v", len(names)+1, rep.Entry.Lines())
			}
			var got []string
			for _, b := range rep.Backups {
				if !b.Result.Verified {
					t.Errorf("run %d: %s not verified", len(names)+1, b.Result.Path)
				}
				if b.Remote == nil || b.Remote.Status != remote.Validated {
					t.Errorf("run %d: offsite copy of %s: %+v", len(names)+1, b.Result.Path, b.Remote)
				}
				got = append(got, filepath.Base(b.Result.Path))
			}
			if len(got) != 2 {
				t.Fatalf("run %d backed up %v, want both dossiers", len(names)+1, got)
			}
			names = append(names, got)
			w.clock = w.clock.Add(24 * time.Hour)
		}
	}
	runs(5)
	for d, prefix := range []string{"001-SOC_", "002-BOULANG_"} {
		local := pbfs(t, w.dest, prefix)
		local = slices.DeleteFunc(local, func(s string) bool { return s == filepath.Base(foreign) })
		want := []string{names[2][d], names[3][d], names[4][d]}
		if !slices.Equal(local, want) {
			t.Errorf("local %s: %v, want the 3 newest %v", prefix, local, want)
		}
		for _, f := range local {
			verified(t, filepath.Join(w.dest, f))
		}
	}
	if _, err := os.Stat(foreign); err != nil {
		t.Errorf("a file the service did not write was removed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(w.dest, "notes.txt")); err != nil {
		t.Errorf("notes.txt was removed: %v", err)
	}

	checkRemote := func(want int) {
		t.Helper()
		for d, prefix := range []string{"001-SOC_", "002-BOULANG_"} {
			got := pbfs(t, remoteDir, prefix)
			got = slices.DeleteFunc(got, func(s string) bool { return strings.HasPrefix(s, "001-SOC_2019") })
			if len(got) != want || len(got) > 7 {
				t.Errorf("offsite %s: %d files %v, want %d", prefix, len(got), got, want)
			}
			for i, f := range got {
				// Each copy is byte for byte what was written and verifies.
				verified(t, filepath.Join(remoteDir, f))
				if run := len(names) - len(got) + i; names[run][d] != f {
					t.Errorf("offsite %s holds %s where run %d wrote %s", prefix, f, run+1, names[run][d])
				}
			}
		}
		entries, _ := os.ReadDir(remoteDir)
		for _, e := range entries {
			if remote.IsTemp(e.Name()) {
				t.Errorf("temporary upload left on the server: %s", e.Name())
			}
		}
	}
	checkRemote(5)
	for _, f := range pbfs(t, w.dest, "") {
		if f != filepath.Base(foreign) && sha(t, filepath.Join(w.dest, f)) != sha(t, filepath.Join(remoteDir, f)) {
			t.Errorf("%s differs offsite", f)
		}
	}

	// Four more: the server keeps the last 7 per dossier, not the rest,
	// nor a file put there by hand.
	os.WriteFile(filepath.Join(remoteDir, "001-SOC_20190101_0900.pbf"), []byte("déposé à la main"), 0o644)
	runs(4)
	checkRemote(7)
	if _, err := os.Stat(filepath.Join(remoteDir, "001-SOC_20190101_0900.pbf")); err != nil {
		t.Errorf("a file on the server the service did not write was removed: %v", err)
	}

	// The alerts: one « réussie » and one « validée » per run, in French,
	// to the employee with « Alerte e-mail » and the extra address only.
	for _, addr := range w.rcpt {
		got := mails(t, addr)
		var ok, copies int
		for _, m := range got {
			switch {
			case strings.HasPrefix(m.Subject, "[Coffre] Sauvegarde réussie — 2 dossiers (POSTE-TEST)"):
				ok++
				for _, want := range []string{"001 SOC", "002 BOULANG", "Dernière écriture", "Vérification", "réussie (relue et contrôlée)", "POSTE-COMPTA (marie, Gestion 2026", "Taille"} {
					if !strings.Contains(m.Text, want) {
						t.Errorf("text of %q lacks %q:\n%s", m.Subject, want, m.Text)
					}
				}
				if !strings.Contains(m.HTML, "<table") || !strings.Contains(m.HTML, "Dernière écriture") {
					t.Errorf("HTML part missing or incomplete:\n%s", m.HTML)
				}
			case strings.HasPrefix(m.Subject, "[Coffre] Copie distante reçue et validée — 2 dossiers"):
				copies++
			default:
				t.Errorf("unexpected message %q", m.Subject)
			}
			if !slices.Contains(m.EnvelopeTo, w.rcpt[0]) || !slices.Contains(m.EnvelopeTo, w.rcpt[1]) || len(m.EnvelopeTo) != 2 {
				t.Errorf("%q went to %v, want %v", m.Subject, m.EnvelopeTo, w.rcpt)
			}
		}
		if ok != 9 || copies != 9 {
			t.Errorf("%s received %d « réussie » and %d « validée », want 9 and 9", addr, ok, copies)
		}
	}

	// The run log has every run, readable for « Historique ».
	entries, err := w.eng.Journal().Read(0)
	if err != nil || len(entries) != 9 {
		t.Fatalf("journal: %d entries, %v", len(entries), err)
	}
	if !strings.Contains(strings.Join(entries[0].Lines(), "\n"), "copie distante reçue et validée") {
		t.Errorf("journal entry: %v", entries[0].Lines())
	}
}

// A file damaged on the server between upload and read-back is reported
// « endommagée », sent once more, and never left under its final name; a
// single bad transfer is healed by the retry.
func TestTamperedRemoteCopyIsDamaged(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	remoteDir, _ := w.withSFTP(t)
	w.withSMTP(t)
	w.save(t)

	tamper := func(attempts ...int) func(string, int) {
		return func(tmp string, attempt int) {
			if !slices.Contains(attempts, attempt) {
				return
			}
			f, err := os.OpenFile(filepath.Join(remoteDir, tmp), os.O_WRONLY, 0)
			if err != nil {
				t.Errorf("tamper: %v", err)
				return
			}
			defer f.Close()
			f.WriteAt([]byte("ALTÉRÉ"), 200)
		}
	}

	w.eng.RemoteHook = tamper(1, 2)
	rep := run(t, w, true)
	b := rep.Backups[0]
	if b.Err != nil || b.Remote == nil || b.Remote.Status != remote.Damaged || b.Remote.Attempts != 2 {
		t.Fatalf("tampered copy: %+v", b.Remote)
	}
	if !rep.Failed() || rep.Err() == nil {
		t.Errorf("a damaged copy must make the run fail: %v", rep.Err())
	}
	if got := pbfs(t, remoteDir, ""); len(got) != 0 {
		t.Errorf("damaged copy left on the server under a final name: %v", got)
	}
	if !strings.Contains(strings.Join(rep.Entry.Lines(), "\n"), "copie distante reçue endommagée") {
		t.Errorf("log: %v", rep.Entry.Lines())
	}
	var damaged int
	for _, m := range mails(t, w.rcpt[0]) {
		if strings.HasPrefix(m.Subject, "[Coffre] Copie distante reçue endommagée — 1 copie") {
			damaged++
			if !strings.Contains(m.Text, "Que faire") || !strings.Contains(m.Text, "endommagée") {
				t.Errorf("damaged alert text:\n%s", m.Text)
			}
		}
	}
	if damaged != 1 {
		t.Errorf("got %d « endommagée » alerts, want 1", damaged)
	}
	// The local backup is intact whatever happened offsite.
	verified(t, b.Result.Path)

	w.clock = w.clock.Add(time.Hour)
	w.eng.RemoteHook = tamper(1)
	rep = run(t, w, true)
	b = rep.Backups[0]
	if b.Remote == nil || b.Remote.Status != remote.Validated || b.Remote.Attempts != 2 {
		t.Fatalf("retried copy: %+v", b.Remote)
	}
	if got := sha(t, filepath.Join(remoteDir, filepath.Base(b.Result.Path))); got != b.Result.SHA256 {
		t.Errorf("retried copy differs from the backup")
	}
}

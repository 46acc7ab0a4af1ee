package service

import (
	"database/sql"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"coffre/internal/dossiertest"
	"coffre/internal/journal"
	"coffre/internal/remote"
)

func sqlExec(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_busy_timeout=5000&_foreign_keys=off")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}

// #17.2: a dossier emptied (truncated to 0 bytes, its tables dropped, its
// entries deleted, replaced by another company's) must never rotate the good
// backups away. Each such backup is kept but flagged, the run is not
// « réussie », the mail says what changed from what to what, and with
// conserver = 3 the three healthy backups from before stay, here and
// offsite, however many flagged ones follow.
func TestSuspiciousChangeKeepsTheHealthyBackups(t *testing.T) {
	cases := []struct {
		name   string
		damage func(t *testing.T, path string)
		says   string
	}{
		{"vide", func(t *testing.T, path string) {
			if err := os.Truncate(path, 0); err != nil {
				t.Fatal(err)
			}
		}, "le fichier du dossier est vide"},
		{"sans-table-dossier", func(t *testing.T, path string) {
			sqlExec(t, path, "DROP TABLE dossier")
		}, "la table « dossier » a disparu"},
		{"ecritures-supprimees", func(t *testing.T, path string) {
			sqlExec(t, path, "DELETE FROM lignes", "DELETE FROM annexes", "DELETE FROM ecritures WHERE id % 4 <> 0")
		}, "le nombre d'écritures des exercices non archivés est passé de "},
		{"autre-societe", func(t *testing.T, path string) {
			os.Remove(path)
			dossiertest.BuildV1(t, path, dossiertest.WithNumero("002"), dossiertest.WithNom("BOULANG"),
				dossiertest.WithIdentifiant("99999999-9999-4999-8999-999999999999"))
		}, "ce n'est plus le même dossier : identifiant 0b7e6f1c-2a4e-4c3e-8a21-9b7d0d5e7f9b devenu 99999999-9999-4999-8999-999999999999"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.cfg.Auto.Dossiers = []string{"002"}
			w.cfg.Auto.Conserver = 3
			nas := filepath.Join(w.root, "nas")
			os.MkdirAll(nas, 0o755)
			w.cfg.Distant.Type, w.cfg.Distant.Dossier, w.cfg.Distant.Conserver = "dossier", nas, 3
			w.withSMTP(t)
			w.save(t)
			healthy := runsWritten(t, w, 3, 24*time.Hour)
			c.damage(t, filepath.Join(w.conn, "002BOULANG.db"))
			var flagged []string
			for i := 0; i < 4; i++ {
				rep := run(t, w, true)
				b := rep.Backups[0]
				if len(b.Changes) == 0 || rep.Entry.Statut == journal.StatusOK || rep.Err() == nil {
					t.Fatalf("run %d after the damage: status %s, changes %v, %v", i+1, rep.Entry.Statut, b.Changes, b.Err)
				}
				if got := b.Changes[0].String(); !strings.Contains(got, c.says) {
					t.Errorf("run %d says %q, want %q", i+1, got, c.says)
				}
				if !strings.Contains(strings.Join(rep.Entry.Lines(), "\n"), c.says) {
					t.Errorf("run %d: the log does not say it:\n%s", i+1, strings.Join(rep.Entry.Lines(), "\n"))
				}
				w.clock = w.clock.Add(24 * time.Hour)
				if b.Err != nil {
					// An empty file cannot be backed up at all: a failure that
					// says what changed, and nothing rotates.
					continue
				}
				if rep.Entry.Statut != journal.StatusSuspicious {
					t.Errorf("run %d: status %s", i+1, rep.Entry.Statut)
				}
				flagged = append(flagged, filepath.Base(b.Result.Path))
				if b.Remote == nil || b.Remote.Status != remote.Validated {
					t.Errorf("run %d: the flagged backup is copied offsite all the same: %+v", i+1, b.Remote)
				}
			}
			want := sorted(append(slices.Clone(healthy), flagged[max(0, len(flagged)-3):]...))
			for _, dir := range []string{w.dest, nas} {
				if got := pbfs(t, dir, "002-"); !slices.Equal(got, want) {
					t.Errorf("%s holds %v, want the 3 healthy %v and the 3 newest flagged", dir, got, healthy)
				}
			}
			subject, advice := "[Coffre] ATTENTION : 1 dossier a changé de façon inquiétante (POSTE-TEST)", "coffre service accepter --dossier"
			if len(flagged) == 0 {
				subject, advice = "[Coffre] Sauvegarde échouée — 1 dossier en échec", "Les sauvegardes précédentes sont conservées"
			}
			m := lastMail(t, w.rcpt[0], subject)
			for _, want := range []string{c.says, "Changement inquiétant", advice} {
				if !strings.Contains(m.Text, want) {
					t.Errorf("mail lacks %q:\n%s", want, m.Text)
				}
			}
			ok := 0
			for _, s := range subjects(t, w.rcpt[0]) {
				if strings.HasPrefix(s, "[Coffre] Sauvegarde réussie") {
					ok++
				}
			}
			if ok != 3 {
				t.Errorf("%d « réussie » mails, want the 3 before the damage", ok)
			}

			if len(flagged) == 0 {
				return
			}
			// Confirmed (an archive, a cut, a replaced dossier): the newest
			// backup becomes the reference, the next one is healthy, and the
			// rotation goes back to three.
			if err := w.eng.Accept("002"); err != nil {
				t.Fatal(err)
			}
			rep := run(t, w, true)
			if b := rep.Backups[0]; len(b.Changes) != 0 || rep.Entry.Statut != journal.StatusOK {
				t.Fatalf("after --accepter: %s %v", rep.Entry.Statut, b.Changes)
			}
			for i := 0; i < 2; i++ {
				w.clock = w.clock.Add(24 * time.Hour)
				run(t, w, true)
			}
			if got := pbfs(t, w.dest, "002-"); len(got) != 3 {
				t.Errorf("after the change was accepted, %d backups kept, want 3: %v", len(got), got)
			}
		})
	}
}

// A dossier that is no longer SQLite at all is a failure, which rotates
// nothing away.
func TestDossierNoLongerSQLite(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	w.cfg.Auto.Conserver = 2
	w.save(t)
	var healthy []string
	for i := 0; i < 2; i++ {
		healthy = append(healthy, filepath.Base(run(t, w, true).Backups[0].Result.Path))
		w.clock = w.clock.Add(time.Hour)
	}
	b := make([]byte, 8192)
	for i := range b {
		b[i] = byte(i * 7)
	}
	os.WriteFile(filepath.Join(w.conn, "002BOULANG.db"), b, 0o644)
	rep := run(t, w, true)
	if rep.Backups[0].Err == nil || rep.Err() == nil {
		t.Fatalf("a file that is not SQLite was backed up: %v", rep.Entry.Lines())
	}
	if got := pbfs(t, w.dest, "002-"); !slices.Equal(got, sorted(healthy)) {
		t.Errorf("backups %v, want %v", got, healthy)
	}
}

// #17.4: the newest backup gets the complete check (integrity_check: an
// index that no longer matches its table passes the quick one) at least
// once a week; a backup that fails it fails the run, and counts as
// unhealthy for the rotation.
func TestWeeklyCompleteCheck(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	w.cfg.Auto.Conserver = 2
	w.withSMTP(t)
	w.save(t)
	db := filepath.Join(w.conn, "002BOULANG.db")
	sqlExec(t, db, "CREATE INDEX ecritures_libelle ON ecritures(libelle)")
	full := func(day int) *Check {
		t.Helper()
		w.clock = time.Date(2026, 3, 2+day, 21, 30, 0, 0, time.Local)
		return run(t, w, true).Backups[0].FullCheck
	}
	if c := full(0); c == nil || c.Err != nil {
		t.Fatalf("first backup: complete check %+v", c)
	}
	for day := 1; day < 7; day++ {
		if c := full(day); c != nil {
			t.Fatalf("day %d: a complete check less than a week after the last", day)
		}
	}
	healthy := pbfs(t, w.dest, "002-")
	// The index now describes another column than the one it holds: the
	// quick check cannot see it.
	sqlExec(t, db, "PRAGMA writable_schema=ON",
		"UPDATE sqlite_master SET sql = 'CREATE INDEX ecritures_libelle ON ecritures(date_ecriture)' WHERE name = 'ecritures_libelle'")
	w.clock = time.Date(2026, 3, 9, 21, 30, 0, 0, time.Local)
	rep := run(t, w, true)
	b := rep.Backups[0]
	if b.Err != nil {
		t.Fatalf("the quick check already refused it: %v", b.Err)
	}
	if b.FullCheck == nil || b.FullCheck.Err == nil {
		t.Fatalf("a week later, the complete check: %+v", b.FullCheck)
	}
	if rep.Err() == nil || rep.Entry.Statut == journal.StatusOK {
		t.Errorf("a backup failing the complete check passed: %s", rep.Entry.Statut)
	}
	m := lastMail(t, w.rcpt[0], "[Coffre] Sauvegarde échouée — 1 dossier en échec")
	if !strings.Contains(m.Text, "contrôle complet (hebdomadaire) ÉCHOUÉ") {
		t.Errorf("mail:\n%s", m.Text)
	}
	w.clock = w.clock.Add(time.Hour)
	run(t, w, true)
	if got := pbfs(t, w.dest, "002-"); !slices.Contains(got, healthy[len(healthy)-1]) || !slices.Contains(got, healthy[len(healthy)-2]) {
		t.Errorf("the healthy backups were rotated away: %v", got)
	}
}

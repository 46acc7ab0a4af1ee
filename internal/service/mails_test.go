package service

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"coffre/internal/journal"
)

// #11.6: a dossier chosen in the configuration that the connexion does not
// have is a failure that names it — the run is not « réussie », the mail
// counts it and says it — and the other dossiers are backed up all the same.
func TestMissingDossierIsAFailure(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002", "004"}
	w.withSMTP(t)
	w.save(t)
	rep := run(t, w, true)
	if rep.Entry.Statut == journal.StatusOK || rep.Err() == nil {
		t.Fatalf("a missing dossier passed as a success: %s, %v", rep.Entry.Statut, rep.Err())
	}
	text := strings.Join(rep.Entry.Lines(), "\n")
	if !strings.Contains(text, "004") || !strings.Contains(text, "n'existe pas") {
		t.Errorf("the log does not name 004:\n%s", text)
	}
	if len(pbfs(t, w.dest, "002-")) != 1 {
		t.Errorf("002 not backed up")
	}
	m := lastMail(t, w.rcpt[0], "[Coffre] Sauvegarde échouée — 1 dossier en échec (POSTE-TEST)")
	if !strings.Contains(m.Text, "Dossier 004") || !strings.Contains(m.Text, "n'existe pas dans la connexion") {
		t.Errorf("the mail does not name 004:\n%s", m.Text)
	}
}

// #11.7: the subject counts the dossiers that failed, not all of them; each
// phase's time is in the mail; each offsite failure cause has its own title
// and advice.
func TestMailsSayWhatHappened(t *testing.T) {
	w := newWorld(t)
	w.withSFTP(t)
	w.withSMTP(t)
	w.save(t)
	// 001 is no longer a database: it fails, 002 does not.
	if err := os.WriteFile(filepath.Join(w.conn, "001SOC.db"), []byte("ceci n'est pas une base SQLite, mais un texte assez long pour en avoir l'air."), 0o644); err != nil {
		t.Fatal(err)
	}
	rep := run(t, w, true)
	if rep.Entry.Statut != journal.StatusPartial {
		t.Fatalf("status %s: %v", rep.Entry.Statut, rep.Entry.Lines())
	}
	m := lastMail(t, w.rcpt[0], "[Coffre] Sauvegarde échouée")
	if m.Subject != "[Coffre] Sauvegarde échouée — 1 dossier en échec (POSTE-TEST)" {
		t.Errorf("subject %q: it must count the failed dossiers", m.Subject)
	}
	for _, want := range []string{"Durée des sauvegardes locales", "Durée de la copie distante", "Durée totale", "Dossier 001 SOC", "ERREUR"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("backup mail lacks %q:\n%s", want, m.Text)
		}
	}
	r := lastMail(t, w.rcpt[0], "[Coffre] Copie distante reçue et validée — 1 dossier")
	if !strings.Contains(r.Text, "Durée de l'envoi") {
		t.Errorf("offsite mail lacks the upload time:\n%s", r.Text)
	}

	// The server's key changed: its own title and advice, not « endommagée ».
	os.Remove(filepath.Join(w.conn, "001SOC.db"))
	key, err := os.ReadFile(os.Getenv("COFFRE_TEST_SFTP_KEY") + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(key))
	line := fmt.Sprintf("[%s]:%d %s %s\n", w.cfg.Distant.Hote, w.cfg.Distant.Port, f[0], f[1])
	if err := os.WriteFile(w.cfg.Distant.KnownHostsFile(), []byte(line), 0o600); err != nil {
		t.Fatal(err)
	}
	w.clock = w.clock.Add(time.Hour)
	run(t, w, true)
	m = lastMail(t, w.rcpt[0], "[Coffre] ATTENTION : la clé du serveur distant a changé — 1 copie non envoyée")
	if !strings.Contains(m.Text, "réinstallé") || strings.Contains(m.Text, "endommagée") {
		t.Errorf("changed-key mail:\n%s", m.Text)
	}
	// A server not yet trusted.
	os.Remove(w.cfg.Distant.KnownHostsFile())
	w.clock = w.clock.Add(time.Hour)
	run(t, w, true)
	m = lastMail(t, w.rcpt[0], "[Coffre] Copie distante non envoyée : serveur pas encore reconnu")
	if !strings.Contains(m.Text, "Faire confiance à ce serveur") {
		t.Errorf("unknown-key mail:\n%s", m.Text)
	}
	for _, s := range subjects(t, w.rcpt[0]) {
		if strings.Contains(s, "endommagée") {
			t.Errorf("a failure that is not a damaged copy is titled %q", s)
		}
	}
}

// #11.7: « échecs seulement » sends only the mails that say something went
// wrong; the weekly digest comes on its day all the same, once, and sums
// up the week from the run log.
func TestFailuresOnlyAndWeeklyDigest(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	w.withSMTP(t)
	w.cfg.Email.EchecsSeulement = true
	w.cfg.Email.ResumeHebdomadaire = "lundi"
	w.save(t)
	// Tuesday 3 March 2026 to Sunday 8: a run each evening, all good.
	w.clock = time.Date(2026, 3, 3, 21, 30, 0, 0, time.Local)
	for i := 0; i < 6; i++ {
		run(t, w, true)
		w.clock = w.clock.AddDate(0, 0, 1)
	}
	if got := subjects(t, w.rcpt[0]); len(got) != 0 {
		t.Fatalf("« échecs seulement » yet mails were sent: %v", got)
	}
	// A failure is sent.
	w.cfg.Auto.Dossiers = []string{"002", "007"}
	w.save(t)
	w.clock = time.Date(2026, 3, 8, 22, 0, 0, 0, time.Local)
	run(t, w, true)
	if got := subjects(t, w.rcpt[0]); !slices.Equal(got, []string{"[Coffre] Sauvegarde échouée — 1 dossier en échec (POSTE-TEST)"}) {
		t.Fatalf("after a failure: %v", got)
	}
	// Monday: the digest, even with nothing due.
	w.cfg.Auto.Dossiers = []string{"002"}
	w.save(t)
	w.clock = time.Date(2026, 3, 9, 8, 0, 0, 0, time.Local)
	if _, err := w.eng.RunOnce(t.Context(), Options{}); err != nil {
		t.Fatal(err)
	}
	m := lastMail(t, w.rcpt[0], "[Coffre] Résumé de la semaine")
	if m.Subject != "[Coffre] Résumé de la semaine — 2 dossiers (POSTE-TEST)" {
		t.Errorf("digest subject %q", m.Subject)
	}
	for _, want := range []string{"(7 passages)", "Dossier 002 BOULANG", "Sauvegardes réussies : 7", "Dossier 007", "Échecs : 1", "Dernière sauvegarde réussie : 08/03/2026 22:00"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("digest lacks %q:\n%s", want, m.Text)
		}
	}
	// Once a week.
	w.clock = w.clock.Add(3 * time.Hour)
	run(t, w, true)
	if n := len(subjects(t, w.rcpt[0])); n != 2 {
		t.Errorf("%d mails, want the failure and one digest: %v", n, subjects(t, w.rcpt[0]))
	}
}

package app

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// archiveWithSessions walks to the Résumé of archiving dossier 001 of conn.
func archiveWithSessions(t *testing.T, conn string) *wizard {
	t.Helper()
	w := startOp(t, conn, "archivage")
	signedIn(w)
	tickRow(t, w, "001")
	next(t, w, stepIdxOptions)
	w.opts.DestDir = t.TempDir()
	next(t, w, stepIdxSummary)
	return w
}

// TestSummaryShowsSessionsAndConfirms: a program open on the dossier is
// named on the Résumé before « Lancer », which is refused until the
// operation is confirmed there (the same option as --ignorer-sessions);
// then it runs. Failed before: nothing was said, and the engine refused
// the archive once launched, with only a command-line flag to offer.
func TestSummaryShowsSessionsAndConfirms(t *testing.T) {
	conn := env(t, "001SOC")
	sqlExec(t, filepath.Join(conn, "001SOC.db"), `INSERT INTO sessions VALUES ('POSTE-2', 'Marie', 'Compta', ?, ?)`,
		testNow.Add(-time.Hour).Format("2006-01-02T15:04:05"), testNow.Add(-5*time.Minute).Format("2006-01-02T15:04:05"))
	w := archiveWithSessions(t, conn)
	sum := texts(w.content())
	contains(t, "summary", sum, "Dossier 001 SOC : Compta sur POSTE-2 (Marie, dernière activité le", "Fermez ces programmes")
	test.Tap(w.next)
	if w.cur != stepIdxSummary || !strings.Contains(w.reason.Text, "cochez « Confirmer") {
		t.Fatalf("Lancer with a live session: step %d, reason %q", w.cur, w.reason.Text)
	}
	test.Tap(check(t, w.content(), "Confirmer l'opération malgré les programmes ouverts"))
	if !w.opts.IgnoreSessions {
		t.Fatal("the check box does not set the option")
	}
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatalf("confirmed archive: %v", w.result.Err)
	}
}

// TestSummaryOldSessionProbablyClosed: a session without activity for
// longer than the threshold is shown « probablement fermée » and does not
// block.
func TestSummaryOldSessionProbablyClosed(t *testing.T) {
	conn := env(t, "001SOC")
	old := testNow.Add(-72 * time.Hour).Format("2006-01-02T15:04:05")
	sqlExec(t, filepath.Join(conn, "001SOC.db"), `INSERT INTO sessions VALUES ('POSTE-9', 'Paul', 'Compta', ?, ?)`, old, old)
	w := archiveWithSessions(t, conn)
	sum := texts(w.content())
	contains(t, "summary", sum, "Compta sur POSTE-9 (Paul) : probablement fermée (dernière activité le")
	if strings.Contains(sum, "Fermez ces programmes") {
		t.Fatalf("an old session asks for a confirmation:\n%s", sum)
	}
	next(t, w, stepIdxResult)
	if w.result.Err != nil {
		t.Fatalf("archive beside an old session: %v", w.result.Err)
	}
}

package service

import (
	"strings"
	"testing"
	"time"

	"coffre/internal/i18n"
)

// TestWatchNamesDossiersOneWay: `surveiller` names every dossier as every
// other message does, « 001 SOC » (not the file-name key « 001-SOC ») or
// « 003 » when none ever arrived, in the order of their numbers. Failed
// before: « 001-SOC » beside « 003 », in map order.
func TestWatchNamesDossiersOneWay(t *testing.T) {
	i18n.SetLanguage("fr")
	at := time.Date(2026, 12, 1, 21, 30, 0, 0, time.Local)
	w := WatchReport{Newest: map[string]time.Time{"002-ABC": at, "001-SOC": at, "004-OLD": at.Add(-72 * time.Hour)},
		Stale: []Stale{{Key: "003"}, {Key: "004-OLD", Newest: at.Add(-72 * time.Hour)}}}
	got := strings.Join(w.Lines(), "\n")
	for _, want := range []string{"sauvegarde non reçue : 003 (la plus récente : aucune)", "sauvegarde non reçue : 004 OLD (", "001 SOC : dernière sauvegarde reçue", "002 ABC : dernière sauvegarde reçue"} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "-SOC") || strings.Index(got, "001 SOC") > strings.Index(got, "002 ABC") {
		t.Errorf("keys shown, or not in order:\n%s", got)
	}
}

package archive

import (
	"time"

	"coffre/internal/ledger"
)

// Default reports whether exercice e is in the default choice at now:
// closed, ended at least MinAge years before, not archived yet. The wizard
// pre-ticks these; Run archives them when no exercice is named.
func Default(e ledger.Exercice, now time.Time) bool {
	return defaultChoice(e.Cloture, e.Archive, e.Fin, cutoff(now))
}

// Archivable reports whether e may be archived at all: closed, not
// archived yet.
func Archivable(e ledger.Exercice) bool { return e.Cloture && !e.Archive }

// cutoff is the latest closing date (AAAA-MM-JJ) of the default choice.
func cutoff(now time.Time) string { return now.AddDate(-MinAge, 0, 0).Format("2006-01-02") }

func defaultChoice(cloture, archived bool, fin, cutoff string) bool {
	return cloture && !archived && len(fin) >= 10 && fin[:10] <= cutoff
}

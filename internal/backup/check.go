package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
)

// QuickCheck runs SQLite's quick_check through q; anything but "ok" is an
// IntegrityError, shown with a backup's ending (« la sauvegarde n'a pas été
// enregistrée »). Other commands re-word it with Reword.
func QuickCheck(ctx context.Context, q ledger.Querier, label string) error {
	return pragmaCheck(ctx, q, "PRAGMA quick_check", label)
}

// IntegrityCheck is the slow, complete check (the « complet » level).
func IntegrityCheck(ctx context.Context, q ledger.Querier, label string) error {
	return pragmaCheck(ctx, q, "PRAGMA integrity_check", label)
}

// IntegrityError is what SQLite's own check found wrong in a database:
// every problem, for the log; people read Summary.
type IntegrityError struct {
	Dossier  string
	Problems []string
}

func (e *IntegrityError) Error() string {
	return fmt.Sprintf("SQLite check of %s: %d problem(s):\n%s", e.Dossier, len(e.Problems), strings.Join(e.Problems, "\n"))
}

func (e *IntegrityError) Unwrap() error { return dossier.ErrCorrupt }

// shownProblems is how many of SQLite's problems a message quotes.
const shownProblems = 3

var msgMore = &i18n.Message{ID: "ControleSQLiteAutres", One: "{{.Problems}} ; et {{.Count}} autre problème (liste complète dans le journal, --journal)", Other: "{{.Problems}} ; et {{.Count}} autres problèmes (liste complète dans le journal, --journal)"}

// Summary quotes the first problems, each cut short, and counts the rest.
func (e *IntegrityError) Summary() string {
	var first []string
	for _, p := range e.Problems[:min(len(e.Problems), shownProblems)] {
		if r := []rune(p); len(r) > 120 {
			p = string(r[:120]) + "…"
		}
		first = append(first, p)
	}
	s := strings.Join(first, " ; ")
	if rest := len(e.Problems) - len(first); rest > 0 {
		return i18n.N(msgMore, int64(rest), map[string]any{"Problems": s})
	}
	return s
}

// Reword gives a failed SQLite check the sentence m ({{.Dossier}},
// {{.Detail}}: the summary) — the ending that fits the command — keeping
// the IntegrityError behind it; other errors are returned as they are.
func Reword(err error, m *i18n.Message) error {
	var ie *IntegrityError
	if !errors.As(err, &ie) {
		return err
	}
	return i18n.E(m, map[string]any{"Dossier": ie.Dossier, "Detail": ie.Summary()}, ie)
}

func pragmaCheck(ctx context.Context, q ledger.Querier, pragma, label string) error {
	rows, err := q.QueryContext(ctx, pragma)
	if err != nil {
		return err
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		// One row may hold several problems, one per line, after a
		// « *** in database main *** » heading.
		for _, p := range strings.Split(s, "\n") {
			if p = strings.TrimSpace(p); p != "" && p != "ok" && !strings.HasPrefix(p, "***") {
				problems = append(problems, p)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return Reword(&IntegrityError{Dossier: label, Problems: problems}, msgQuickCheck)
	}
	return nil
}

// runChecks is the database side of a backup: quick_check (with verify)
// and the counts and totals, both on the snapshot. When the snapshot can
// be read by several connections at once (a private copy) they run side
// by side. (Their threads are not given a lower priority than the
// compression: priorities are system-wide, and on a loaded machine a
// lowered thread starves behind every other program.)
func runChecks(ctx context.Context, snap store.Snapshot, verify bool, label string) (dossier.Stats, error) {
	quick := func() error {
		if !verify {
			return nil
		}
		// A server snapshot checks the SQLite image it wrote: its Querier
		// speaks the server's SQL, not PRAGMA.
		if ic, ok := snap.(imageChecker); ok {
			return ic.QuickCheck(ctx, label)
		}
		return QuickCheck(ctx, snap.Querier(), label)
	}
	if _, pool := snap.Querier().(*sql.DB); !pool {
		if err := quick(); err != nil {
			return dossier.Stats{}, err
		}
		return snap.Stats(ctx)
	}
	var st dossier.Stats
	var qerr, serr error
	var wg sync.WaitGroup
	wg.Go(func() { qerr = quick() })
	wg.Go(func() { st, serr = snap.Stats(ctx) })
	wg.Wait()
	if qerr != nil {
		return st, qerr
	}
	return st, serr
}

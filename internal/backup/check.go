package backup

import (
	"context"
	"os"
	"strings"

	"coffre/internal/i18n"
	"coffre/internal/ledger"
)

var osStat = os.Stat

// QuickCheck runs SQLite's quick_check through q and turns anything but "ok"
// into a user-facing error naming the dossier.
func QuickCheck(ctx context.Context, q ledger.Querier, label string) error {
	return pragmaCheck(ctx, q, "PRAGMA quick_check", label)
}

// IntegrityCheck is the slow, complete check (the « complet » level).
func IntegrityCheck(ctx context.Context, q ledger.Querier, label string) error {
	return pragmaCheck(ctx, q, "PRAGMA integrity_check", label)
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
		if s != "ok" && len(problems) < 5 {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(problems) > 0 {
		return i18n.E(msgQuickCheck, map[string]any{"Dossier": label, "Detail": strings.Join(problems, " ; ")}, nil)
	}
	return nil
}

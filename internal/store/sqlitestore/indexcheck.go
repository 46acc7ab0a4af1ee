package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
)

var (
	msgIndexDiffers = &i18n.Message{ID: "IndexDifferent", Other: "L'index «\u00a0{{.Index}}\u00a0» ne correspond pas au contenu de la table «\u00a0{{.Table}}\u00a0» ({{.IndexRows}} entrées pour {{.TableRows}} lignes, ou d'autres valeurs)\u00a0: la base est endommagée, des requêtes y rendraient de faux résultats."}
	msgTableCheck   = &i18n.Message{ID: "TableEndommagee", Other: "Le contrôle complet de la table « {{.Table}} » a trouvé un problème ({{.Detail}}) : la base est endommagée."}
	msgIndexDup     = &i18n.Message{ID: "IndexDoublon", Other: "L'index unique «\u00a0{{.Index}}\u00a0» de la table «\u00a0{{.Table}}\u00a0» contient deux fois la même valeur\u00a0: la base est endommagée."}
)

func init() { registerDigest() }

// IndexCheck proves that every index of the database read by db holds
// exactly the rows of its table — what integrity_check adds to
// quick_check, for a fraction of its cost. Per index, the order-independent
// digest (coffre_empreinte) of (indexed columns, rowid) over a scan of the
// index alone is compared with the same digest over a scan of the table,
// where one scan of a table serves all its indexes; a unique index is
// also checked for repeated keys. The scans run on two connections at
// once. An index on expressions, or whose condition cannot be read, is
// left to PRAGMA integrity_check on its table. Progress: done/total scans.
func IndexCheck(ctx context.Context, db *sql.DB, label string, progress dossier.Progress) error {
	tables, err := Tables(ctx, db)
	if err != nil {
		return err
	}
	var tasks []func() error
	for _, t := range tables {
		ts, err := indexTasks(ctx, db, t)
		if err != nil {
			return err
		}
		tasks = append(tasks, ts...)
	}
	var (
		mu    sync.Mutex
		done  int
		first error
		wg    sync.WaitGroup
		next  = make(chan func() error)
	)
	report := func() {
		progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: label, Done: int64(done), Total: int64(len(tasks))})
	}
	report()
	for range 2 {
		wg.Go(func() {
			for task := range next {
				err := task()
				mu.Lock()
				done++
				if err != nil && first == nil {
					first = err
				}
				report()
				mu.Unlock()
			}
		})
	}
	for _, task := range tasks {
		mu.Lock()
		stop := first != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		next <- task
	}
	close(next)
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// index is what IndexCheck needs of one index.
type index struct {
	name, where string
	cols        []string // SQL of the indexed columns then the row's key
	keys        []string // the indexed columns alone (for unique)
	unique      bool
}

// indexTasks returns the scans that check the indexes of table t: one scan
// of the table computing every index's digest, one scan per index.
func indexTasks(ctx context.Context, db *sql.DB, t string) ([]func() error, error) {
	idx, fallback, err := indexesOf(ctx, db, t)
	if err != nil {
		return nil, err
	}
	var tasks []func() error
	if fallback {
		tasks = append(tasks, func() error {
			return pragmaIntegrity(ctx, db, t)
		})
	}
	if len(idx) == 0 {
		return tasks, nil
	}
	type digest struct{ n, sum int64 }
	fromTable := make([]digest, len(idx))
	var once sync.Once
	var tableErr error
	tableScan := func() error {
		once.Do(func() {
			var sel []string
			for _, x := range idx {
				filter := ""
				if x.where != "" {
					filter = " FILTER (WHERE " + x.where + ")"
				}
				sel = append(sel, "count(*)"+filter, "coffre_empreinte("+strings.Join(x.cols, ", ")+")"+filter)
			}
			row := db.QueryRowContext(ctx, "SELECT "+strings.Join(sel, ", ")+" FROM "+ledger.Quote(t)+" NOT INDEXED")
			dest := make([]any, 0, 2*len(idx))
			for i := range fromTable {
				dest = append(dest, &fromTable[i].n, &sqlNullInt{&fromTable[i].sum})
			}
			tableErr = row.Scan(dest...)
		})
		return tableErr
	}
	tasks = append(tasks, tableScan)
	for i, x := range idx {
		tasks = append(tasks, func() error {
			var got digest
			q := "SELECT count(*), coffre_empreinte(" + strings.Join(x.cols, ", ") + ") FROM " + ledger.Quote(t) + " INDEXED BY " + ledger.Quote(x.name)
			if x.where != "" {
				q += " WHERE " + x.where
			}
			if err := db.QueryRowContext(ctx, q).Scan(&got.n, &sqlNullInt{&got.sum}); err != nil {
				return err
			}
			if x.unique {
				var nonNull []string
				for _, k := range x.keys {
					nonNull = append(nonNull, k+" IS NOT NULL")
				}
				where := strings.Join(nonNull, " AND ")
				if x.where != "" {
					where = "(" + x.where + ") AND " + where
				}
				var one int
				err := db.QueryRowContext(ctx, "SELECT 1 FROM "+ledger.Quote(t)+" INDEXED BY "+ledger.Quote(x.name)+" WHERE "+where+" GROUP BY "+strings.Join(x.keys, ", ")+" HAVING count(*) > 1 LIMIT 1").Scan(&one)
				if err == nil {
					return i18n.E(msgIndexDup, map[string]any{"Index": x.name, "Table": t}, dossier.ErrCorrupt)
				} else if err != sql.ErrNoRows {
					return err
				}
			}
			// Both scans read the same file: the table's may run after.
			if err := tableScan(); err != nil {
				return err
			}
			if want := fromTable[i]; got != want {
				return i18n.E(msgIndexDiffers, map[string]any{"Index": x.name, "Table": t, "IndexRows": got.n, "TableRows": want.n},
					fmt.Errorf("%w: index %s: %d rows, digest %x; table: %d rows, digest %x", dossier.ErrCorrupt, x.name, got.n, got.sum, want.n, want.sum))
			}
			return nil
		})
	}
	return tasks, nil
}

// sqlNullInt scans an integer that is NULL over no rows as 0.
type sqlNullInt struct{ v *int64 }

func (s *sqlNullInt) Scan(src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*s.v = n.Int64
	return nil
}

// indexesOf lists the indexes of table t that IndexCheck can check by
// digest; fallback is set when one cannot be (an index on expressions, a
// condition it cannot read): integrity_check then checks that table.
func indexesOf(ctx context.Context, db *sql.DB, t string) ([]index, bool, error) {
	rows, err := db.QueryContext(ctx, "SELECT name, \"unique\", partial FROM pragma_index_list(?)", t)
	if err != nil {
		return nil, false, err
	}
	type entry struct {
		name            string
		unique, partial bool
	}
	var list []entry
	for rows.Next() {
		var e entry
		if err := rows.Scan(&e.name, &e.unique, &e.partial); err != nil {
			rows.Close()
			return nil, false, err
		}
		list = append(list, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	var out []index
	fallback := false
	for _, e := range list {
		x := index{name: e.name, unique: e.unique}
		xr, err := db.QueryContext(ctx, "SELECT cid, name, key FROM pragma_index_xinfo(?) ORDER BY seqno", e.name)
		if err != nil {
			return nil, false, err
		}
		ok := true
		for xr.Next() {
			var cid int
			var name sql.NullString
			var key bool
			if err := xr.Scan(&cid, &name, &key); err != nil {
				xr.Close()
				return nil, false, err
			}
			var col string
			switch {
			case cid >= 0 && name.Valid:
				col = ledger.Quote(name.String)
			case cid == -1:
				col = "_rowid_"
			default:
				ok = false // an expression
			}
			x.cols = append(x.cols, col)
			if key {
				x.keys = append(x.keys, col)
			}
		}
		err = xr.Err()
		xr.Close()
		if err != nil {
			return nil, false, err
		}
		if e.partial && ok {
			var def string
			if err := db.QueryRowContext(ctx, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", e.name).Scan(&def); err != nil {
				return nil, false, err
			}
			x.where, ok = partialWhere(def)
		}
		if !ok {
			fallback = true
			continue
		}
		out = append(out, x)
	}
	return out, fallback, nil
}

// partialWhere returns the condition of a CREATE INDEX … WHERE statement:
// what follows the first WHERE outside parentheses and quotes.
func partialWhere(def string) (string, bool) {
	depth := 0
	for i := 0; i < len(def); i++ {
		switch c := def[i]; c {
		case '(':
			depth++
		case ')':
			depth--
		case '\'', '"', '`', '[':
			end := c
			if c == '[' {
				end = ']'
			}
			j := strings.IndexByte(def[i+1:], end)
			if j < 0 {
				return "", false
			}
			i += j + 1
		default:
			if depth == 0 && (c == 'w' || c == 'W') && len(def) >= i+5 && strings.EqualFold(def[i:i+5], "where") &&
				i > 0 && isSpace(def[i-1]) && (len(def) == i+5 || isSpace(def[i+5]) || def[i+5] == '(') {
				w := strings.TrimSpace(def[i+5:])
				return w, w != ""
			}
		}
	}
	return "", false
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// pragmaIntegrity runs integrity_check on table t alone and turns its
// first problem into an error.
func pragmaIntegrity(ctx context.Context, db *sql.DB, t string) error {
	rows, err := db.QueryContext(ctx, "PRAGMA integrity_check("+ledger.Quote(t)+")")
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return err
		}
		if s != "ok" {
			return i18n.E(msgTableCheck, map[string]any{"Table": t, "Detail": s}, dossier.ErrCorrupt)
		}
	}
	return rows.Err()
}

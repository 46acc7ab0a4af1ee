package sqlitestore

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
)

var (
	msgNeedsModule   = &i18n.Message{ID: "SQLiteModuleManquant", Other: "La base « {{.Base}} » a besoin du module SQLite « {{.Module}} » (table « {{.Table}} »), que Coffre ne contient pas (une extension chargeable, comme SpatiaLite) : elle ne peut pas être copiée fidèlement et n'a pas été traitée. Rien n'a été écrit."}
	msgNeedsFunction = &i18n.Message{ID: "SQLiteFonctionManquante", Other: "La base « {{.Base}} » utilise la fonction SQL « {{.Function}} » (table « {{.Table}} »), que Coffre ne contient pas (une extension chargeable) : elle ne peut pas être copiée fidèlement et n'a pas été traitée. Rien n'a été écrit."}
	msgNeedsOther    = &i18n.Message{ID: "SQLiteFonctionnaliteManquante", Other: "La base « {{.Base}} » a besoin d'une fonctionnalité SQLite que Coffre ne contient pas (table « {{.Table}} » : {{.Detail}}) : elle n'a pas été traitée. Rien n'a été écrit."}
)

var (
	noModuleRe   = regexp.MustCompile(`no such module: ([^\s]+)`)
	noFunctionRe = regexp.MustCompile(`(?:unknown|no such) function: ([^\s(]+)`)
	noTokenRe    = regexp.MustCompile(`(?:no such tokenizer|unknown tokenizer): ([^\s]+)`)
)

// CheckModules prepares a read of every table of the database q sees (its
// user tables, the virtual ones included), so that a table needing a
// virtual-table module, a tokenizer or a function this build of SQLite
// lacks (a loadable extension such as SpatiaLite, or a binary built without
// scripts/goenv.sh's tags) is refused in French, naming what is missing,
// before anything is read or written. path names the base in the message.
func CheckModules(ctx context.Context, q ledger.Querier, path string) error {
	rows, err := q.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, n)
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return err
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, t := range tables {
		r, err := q.QueryContext(ctx, "SELECT * FROM "+ledger.Quote(t)+" LIMIT 0")
		if err == nil {
			err = r.Close()
		}
		if err != nil {
			if e := MissingFeature(err, path, t); e != nil {
				return e
			}
			return err
		}
	}
	return nil
}

// MissingFeature turns SQLite's « no such module / function / tokenizer »
// into the French refusal naming it; nil for any other error.
func MissingFeature(err error, path, table string) error {
	if err == nil {
		return nil
	}
	msg := err.Error()
	data := map[string]any{"Base": filepath.Base(path), "Table": table}
	cause := fmt.Errorf("%w: %v", dossier.ErrUnfaithful, err)
	if m := noModuleRe.FindStringSubmatch(msg); m != nil {
		data["Module"] = m[1]
		return i18n.E(msgNeedsModule, data, cause)
	}
	if m := noFunctionRe.FindStringSubmatch(msg); m != nil {
		data["Function"] = strings.TrimSuffix(m[1], "()")
		return i18n.E(msgNeedsFunction, data, cause)
	}
	if noTokenRe.MatchString(msg) {
		data["Detail"] = msg
		return i18n.E(msgNeedsOther, data, cause)
	}
	return nil
}

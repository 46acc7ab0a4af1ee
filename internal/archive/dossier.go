package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

var (
	msgNeedFiles = &i18n.Message{ID: "ArchiveConnexionFichiers", Other: "L'archivage modifie le dossier sur place : il n'est possible que sur une connexion « dossier de fichiers SQLite »."}
	msgNotV1     = &i18n.Message{ID: "ArchiveSchema", Other: "Le dossier {{.Dossier}} n'est pas un dossier de gestion (schéma version 1) : il ne peut pas être archivé ni désarchivé."}
	msgChanged   = &i18n.Message{ID: "ArchiveDossierModifie", Other: "Le dossier {{.Dossier}} a été modifié pendant l'opération ({{.Detail}}) : rien n'a été changé. Fermez le logiciel de gestion et recommencez."}
	msgBalances  = &i18n.Message{ID: "ArchiveSoldesDifferents", Other: "Les soldes du dossier {{.Dossier}} par compte et par tiers auraient changé ({{.Detail}}) : l'opération a été annulée, rien n'a été modifié."}
	msgOutside   = &i18n.Message{ID: "ArchiveHorsExercices", Other: "L'opération aurait modifié dans le dossier {{.Dossier}} des lignes qui n'appartiennent pas aux exercices {{.Exercices}} (tables : {{.Tables}}) : elle a été annulée, rien n'a été modifié."}
)

// Files is what archiving needs of a connexion besides store.Store: the
// local SQLite file of a dossier, which it changes in place
// (sqlitestore.Folder has it).
type Files interface {
	Path(numero string) (string, error)
}

// exercice is one row of the dossier's exercices table.
type exercice struct {
	ID                int64
	Code, Debut, Fin  string
	Cloture, Archived bool
}

// opened is a schema-v1 dossier open for writing on one connection.
type opened struct {
	path      string
	db        *sql.DB
	conn      *sql.Conn
	id        dossier.Identity
	exercices []exercice
}

func (o *opened) close() {
	if o.conn != nil {
		o.conn.Close()
	}
	if o.db != nil {
		o.db.Close()
	}
}

// open opens dossier numero of s for writing and reads its identity and
// exercices. The caller holds the dossier's lock.
func open(ctx context.Context, s store.Store, numero string) (*opened, error) {
	files, ok := s.(Files)
	if !ok {
		return nil, i18n.E(msgNeedFiles, nil, dossier.ErrNotFound)
	}
	path, err := files.Path(numero)
	if err != nil {
		return nil, err
	}
	o := &opened{path: path}
	if o.db, err = sqlitestore.OpenRW(path); err != nil {
		return nil, err
	}
	if o.conn, err = o.db.Conn(ctx); err != nil {
		o.close()
		return nil, err
	}
	tables, err := sqlitestore.Tables(ctx, o.conn)
	if err != nil {
		o.close()
		return nil, sqlitestore.MapError(path, err)
	}
	if !ledger.IsV1(tables) {
		o.close()
		return nil, i18n.E(msgNotV1, map[string]any{"Dossier": numero}, dossier.ErrSchema)
	}
	var siren sql.NullString
	var version sql.NullInt64
	err = o.conn.QueryRowContext(ctx, `SELECT numero, nom, raison_sociale, siren, identifiant, version_schema FROM dossier LIMIT 1`).
		Scan(&o.id.Numero, &o.id.Nom, &o.id.RaisonSociale, &siren, &o.id.Identifiant, &version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		o.close()
		return nil, err
	}
	o.id.SIREN, o.id.VersionSchema = siren.String, int(version.Int64)
	// The number the connexion knows it by: its file's (see InFile).
	o.id = o.id.InFile(filepath.Base(path))
	if err := dossier.CheckSchemaVersion(o.id, numero); err != nil {
		o.close()
		return nil, err
	}
	if o.exercices, err = readExercices(ctx, o.conn); err != nil {
		o.close()
		return nil, err
	}
	return o, nil
}

func readExercices(ctx context.Context, q ledger.Querier) ([]exercice, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, debut, fin, cloture, archive FROM exercices ORDER BY debut, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exercice
	for rows.Next() {
		var e exercice
		var c, a sql.NullInt64
		if err := rows.Scan(&e.ID, &e.Code, &e.Debut, &e.Fin, &c, &a); err != nil {
			return nil, err
		}
		e.Cloture, e.Archived = c.Int64 != 0, a.Int64 != 0
		out = append(out, e)
	}
	return out, rows.Err()
}

func (o *opened) exercice(code string) (exercice, bool) {
	for _, e := range o.exercices {
		if e.Code == code {
			return e, true
		}
	}
	return exercice{}, false
}

// balances is the balance (debit − credit, cents) of every (compte, tiers)
// pair of the whole dossier with a non-zero balance; the balance per compte
// and per tiers follow from it.
func balances(ctx context.Context, q ledger.Querier) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT compte, tiers_id, SUM(debit) - SUM(credit) FROM main.lignes GROUP BY compte, tiers_id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var compte string
		var tiers sql.NullInt64
		var s ledger.Sum
		if err := rows.Scan(&compte, &tiers, &s); err != nil {
			return nil, err
		}
		if s != 0 {
			out[pairKey(compte, tiers)] = int64(s)
		}
	}
	return out, rows.Err()
}

func pairKey(compte string, tiers sql.NullInt64) string {
	if !tiers.Valid {
		return compte
	}
	return compte + " / tiers " + strconv.FormatInt(tiers.Int64, 10)
}

// diffBalances describes how two balance maps differ, "" when they agree.
func diffBalances(before, after map[string]int64) string {
	var diffs []string
	for k, v := range before {
		if after[k] != v {
			diffs = append(diffs, fmt.Sprintf("%s : %s → %s", k, i18n.Money(v), i18n.Money(after[k])))
		}
	}
	for k, v := range after {
		if _, ok := before[k]; !ok {
			diffs = append(diffs, fmt.Sprintf("%s : %s → %s", k, i18n.Money(0), i18n.Money(v)))
		}
	}
	sort.Strings(diffs)
	if len(diffs) > 3 {
		diffs = append(diffs[:3], fmt.Sprintf("… %d autres", len(diffs)-3))
	}
	return strings.Join(diffs, "\u00a0; ")
}

// checkSessions applies the sessions policy to the open dossier: refused
// while the management software is listed as working on it, unless
// confirmed.
func checkSessions(ctx context.Context, o *opened, confirm bool, idle time.Duration, now func() time.Time) ([]i18n.Note, error) {
	ss, err := ledger.Sessions(ctx, o.conn)
	if err != nil {
		return nil, err
	}
	return dossier.SessionPolicy{Confirm: confirm, Idle: idle, Now: now}.Check(o.id.Numero, ss)
}

// moving is what archiving and de-archiving change in the dossier: the
// rows of the exercices ids, in the four tables that hold them. Everything
// else must come out of the transaction as it went in (ledger.ContentOf).
func moving(ids []int64) map[string]string {
	var list []string
	for _, id := range ids {
		list = append(list, strconv.FormatInt(id, 10))
	}
	in := "(" + strings.Join(list, ", ") + ")"
	entries := "ecriture_id IN (SELECT id FROM main.ecritures WHERE exercice_id IN " + in + ")"
	return map[string]string{"exercices": "id IN " + in, "ecritures": "exercice_id IN " + in, "lignes": entries, "annexes": entries}
}

// unchangedOutside compares the content taken at the start of the
// transaction with the content now.
func unchangedOutside(ctx context.Context, c *sql.Conn, before ledger.Content, changing map[string]string, numero string, codes []string) error {
	after, err := ledger.ContentOf(ctx, c, "main", changing)
	if err != nil {
		return err
	}
	if d := ledger.Changed(before, after); len(d) > 0 {
		return i18n.E(msgOutside, map[string]any{"Dossier": numero, "Exercices": strings.Join(codes, ", "), "Tables": strings.Join(d, ", ")}, dossier.ErrCorrupt)
	}
	return nil
}

// totals are the counts and sums of one exercice's rows.
type totals struct {
	Ecritures, Lignes, Annexes, Debit, Credit int64
}

// exerciceTotals reads the totals of exercice id in schema (main or paf).
func exerciceTotals(ctx context.Context, q ledger.Querier, schema string, id int64) (totals, error) {
	var t totals
	var d, c ledger.Sum
	err := q.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM `+schema+`.ecritures WHERE exercice_id = ?1),
		(SELECT COUNT(*) FROM `+schema+`.lignes WHERE ecriture_id IN (SELECT id FROM `+schema+`.ecritures WHERE exercice_id = ?1)),
		(SELECT COUNT(*) FROM `+schema+`.annexes WHERE ecriture_id IN (SELECT id FROM `+schema+`.ecritures WHERE exercice_id = ?1)),
		(SELECT COALESCE(SUM(debit), 0) FROM `+schema+`.lignes WHERE ecriture_id IN (SELECT id FROM `+schema+`.ecritures WHERE exercice_id = ?1)),
		(SELECT COALESCE(SUM(credit), 0) FROM `+schema+`.lignes WHERE ecriture_id IN (SELECT id FROM `+schema+`.ecritures WHERE exercice_id = ?1))`, id).
		Scan(&t.Ecritures, &t.Lignes, &t.Annexes, &d, &c)
	t.Debit, t.Credit = int64(d), int64(c)
	return t, err
}

// columns lists the columns of table in schema, quoted and comma-joined.
func columns(ctx context.Context, q ledger.Querier, schema, table string) (string, error) {
	rows, err := q.QueryContext(ctx, `SELECT name FROM pragma_table_info(?, ?) ORDER BY cid`, table, schema)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	var cols []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return "", err
		}
		cols = append(cols, ledger.Quote(n))
	}
	return strings.Join(cols, ", "), rows.Err()
}

// exec runs each statement on q, stopping at the first error.
func exec(ctx context.Context, c *sql.Conn, stmts ...string) error {
	for _, s := range stmts {
		if _, err := c.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("%s: %w", firstWords(s), err)
		}
	}
	return nil
}

func firstWords(s string) string {
	f := strings.Fields(s)
	if len(f) > 6 {
		f = f[:6]
	}
	return strings.Join(f, " ")
}

// label names a list of exercice codes: « 2014-2015 » for a run of
// consecutive exercices of the dossier, « 2014_2017 » otherwise.
func label(all []exercice, codes []string) string {
	pos := map[string]int{}
	for i, e := range all {
		pos[e.Code] = i
	}
	sorted := append([]string(nil), codes...)
	sort.Slice(sorted, func(i, j int) bool { return pos[sorted[i]] < pos[sorted[j]] })
	consecutive := true
	for i := 1; i < len(sorted); i++ {
		if pos[sorted[i]] != pos[sorted[i-1]]+1 {
			consecutive = false
		}
	}
	clean := func(s string) string {
		return strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' {
				return r
			}
			return '_'
		}, s)
	}
	switch {
	case len(sorted) == 1:
		return clean(sorted[0])
	case consecutive:
		return clean(sorted[0]) + "-" + clean(sorted[len(sorted)-1])
	}
	for i := range sorted {
		sorted[i] = clean(sorted[i])
	}
	return strings.Join(sorted, "_")
}

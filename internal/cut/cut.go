package cut

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/store/workcopy"
)

var (
	msgNeedV1      = &i18n.Message{ID: "DecoupeSchemaRequis", Other: "Le dossier {{.Dossier}} n'est pas un dossier de gestion (schéma version 1) : la découpe d'exercices en a besoin."}
	msgNoExercice  = &i18n.Message{ID: "DecoupeExerciceInconnu", Other: "Le dossier {{.Dossier}} n'a pas d'exercice {{.Code}} (exercices : {{.List}})."}
	msgNothing     = &i18n.Message{ID: "DecoupeRienAvant", Other: "{{.Code}} est le premier exercice du dossier {{.Dossier}} : il n'y a rien avant lui à découper."}
	msgNoFolder    = &i18n.Message{ID: "DecoupeConnexionFichiers", Other: "La découpe n'est possible que dans une connexion de fichiers SQLite."}
	msgCheckCut    = &i18n.Message{ID: "DecoupeFichierIncorrect", Other: "Le fichier découpé ne correspond pas aux exercices d'origine ({{.Detail}}) : il a été supprimé et le dossier n'a pas été modifié."}
	msgCheckKept   = &i18n.Message{ID: "DecoupeSoldesModifies", Other: "La découpe changerait les exercices conservés ({{.Detail}}) : elle a été annulée, le dossier n'a pas été modifié."}
	msgFK          = &i18n.Message{ID: "DecoupeReferencesCassees", One: "{{.Count}} référence vers les exercices découpés resterait dans « {{.File}} » ({{.Example}}) : la découpe a été annulée, le dossier n'a pas été modifié.", Other: "{{.Count}} références vers les exercices découpés resteraient dans « {{.File}} » (par exemple {{.Example}}) : la découpe a été annulée, le dossier n'a pas été modifié."}
	msgNoAN        = &i18n.Message{ID: "DecoupeSansANouveaux", Other: "L'exercice {{.Code}} n'a pas d'écriture d'à-nouveaux : ses soldes de bilan ne reprennent pas ceux des exercices découpés."}
	msgChanged     = &i18n.Message{ID: "DecoupeExercicesModifies", Other: "Les exercices à découper ont été modifiés pendant la découpe ({{.Detail}}) : le dossier n'a pas été modifié et le fichier découpé a été supprimé ; recommencez, logiciel de gestion fermé."}
	msgVacuumError = &i18n.Message{ID: "DecoupeCompactage", Other: "La découpe est faite, mais le fichier du dossier n'a pas pu être compacté ({{.Detail}}) : il garde sa taille jusqu'au prochain compactage."}
	msgOutsideCut  = &i18n.Message{ID: "DecoupeFichierLignesModifiees", Other: "Le fichier découpé n'aurait pas gardé à l'identique les lignes des exercices {{.Exercices}} (tables : {{.Tables}}) : la découpe a été annulée, le dossier n'a pas été modifié."}
	msgOutsideKept = &i18n.Message{ID: "DecoupeDossierLignesModifiees", Other: "La découpe aurait modifié des lignes des exercices conservés {{.Exercices}} dans le dossier {{.Dossier}} (tables : {{.Tables}}) : elle a été annulée, le dossier n'a pas été modifié."}
)

// PhaseDecoupe is the phase that trims the cut file and the original;
// Done and Total count steps.
const PhaseDecoupe dossier.Phase = "decoupe"

// MinExercices is the wizard's default: dossiers with at least this many
// exercices are proposed for a cut.
const MinExercices = 7

// Eligible reports whether the wizard lists dossier info by default: a
// schema-v1 dossier with at least MinExercices exercices.
func Eligible(info dossier.Info) bool {
	return info.Error == "" && info.Schema == "v1" && info.Exercices >= MinExercices
}

// Request is one cut.
type Request struct {
	Store  store.Store
	Numero string
	// FirstKept is the code of the first exercice the dossier keeps
	// ("2020"); the ones before it move to the cut file.
	FirstKept string
	DestDir   string
	// Clean removes, in each file, the tiers and the comptes that no line
	// (and, for a compte, no tiers) uses any more.
	Clean bool
	// IgnoreSessions confirms cutting a dossier its sessions table says is
	// open; SessionIdle is when a listed session counts as closed (0:
	// dossier.DefaultSessionIdle).
	IgnoreSessions bool
	SessionIdle    time.Duration
	SafetyDir      string
	Progress       dossier.Progress
}

// Cleaned counts what Clean removed from one file.
type Cleaned struct {
	Tiers   int64 `json:"tiers"`
	Comptes int64 `json:"comptes"`
}

// Result says what the cut did.
type Result struct {
	Dossier  dossier.Identity
	CutPath  string
	CutSize  int64
	Sequence int
	Moved    []string // exercice codes now in the cut file
	Kept     []string // exercice codes left in the dossier
	// Ecritures, Lignes and Annexes moved to the cut file.
	Ecritures, Lignes, Annexes int64
	CleanedCut, CleanedKept    Cleaned
	// SizeBefore and SizeAfter are the dossier file's sizes.
	SizeBefore, SizeAfter int64
	SafetyBackup          string
	Warnings              []i18n.Note
	// Notes: sessions set aside as probably closed, or confirmed.
	Notes    []i18n.Note
	Duration time.Duration
}

type pather interface {
	Path(numero string) (string, error)
}

type exercice struct {
	id    int64
	code  string
	debut string
}

// balance is one (compte, tiers) pair's debit and credit.
type balance struct{ debit, credit int64 }

// Run cuts the dossier.
func Run(ctx context.Context, req Request) (res Result, err error) {
	if err := req.Validate(); err != nil {
		return res, err
	}
	if workcopy.Needed(req.Store) {
		return runOnServer(ctx, req)
	}
	start := time.Now()
	ps, ok := req.Store.(pather)
	if !ok {
		return res, i18n.E(msgNoFolder, nil, nil)
	}
	fsutil.SweepTemp(req.DestDir)
	ref := store.InStore(req.Store, req.Numero)
	unlock, err := ref.Lock(ctx)
	if err != nil {
		return res, err
	}
	defer unlock()
	path, err := ps.Path(req.Numero)
	if err != nil {
		return res, err
	}
	if fi, err := os.Stat(path); err == nil {
		res.SizeBefore = fi.Size()
	}

	plan, err := makePlan(ctx, ref, req, &res)
	if err != nil {
		return res, err
	}
	cutFile, err := writeCut(ctx, req, plan, &res)
	if err != nil {
		return res, err
	}
	defer cutFile.Abort()
	// Until the dossier's own transaction commits, a failure removes the
	// cut file: « nothing was changed » must be true, and the next cut
	// takes the same number.
	trimmedOriginal := false
	defer func() {
		if err != nil && !trimmedOriginal && res.CutPath != "" {
			err = dossier.Undo(err, res.CutPath)
			res.CutPath, res.CutSize = "", 0
		}
	}()
	if err := ctx.Err(); err != nil {
		return res, err
	}
	final := cutFile.Final()
	sqlitestore.RemoveOrphanSidecars(final)
	if err := cutFile.Commit(false); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return res, fmt.Errorf("%s: %w", final, dossier.ErrExists)
		}
		return res, err
	}
	res.CutPath = final
	if fi, err := os.Stat(final); err == nil {
		res.CutSize = fi.Size()
	}

	if err := os.MkdirAll(req.SafetyDir, 0o755); err != nil {
		return res, err
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseSecurite, Dossier: plan.id.Numero})
	sb, err := backup.Run(ctx, backup.Request{Source: ref, DestDir: req.SafetyDir, Verify: true, Locked: true, Progress: req.Progress})
	if err != nil {
		return res, err
	}
	res.SafetyBackup = sb.Path

	if err := trimOriginal(ctx, req, plan, path, &res); err != nil {
		return res, err
	}
	trimmedOriginal = true
	if err := vacuum(ctx, path); err != nil {
		res.Warnings = append(res.Warnings, i18n.NewNote(msgVacuumError, map[string]any{"Detail": err.Error()}))
	}
	if fi, err := os.Stat(path); err == nil {
		res.SizeAfter = fi.Size()
	}
	res.Duration = time.Since(start)
	return res, nil
}

// plan is what the snapshot said before anything was written.
type plan struct {
	id        dossier.Identity
	old, kept []exercice
	firstDate string // debut of the first exercice kept
	stats     dossier.Stats
	oldBal    map[[2]string]balance
	keptBal   map[[2]string]balance
	snap      store.Snapshot
}

func makePlan(ctx context.Context, ref store.Ref, req Request, res *Result) (*plan, error) {
	snap, err := ref.Snapshot(ctx, store.SnapshotOptions{TempDir: req.DestDir})
	if err != nil {
		return nil, err
	}
	p := &plan{snap: snap}
	ok := false
	defer func() {
		if !ok {
			snap.Close()
		}
	}()
	p.id = snap.Identity()
	res.Dossier = p.id
	if snap.Schema() != "v1" {
		return nil, i18n.E(msgNeedV1, map[string]any{"Dossier": req.Numero}, dossier.ErrSchema)
	}
	if err := dossier.CheckSchemaVersion(p.id, req.Numero); err != nil {
		return nil, err
	}
	ss, err := snap.Sessions(ctx)
	if err != nil {
		return nil, err
	}
	if res.Notes, err = (dossier.SessionPolicy{Confirm: req.IgnoreSessions, Idle: req.SessionIdle}).Check(p.id.Base(), ss); err != nil {
		return nil, err
	}
	q := snap.Querier()
	all, err := exercices(ctx, q)
	if err != nil {
		return nil, err
	}
	at := -1
	var codes []string
	for i, e := range all {
		codes = append(codes, e.code)
		if e.code == req.FirstKept {
			at = i
		}
	}
	switch {
	case at < 0:
		return nil, i18n.E(msgNoExercice, map[string]any{"Dossier": p.id.Base(), "Code": req.FirstKept, "List": strings.Join(codes, ", ")}, dossier.ErrNotFound)
	case at == 0:
		return nil, i18n.E(msgNothing, map[string]any{"Dossier": p.id.Base(), "Code": req.FirstKept}, nil)
	}
	p.old, p.kept, p.firstDate = all[:at], all[at:], all[at].debut
	for _, e := range p.old {
		res.Moved = append(res.Moved, e.code)
	}
	for _, e := range p.kept {
		res.Kept = append(res.Kept, e.code)
	}
	if p.stats, err = snap.Stats(ctx); err != nil {
		return nil, err
	}
	if p.oldBal, err = balances(ctx, q, "<", p.firstDate); err != nil {
		return nil, err
	}
	if p.keptBal, err = balances(ctx, q, ">=", p.firstDate); err != nil {
		return nil, err
	}
	var an int64
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ecritures WHERE exercice_id = ? AND origine = 'ANOUVEAU'`, p.kept[0].id).Scan(&an); err != nil {
		return nil, err
	}
	if an == 0 {
		res.Warnings = append(res.Warnings, i18n.NewNote(msgNoAN, map[string]any{"Code": p.kept[0].code}))
	}
	ok = true
	return p, nil
}

// exercices lists the dossier's exercices in chronological order.
func exercices(ctx context.Context, q ledger.Querier) ([]exercice, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, debut FROM exercices ORDER BY debut, code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []exercice
	for rows.Next() {
		var e exercice
		if err := rows.Scan(&e.id, &e.code, &e.debut); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// balances sums debit and credit per (compte, tiers) over the exercices
// starting before (op "<") or from (op ">=") date.
func balances(ctx context.Context, q ledger.Querier, op, date string) (map[[2]string]balance, error) {
	rows, err := q.QueryContext(ctx, `SELECT l.compte, COALESCE(CAST(l.tiers_id AS TEXT), ''), SUM(l.debit), SUM(l.credit)
		FROM lignes l JOIN ecritures e ON e.id = l.ecriture_id JOIN exercices x ON x.id = e.exercice_id
		WHERE x.debut `+op+` ? GROUP BY 1, 2`, date)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[[2]string]balance{}
	for rows.Next() {
		var k [2]string
		var d, c ledger.Sum
		if err := rows.Scan(&k[0], &k[1], &d, &c); err != nil {
			return nil, err
		}
		out[k] = balance{int64(d), int64(c)}
	}
	return out, rows.Err()
}

func diffBalances(want, got map[[2]string]balance) []string {
	var out []string
	for k, w := range want {
		if g := got[k]; g != w {
			out = append(out, fmt.Sprintf("compte %s%s : débit %s crédit %s au lieu de %s et %s", k[0], tiersLabel(k[1]), i18n.Money(g.debit), i18n.Money(g.credit), i18n.Money(w.debit), i18n.Money(w.credit)))
		}
	}
	for k, g := range got {
		if _, ok := want[k]; !ok {
			out = append(out, fmt.Sprintf("compte %s%s en trop (débit %s crédit %s)", k[0], tiersLabel(k[1]), i18n.Money(g.debit), i18n.Money(g.credit)))
		}
	}
	sort.Strings(out)
	if len(out) > 5 {
		out = append(out[:5], fmt.Sprintf("… (%d autres)", len(out)-5))
	}
	return out
}

// tiersLabel names the tiers part of a balance key, "" for none.
func tiersLabel(id string) string {
	if id == "" {
		return ""
	}
	return " tiers n° " + id
}

// nextSequence is one more than the highest cut of this dossier found in
// the destination or beside the dossier.
func nextSequence(id dossier.Identity, dirs ...string) int {
	seq := 0
	for _, dir := range dirs {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, dossier.ExtDB) {
				continue
			}
			p, ok := dossier.ParseDBName(strings.TrimSuffix(name, dossier.ExtDB))
			if ok && p.Kind == dossier.KindCut && p.Numero == id.Numero && strings.EqualFold(p.Nom, id.Nom) && p.Cut > seq {
				seq = p.Cut
			}
		}
	}
	return seq + 1
}

// openRW opens a database for the cut's own writes, foreign keys off (they
// are checked as a whole before each COMMIT).
func openRW(ctx context.Context, path string) (*sql.DB, *sql.Conn, error) {
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw&_busy_timeout=10000"))
	if err != nil {
		return nil, nil, err
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	if _, err := conn.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
		conn.Close()
		db.Close()
		return nil, nil, err
	}
	return db, conn, nil
}

// execer is a connection or a transaction.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// deleteYears deletes the annexes, lignes and ecritures of the exercices
// whose debut is op date, then those exercices; it returns how many
// ecritures, lignes and annexes went.
func deleteYears(ctx context.Context, x execer, op, date string) (e, l, a int64, err error) {
	sel := `SELECT e.id FROM ecritures e JOIN exercices x ON x.id = e.exercice_id WHERE x.debut ` + op + ` ?`
	for _, s := range []struct {
		q string
		n *int64
	}{
		{`DELETE FROM annexes WHERE ecriture_id IN (` + sel + `)`, &a},
		{`DELETE FROM lignes WHERE ecriture_id IN (` + sel + `)`, &l},
		{`DELETE FROM ecritures WHERE id IN (` + sel + `)`, &e},
		{`DELETE FROM exercices WHERE debut ` + op + ` ?`, nil},
	} {
		r, err := x.ExecContext(ctx, s.q, date)
		if err != nil {
			return 0, 0, 0, err
		}
		if s.n != nil {
			*s.n, _ = r.RowsAffected()
		}
	}
	return e, l, a, nil
}

func ids(ex []exercice) []int64 {
	var out []int64
	for _, e := range ex {
		out = append(out, e.id)
	}
	return out
}

// trimmed is what a cut changes in one of its two files: the rows of the
// exercices gone, and with clean the tiers and comptes that no remaining
// line (or, for a compte, no remaining tiers) uses. Every other row must
// come out of the transaction as it went in (ledger.ContentOf).
func trimmed(gone []int64, clean bool) map[string]string {
	var list []string
	for _, id := range gone {
		list = append(list, strconv.FormatInt(id, 10))
	}
	in := "(" + strings.Join(list, ", ") + ")"
	entries := "ecriture_id IN (SELECT id FROM main.ecritures WHERE exercice_id IN " + in + ")"
	m := map[string]string{"exercices": "id IN " + in, "ecritures": "exercice_id IN " + in, "lignes": entries, "annexes": entries}
	if clean {
		kept := "SELECT %s FROM main.lignes WHERE COALESCE(" + entries + ", 0) = 0"
		tiers := fmt.Sprintf(kept, "tiers_id") + " AND tiers_id IS NOT NULL"
		m["tiers"] = "id NOT IN (" + tiers + ")"
		m["comptes"] = "numero NOT IN (" + fmt.Sprintf(kept, "compte") + ") AND numero NOT IN (SELECT compte FROM main.tiers WHERE id IN (" + tiers + "))"
	}
	return m
}

// changedOutside lists the tables whose rows outside scope differ from
// the content taken at the start of the transaction.
func changedOutside(ctx context.Context, conn *sql.Conn, before ledger.Content, scope map[string]string) ([]string, error) {
	after, err := ledger.ContentOf(ctx, conn, "main", scope)
	if err != nil {
		return nil, err
	}
	return ledger.Changed(before, after), nil
}

// clean removes the tiers and comptes no line uses any more.
func clean(ctx context.Context, conn *sql.Conn) (Cleaned, error) {
	var c Cleaned
	r, err := conn.ExecContext(ctx, `DELETE FROM tiers WHERE id NOT IN (SELECT tiers_id FROM lignes WHERE tiers_id IS NOT NULL)`)
	if err != nil {
		return c, err
	}
	c.Tiers, _ = r.RowsAffected()
	r, err = conn.ExecContext(ctx, `DELETE FROM comptes WHERE numero NOT IN (SELECT compte FROM lignes) AND numero NOT IN (SELECT compte FROM tiers)`)
	if err != nil {
		return c, err
	}
	c.Comptes, _ = r.RowsAffected()
	return c, nil
}

func foreignKeys(ctx context.Context, conn *sql.Conn, file string) error {
	n, example, err := ledger.ForeignKeyViolations(ctx, conn)
	if err != nil {
		return err
	}
	if n > 0 {
		return i18n.E(msgFK, map[string]any{"Count": n, "File": file, "Example": example}, dossier.ErrCorrupt)
	}
	return nil
}

// totalsOf keeps the exercices of st whose code is in codes.
func totalsOf(st dossier.Stats, codes []string) []dossier.ExerciceTotals {
	keep := map[string]bool{}
	for _, c := range codes {
		keep[c] = true
	}
	var out []dossier.ExerciceTotals
	for _, e := range st.Exercices {
		if keep[e.Code] {
			out = append(out, e)
		}
	}
	return out
}

// checkFile compares the exercices codes (totals) and the balances of the
// exercices starting op date, in the database seen through conn, with what
// the snapshot had for them.
func checkFile(ctx context.Context, conn *sql.Conn, st0 dossier.Stats, codes []string, wantBal map[[2]string]balance, op, date string) []string {
	names, err := sqlitestore.Tables(ctx, conn)
	if err != nil {
		return []string{err.Error()}
	}
	st, err := ledger.Compute(ctx, conn, names)
	if err != nil {
		return []string{err.Error()}
	}
	diffs := ledger.Diff(dossier.Stats{Exercices: totalsOf(st0, codes)}, dossier.Stats{Exercices: totalsOf(st, codes)})
	bal, err := balances(ctx, conn, op, date)
	if err != nil {
		return append(diffs, err.Error())
	}
	return append(diffs, diffBalances(wantBal, bal)...)
}

// writeCut writes the cut file under a temp name in the destination and
// checks it; the caller commits it.
func writeCut(ctx context.Context, req Request, p *plan, res *Result) (*fsutil.TempFile, error) {
	defer p.snap.Close()
	label := p.id.Numero
	step := func(n int64) {
		req.Progress.Report(dossier.Event{Phase: PhaseDecoupe, Dossier: label, Done: n, Total: 8})
	}
	res.Sequence = nextSequence(p.id, req.DestDir, req.Store.Describe().Location)
	final := filepath.Join(req.DestDir, dossier.CutName(p.id.Numero, p.id.Nom, res.Sequence)+dossier.ExtDB)
	tmp, err := fsutil.CreateTemp(final)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Abort()
		}
	}()
	image, size, err := p.snap.Database(ctx)
	if err != nil {
		return nil, err
	}
	if _, err := dossier.Copy(ctx, tmp, image, size, req.Progress, dossier.PhaseLecture, label); err != nil {
		return nil, err
	}
	image.Close()
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	if err := sqlitestore.SetRollbackJournal(ctx, tmp.Name()); err != nil {
		return nil, err
	}
	step(1)
	db, conn, err := openRW(ctx, tmp.Name())
	if err != nil {
		return nil, err
	}
	defer db.Close()
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	// The cut file is a dossier of its own from now on: its own identity,
	// no open session, no transfer chain. Everything else of the old years
	// must stay exactly as the dossier had it.
	scope := trimmed(ids(p.kept), req.Clean)
	for _, t := range []string{"dossier", "sessions", "transferts"} {
		scope[t] = "1"
	}
	content, err := ledger.ContentOf(ctx, conn, "main", scope)
	if err != nil {
		return nil, err
	}
	restoreTriggers, err := ledger.SetTriggersAside(ctx, conn)
	if err != nil {
		return nil, err
	}
	if res.Ecritures, res.Lignes, res.Annexes, err = deleteYears(ctx, conn, ">=", p.firstDate); err != nil {
		return nil, err
	}
	step(2)
	// Its row says the number its name carries (the dossier's, whatever
	// its own row said) and an identity of its own.
	if err := ledger.SetIdentity(ctx, conn, p.id.Numero, p.id.Nom, dossier.NewIdentifiant()); err != nil {
		return nil, err
	}
	for _, q := range []string{`DELETE FROM sessions`, `DELETE FROM transferts`} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return nil, err
		}
	}
	// Rows the cut file has are everything but the kept years: what moved
	// is the difference.
	res.Ecritures, res.Lignes, res.Annexes = count(p.stats, "ecritures")-res.Ecritures, count(p.stats, "lignes")-res.Lignes, count(p.stats, "annexes")-res.Annexes
	if req.Clean {
		if res.CleanedCut, err = clean(ctx, conn); err != nil {
			return nil, err
		}
	}
	if err := restoreTriggers(); err != nil {
		return nil, err
	}
	if d, err := changedOutside(ctx, conn, content, scope); err != nil || len(d) > 0 {
		if err != nil {
			return nil, err
		}
		return nil, i18n.E(msgOutsideCut, map[string]any{"Exercices": strings.Join(res.Moved, ", "), "Tables": strings.Join(d, ", ")}, dossier.ErrCorrupt)
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, err
	}
	committed = true
	step(3)
	if _, err := conn.ExecContext(ctx, "VACUUM"); err != nil {
		return nil, err
	}
	step(4)
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: label})
	if err := backup.QuickCheck(ctx, conn, filepath.Base(final)); err != nil {
		return nil, err
	}
	if err := foreignKeys(ctx, conn, filepath.Base(final)); err != nil {
		return nil, err
	}
	codes := res.Moved
	if diffs := checkFile(ctx, conn, p.stats, codes, p.oldBal, "<", p.firstDate); len(diffs) > 0 {
		return nil, i18n.E(msgCheckCut, map[string]any{"Detail": strings.Join(diffs, " ; ")}, dossier.ErrCorrupt)
	}
	conn.Close()
	db.Close()
	if err := tmp.Sync(); err != nil {
		return nil, err
	}
	step(5)
	ok = true
	return tmp, nil
}

func count(st dossier.Stats, table string) int64 {
	for _, t := range st.Tables {
		if t.Name == table {
			return t.Rows
		}
	}
	return 0
}

// trimOriginal deletes the old years from the dossier in one transaction,
// committed only when the kept years' totals and balances are unchanged and
// no reference is left dangling.
func trimOriginal(ctx context.Context, req Request, p *plan, path string, res *Result) error {
	label := p.id.Numero
	step := func(n int64) {
		req.Progress.Report(dossier.Event{Phase: PhaseDecoupe, Dossier: label, Done: n, Total: 8})
	}
	db, conn, err := openRW(ctx, path)
	if err != nil {
		return err
	}
	defer db.Close()
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	// The management software may have written since the snapshot the cut
	// file came from: the old years must still be exactly what it holds.
	if diffs := checkFile(ctx, conn, p.stats, res.Moved, p.oldBal, "<", p.firstDate); len(diffs) > 0 {
		return i18n.E(msgChanged, map[string]any{"Detail": strings.Join(diffs, " ; ")}, dossier.ErrInUse)
	}
	// The dossier's own triggers must not act on the deletions (« clear
	// the partner's lettering when a line is deleted » would change the
	// years kept), and nothing outside the old years may change.
	scope := trimmed(ids(p.old), req.Clean)
	content, err := ledger.ContentOf(ctx, conn, "main", scope)
	if err != nil {
		return err
	}
	restoreTriggers, err := ledger.SetTriggersAside(ctx, conn)
	if err != nil {
		return err
	}
	if _, _, _, err := deleteYears(ctx, conn, "<", p.firstDate); err != nil {
		return err
	}
	step(6)
	if req.Clean {
		if res.CleanedKept, err = clean(ctx, conn); err != nil {
			return err
		}
	}
	if err := restoreTriggers(); err != nil {
		return err
	}
	if d, err := changedOutside(ctx, conn, content, scope); err != nil || len(d) > 0 {
		if err != nil {
			return err
		}
		return i18n.E(msgOutsideKept, map[string]any{"Exercices": strings.Join(res.Kept, ", "), "Dossier": p.id.Base(), "Tables": strings.Join(d, ", ")}, dossier.ErrCorrupt)
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: label})
	if err := foreignKeys(ctx, conn, filepath.Base(path)); err != nil {
		return err
	}
	if diffs := checkFile(ctx, conn, p.stats, res.Kept, p.keptBal, ">=", p.firstDate); len(diffs) > 0 {
		return i18n.E(msgCheckKept, map[string]any{"Detail": strings.Join(diffs, " ; ")}, nil)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	step(7)
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return err
	}
	committed = true
	step(8)
	return nil
}

// vacuum gives the space of the old years back to the disk. SQLite makes it
// atomic: a crash in the middle leaves the trimmed dossier as committed.
func vacuum(ctx context.Context, path string) error {
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw&_busy_timeout=10000"))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "VACUUM")
	return err
}

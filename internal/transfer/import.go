package transfer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/pack"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/store/workcopy"
)

var (
	msgIsBase       = &i18n.Message{ID: "PTFEstUnPremierTransfert", Other: "« {{.File}} » est un transfert complet (base n° {{.Sequence}}) : c'est une sauvegarde complète, à restaurer avec « coffre restaurer » (elle remplace le dossier de ce site)."}
	msgNotPTF       = &i18n.Message{ID: "PTFPasUnTransfert", Other: "« {{.File}} » n'est pas un fichier de transfert partiel (.ptf)."}
	msgOtherDossier = &i18n.Message{ID: "PTFAutreDossier", Other: "« {{.File}} » est un transfert du dossier {{.Source}} ({{.SourceID}}), pas du dossier {{.Dossier}} ({{.DossierID}}) : il est refusé."}
	msgReplay       = &i18n.Message{ID: "PTFDejaApplique", Other: "Le transfert n° {{.Given}} a déjà été appliqué au dossier {{.Dossier}} : le suivant attendu est le n° {{.Expected}}."}
	msgGap          = &i18n.Message{ID: "PTFTransfertManquantReprise", Other: "Il manque un transfert : le dossier {{.Dossier}} attend le n° {{.Expected}}, ce fichier est le n° {{.Given}}. Appliquez d'abord les transferts n° {{.Expected}} à {{.Previous}} ; si l'un d'eux ne peut pas l'être, repartez d'un transfert complet : « coffre transfert-export --nouvelle-base » sur le site source, puis « coffre restaurer » de ce fichier ici."}
	msgBadBase      = &i18n.Message{ID: "PTFBaseIncoherente", Other: "Le transfert n° {{.Given}} part du n° {{.Base}}, mais le dossier {{.Dossier}} est au n° {{.Current}} : il est refusé."}
	msgStructure    = &i18n.Message{ID: "PTFStructureDifferente", Other: "La structure de la base du dossier {{.Dossier}} n'est pas celle de la source du transfert (tables, colonnes, index ou déclencheurs) : restaurez d'abord un transfert complet de la source."}
	msgConflict     = &i18n.Message{ID: "PTFConflit", Other: "Le dossier {{.Dossier}} n'est plus dans l'état d'où part ce transfert : {{.Detail}}. Rien n'a été modifié."}
	msgFKBroken     = &i18n.Message{ID: "PTFReferencesApresApplication", One: "Après application, {{.Count}} référence serait cassée entre tables ({{.Example}}) : le transfert a été annulé, rien n'a été modifié. Pour reprendre : corrigez-la sur le site source, puis faites un transfert complet (« coffre transfert-export --nouvelle-base ») et restaurez-le ici.", Other: "Après application, {{.Count}} références seraient cassées entre tables (par exemple {{.Example}}) : le transfert a été annulé, rien n'a été modifié. Pour reprendre : corrigez-les sur le site source, puis faites un transfert complet (« coffre transfert-export --nouvelle-base ») et restaurez-le ici."}
	msgTotals       = &i18n.Message{ID: "PTFTotauxDifferents", Other: "Après application, le dossier ne correspondrait pas à la source ({{.Detail}}) : le transfert a été annulé, rien n'a été modifié."}
	msgNoFolder     = &i18n.Message{ID: "PTFConnexionFichiers", Other: "L'import d'un transfert n'est possible que dans une connexion de fichiers SQLite."}
)

// ImportRequest is one transfer to apply.
type ImportRequest struct {
	File   string
	Store  store.Store
	Numero string
	// SafetyDir receives the verified backup taken before anything changes.
	SafetyDir string
	// IgnoreSessions confirms applying the transfer to a dossier its
	// sessions table says is open; SessionIdle is when a listed session
	// counts as closed (0: dossier.DefaultSessionIdle).
	IgnoreSessions bool
	SessionIdle    time.Duration
	Progress       dossier.Progress
	Now            func() time.Time
}

// ImportResult says what was applied.
type ImportResult struct {
	Dossier      dossier.Identity
	File         string
	Sequence     int64
	Changes      []TableChanges
	SafetyBackup string
	// Notes: sessions set aside as probably closed, or confirmed.
	Notes    []i18n.Note
	Duration time.Duration
}

// TotalChanges sums the changes of every table.
func (r ImportResult) TotalChanges() int64 {
	var n int64
	for _, c := range r.Changes {
		n += c.Total()
	}
	return n
}

// pather is what Import needs of a connexion: the dossier's file.
type pather interface {
	Path(numero string) (string, error)
}

// Import applies the PTF req.File to dossier req.Numero: all of it, in one
// transaction, or nothing.
func Import(ctx context.Context, req ImportRequest) (res ImportResult, err error) {
	if err := req.Validate(); err != nil {
		return res, err
	}
	if workcopy.Needed(req.Store) {
		return importOnServer(ctx, req)
	}
	start := time.Now()
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	res.File = req.File
	name := filepath.Base(req.File)
	m, err := pack.Inspect(ctx, req.File, pack.ReadOptions{})
	if err != nil {
		return res, err
	}
	x, has, err := ReadExtra(m)
	if err != nil {
		return res, err
	}
	if m.Kind == pack.KindPBF && has && x.Complet {
		return res, i18n.E(msgIsBase, map[string]any{"File": name, "Sequence": x.Sequence}, dossier.ErrNotRestorable)
	}
	if m.Kind != pack.KindPTF || !has {
		return res, i18n.E(msgNotPTF, map[string]any{"File": name}, dossier.ErrNotRestorable)
	}
	if x.Sequence != x.Base+1 || x.Base < 0 {
		return res, fmt.Errorf("transfer: sequence %d on base %d: %w", x.Sequence, x.Base, dossier.ErrCorrupt)
	}
	res.Sequence, res.Changes = x.Sequence, x.Tables
	ps, ok := req.Store.(pather)
	if !ok {
		return res, i18n.E(msgNoFolder, nil, nil)
	}
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

	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw&_busy_timeout=10000"))
	if err != nil {
		return res, err
	}
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		return res, err
	}
	defer conn.Close()
	id, current, schema, err := receiving(ctx, conn, req.Numero, x.IdentifiantSource)
	res.Dossier = id
	if err != nil {
		return res, err
	}
	label := id.Numero
	if err := checkSequence(name, m, x, id, current); err != nil {
		return res, err
	}
	if schema != x.Schema {
		return res, i18n.E(msgStructure, map[string]any{"Dossier": id.Base()}, dossier.ErrSchema)
	}
	ss, err := ledger.Sessions(ctx, conn)
	if err != nil {
		return res, err
	}
	if res.Notes, err = (dossier.SessionPolicy{Confirm: req.IgnoreSessions, Idle: req.SessionIdle, Now: now}).Check(id.Base(), ss); err != nil {
		return res, err
	}

	// The whole file is read and checked before anything changes; the
	// change stream waits in a temp file beside the dossier.
	stream, err := fsutil.CreateTemp(filepath.Join(filepath.Dir(path), ChangesPart))
	if err != nil {
		return res, err
	}
	defer stream.Abort()
	var size int64
	if _, err := pack.Read(ctx, req.File, pack.ReadOptions{Progress: req.Progress, Phase: dossier.PhaseExtraction, Dossier: label},
		func(p pack.Part, r io.Reader) error {
			if p.Name != ChangesPart {
				_, err := io.Copy(io.Discard, r)
				return err
			}
			if err := pack.CheckRoom(filepath.Dir(path), p); err != nil {
				return err
			}
			n, err := io.Copy(stream, r)
			size += n
			return err
		}); err != nil {
		return res, err
	}
	if _, err := stream.Seek(0, io.SeekStart); err != nil {
		return res, err
	}
	got, err := countChanges(stream, size)
	if err != nil || !sameCounts(got, x.Tables) {
		return res, fmt.Errorf("transfer: %s: change stream does not match its manifest: %w", name, dossier.ErrCorrupt)
	}

	if err := os.MkdirAll(req.SafetyDir, 0o755); err != nil {
		return res, err
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseSecurite, Dossier: label})
	sb, err := backup.Run(ctx, backup.Request{Source: ref, DestDir: req.SafetyDir, Verify: true, Locked: true, Progress: req.Progress})
	if err != nil {
		return res, err
	}
	res.SafetyBackup = sb.Path

	a := applier{ctx: ctx, conn: conn, stream: stream, size: size, progress: req.Progress, label: label, dossier: id.Base()}
	for _, c := range x.Tables {
		a.total += 2 * c.Total()
	}
	if err := a.run(x, m.Stats, now()); err != nil {
		return res, err
	}
	res.Duration = time.Since(start)
	return res, nil
}

// receiving reads the receiving dossier's identity, the last transfer of
// source it applied, and its structure's hash.
func receiving(ctx context.Context, conn *sql.Conn, numero, source string) (dossier.Identity, int64, string, error) {
	var id dossier.Identity
	names, err := sqlitestore.Tables(ctx, conn)
	if err != nil {
		return id, 0, "", err
	}
	if !ledger.IsV1(names) {
		return id, 0, "", i18n.E(msgNeedV1, map[string]any{"Dossier": numero}, dossier.ErrSchema)
	}
	var version sql.NullInt64
	err = conn.QueryRowContext(ctx, `SELECT numero, nom, raison_sociale, identifiant, version_schema FROM dossier LIMIT 1`).
		Scan(&id.Numero, &id.Nom, &id.RaisonSociale, &id.Identifiant, &version)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return id, 0, "", err
	}
	id.VersionSchema = int(version.Int64)
	if err := dossier.CheckSchemaVersion(id, numero); err != nil {
		return id, 0, "", err
	}
	var current int64
	if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(sequence), 0) FROM transferts WHERE identifiant_source = ?`, source).Scan(&current); err != nil {
		return id, 0, "", err
	}
	_, schema, err := tables(ctx, conn)
	return id, current, schema, err
}

func checkSequence(file string, m *pack.Manifest, x Extra, id dossier.Identity, current int64) error {
	if id.Identifiant != x.IdentifiantSource {
		return i18n.E(msgOtherDossier, map[string]any{
			"File": file, "Source": m.Dossier.Base(), "SourceID": x.IdentifiantSource, "Dossier": id.Base(), "DossierID": id.Identifiant,
		}, dossier.ErrSequence)
	}
	data := map[string]any{"Dossier": id.Base(), "Expected": current + 1, "Given": x.Sequence, "Previous": x.Sequence - 1, "Base": x.Base, "Current": current}
	switch {
	case x.Sequence <= current:
		return i18n.E(msgReplay, data, dossier.ErrSequence)
	case x.Sequence > current+1:
		return i18n.E(msgGap, data, dossier.ErrSequence)
	case x.Base != current:
		return i18n.E(msgBadBase, data, dossier.ErrSequence)
	}
	return nil
}

// applier writes a change stream into the dossier in one transaction:
// first every delete (deleted rows and the old version of updated ones),
// then every insert, so that rows trading a unique value never collide;
// foreign keys are off meanwhile and checked as a whole before COMMIT.
type applier struct {
	ctx      context.Context
	conn     *sql.Conn
	stream   *fsutil.TempFile
	size     int64
	progress dossier.Progress
	label    string
	dossier  string
	total    int64
	done     int64
	h        hasher
	dest     map[string]*table
	stmts    map[string]*sql.Stmt
}

func (a *applier) exec(q string, args ...any) error {
	_, err := a.conn.ExecContext(a.ctx, q, args...)
	return err
}

func (a *applier) run(x Extra, want dossier.Stats, now time.Time) (err error) {
	a.progress.Report(dossier.Event{Phase: PhaseApplication, Dossier: a.label, Total: a.total})
	// foreign_keys can only change outside a transaction.
	if err := a.exec("PRAGMA foreign_keys = OFF"); err != nil {
		return err
	}
	if err := a.exec("BEGIN IMMEDIATE"); err != nil {
		return err
	}
	committed := false
	a.stmts = map[string]*sql.Stmt{}
	defer func() {
		for _, s := range a.stmts {
			s.Close()
		}
		if !committed {
			// A fresh context: the rollback must happen even when ctx is
			// what was cancelled.
			a.conn.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	tabs, _, err := tables(a.ctx, a.conn)
	if err != nil {
		return err
	}
	a.dest = map[string]*table{}
	for i := range tabs {
		a.dest[tabs[i].Name] = &tabs[i]
	}
	// The rows carried already hold what the source's triggers did:
	// firing them again here would change them.
	restoreTriggers, err := ledger.SetTriggersAside(a.ctx, a.conn)
	if err != nil {
		return err
	}
	for _, pass := range []int{1, 2} {
		if err := a.pass(pass); err != nil {
			return err
		}
	}
	if err := restoreTriggers(); err != nil {
		return err
	}
	if err := a.exec(`INSERT INTO transferts (sequence, identifiant_source, applique_le) VALUES (?, ?, ?)`,
		x.Sequence, x.IdentifiantSource, now.UTC().Format(time.RFC3339)); err != nil {
		return err
	}
	a.progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: a.label})
	if err := a.checkForeignKeys(); err != nil {
		return err
	}
	if err := a.checkTotals(want); err != nil {
		return err
	}
	if err := a.ctx.Err(); err != nil {
		return err
	}
	if err := a.exec("COMMIT"); err != nil {
		return err
	}
	committed = true
	a.exec("PRAGMA foreign_keys = ON")
	a.progress.Report(dossier.Event{Phase: dossier.PhaseControle, Dossier: a.label, Done: 1, Total: 1})
	return nil
}

func (a *applier) stmt(q string) (*sql.Stmt, error) {
	if s, ok := a.stmts[q]; ok {
		return s, nil
	}
	s, err := a.conn.PrepareContext(a.ctx, q)
	if err != nil {
		return nil, err
	}
	a.stmts[q] = s
	return s, nil
}

func (a *applier) tick() error {
	a.done++
	if a.done%256 == 0 || a.done == a.total {
		if err := a.ctx.Err(); err != nil {
			return err
		}
		a.progress.Report(dossier.Event{Phase: PhaseApplication, Dossier: a.label, Done: a.done, Total: a.total})
	}
	return nil
}

// pass 1 deletes, pass 2 inserts.
func (a *applier) pass(pass int) error {
	if _, err := a.stream.Seek(0, io.SeekStart); err != nil {
		return err
	}
	cr, n, err := newChangeReader(a.stream, a.size)
	if err != nil {
		return err
	}
	for i := 0; i < n; i++ {
		t, err := cr.table()
		if err != nil {
			return err
		}
		dt, ok := a.dest[t.Name]
		if !ok || !sameTable(t, dt) {
			return i18n.E(msgStructure, map[string]any{"Dossier": a.dossier}, dossier.ErrSchema)
		}
		for {
			ch, err := cr.record(t)
			if err != nil {
				return err
			}
			if ch == nil {
				break
			}
			if pass == 1 && ch.op != opInsert {
				if err := a.remove(dt, ch); err != nil {
					return err
				}
			}
			if pass == 2 && ch.op != opDelete {
				if err := a.insert(dt, ch); err != nil {
					return err
				}
			}
			if err := a.tick(); err != nil {
				return err
			}
		}
	}
	return cr.end()
}

func sameTable(a, b *table) bool {
	if a.Name != b.Name || a.Rowid != b.Rowid || len(a.Cols) != len(b.Cols) || len(a.PK) != len(b.PK) {
		return false
	}
	for i := range a.Cols {
		if a.Cols[i] != b.Cols[i] {
			return false
		}
	}
	for i := range a.PK {
		if a.PK[i] != b.PK[i] {
			return false
		}
	}
	return true
}

func (c *change) keyArgs() []any {
	if c.key != nil {
		return c.key
	}
	return []any{c.rowid}
}

func (c *change) describeKey(t *table) string {
	if t.Rowid != "" {
		// « ligne n° 2 », not the column's name (« ligne rowid 2 »).
		return fmt.Sprintf("n°\u00a0%d", c.rowid)
	}
	var parts []string
	for _, v := range c.key {
		parts = append(parts, fmt.Sprint(v))
	}
	return strings.Join(parts, ", ")
}

// remove deletes the row the change replaces, after checking it is still
// exactly the row the source had at the base.
func (a *applier) remove(t *table, ch *change) error {
	sel, err := a.stmt("SELECT " + t.selectList() + " FROM " + ledger.Quote(t.Name) + " WHERE " + t.keyWhere())
	if err != nil {
		return err
	}
	vals := make([]any, len(t.Cols))
	ptrs := make([]any, len(vals))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	err = sel.QueryRowContext(a.ctx, ch.keyArgs()...).Scan(ptrs...)
	if errors.Is(err, sql.ErrNoRows) {
		return a.conflict(fmt.Sprintf("table %s, ligne %s absente", t.Name, ch.describeKey(t)))
	}
	if err != nil {
		return err
	}
	for i, v := range vals {
		if b, ok := v.([]byte); ok && b == nil {
			vals[i] = []byte{}
		}
	}
	h, err := a.h.row(vals)
	if err != nil {
		return err
	}
	if h != ch.old {
		return a.conflict(fmt.Sprintf("table %s, ligne %s modifiée sur ce site", t.Name, ch.describeKey(t)))
	}
	del, err := a.stmt("DELETE FROM " + ledger.Quote(t.Name) + " WHERE " + t.keyWhere())
	if err != nil {
		return err
	}
	_, err = del.ExecContext(a.ctx, ch.keyArgs()...)
	return err
}

func (a *applier) insert(t *table, ch *change) error {
	ins, err := a.stmt(t.insertSQL())
	if err != nil {
		return err
	}
	args := ch.vals
	if t.Rowid != "" {
		args = append([]any{ch.rowid}, ch.vals...)
	}
	if _, err := ins.ExecContext(a.ctx, args...); err != nil {
		// Only a constraint says the dossier moved away from the base; a
		// full disk or an I/O error is reported as what it is.
		var se sqlite3.Error
		if errors.As(err, &se) && se.Code != sqlite3.ErrConstraint {
			return fmt.Errorf("table %s: %w", t.Name, err)
		}
		return a.conflict(fmt.Sprintf("table %s, ligne %s : %v", t.Name, ch.describeKey(t), err))
	}
	return nil
}

func (a *applier) conflict(detail string) error {
	return i18n.E(msgConflict, map[string]any{"Dossier": a.dossier, "Detail": detail}, dossier.ErrSequence)
}

func (a *applier) checkForeignKeys() error {
	n, example, err := ledger.ForeignKeyViolations(a.ctx, a.conn)
	if err != nil {
		return err
	}
	if n > 0 {
		return i18n.E(msgFKBroken, map[string]any{"Count": n, "Example": example}, dossier.ErrCorrupt)
	}
	return nil
}

// checkTotals compares the dossier, as the transaction would leave it, with
// what the source had: row counts of the carried tables, and every
// exercice's entries, lines and totals.
func (a *applier) checkTotals(want dossier.Stats) error {
	names, err := sqlitestore.Tables(a.ctx, a.conn)
	if err != nil {
		return err
	}
	got, err := ledger.Compute(a.ctx, a.conn, names)
	if err != nil {
		return err
	}
	if diffs := ledger.Diff(carried(want), carried(got)); len(diffs) > 0 {
		return i18n.E(msgTotals, map[string]any{"Detail": strings.Join(diffs, " ; ")}, dossier.ErrCorrupt)
	}
	return nil
}

// carried drops the site-local tables from st's counts.
func carried(st dossier.Stats) dossier.Stats {
	out := st
	out.Tables = nil
	for _, t := range st.Tables {
		if !siteLocal[t.Name] {
			out.Tables = append(out.Tables, t)
		}
	}
	return out
}

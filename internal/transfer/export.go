package transfer

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"coffre/internal/buildinfo"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/pack"
	"coffre/internal/paths"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/store/workcopy"
)

var (
	msgFirst         = &i18n.Message{ID: "PTFPremierTransfert", Other: "Premier transfert : le dossier complet est exporté."}
	msgNewBase       = &i18n.Message{ID: "PTFNouvelleBase", Other: "Nouvelle base de transfert : le dossier complet est exporté (transfert n° {{.Sequence}})."}
	msgNoChange      = &i18n.Message{ID: "PTFAucunChangement", Other: "Aucun changement depuis le transfert n° {{.Sequence}} : aucun fichier n'a été écrit."}
	msgNeedV1        = &i18n.Message{ID: "PTFSchemaRequis", Other: "Le dossier {{.Dossier}} n'est pas un dossier de gestion (schéma version 1) : le transfert partiel a besoin de son identifiant."}
	msgNoIdentifiant = &i18n.Message{ID: "PTFSansIdentifiant", Other: "Le dossier {{.Dossier}} n'a pas d'identifiant (table dossier vide) : impossible de le transférer."}
	msgSchemaChanged = &i18n.Message{ID: "PTFStructureChangee", Other: "La structure de la base du dossier {{.Dossier}} a changé depuis le transfert n° {{.Sequence}} (tables, colonnes, index ou déclencheurs) : un transfert partiel ne peut pas la porter. Faites un nouveau transfert complet (--nouvelle-base) et restaurez-le sur l'autre site."}
	msgStateCorrupt  = &i18n.Message{ID: "PTFEtatEndommage", Other: "L'état des transferts du dossier {{.Dossier}} (« {{.File}} ») est illisible : faites un nouveau transfert complet (--nouvelle-base)."}
	msgBrokenRefs    = &i18n.Message{ID: "PTFReferencesCassees", One: "Le dossier {{.Dossier}} a {{.Count}} référence cassée entre tables ({{.Example}}) : l'autre site refuserait un transfert qui la porte, et les suivants resteraient bloqués derrière lui. Aucun transfert n'a été écrit ; corrigez cette référence dans le logiciel de gestion, puis relancez le transfert.", Other: "Le dossier {{.Dossier}} a {{.Count}} références cassées entre tables (par exemple {{.Example}}) : l'autre site refuserait un transfert qui les porte, et les suivants resteraient bloqués derrière lui. Aucun transfert n'a été écrit ; corrigez ces références dans le logiciel de gestion, puis relancez le transfert."}
	msgVerifyFailed  = &i18n.Message{ID: "PTFRelectureDifferente", Other: "La relecture du fichier de transfert ne correspond pas à ce qui a été écrit : il a été supprimé. Vérifiez le disque de destination."}
)

// PhaseApplication is the phase of Import that writes the changes into the
// dossier; Done and Total count changes, not bytes.
const PhaseApplication dossier.Phase = "application"

// ExtraKey names the transfer's entry in a manifest's Extra.
const ExtraKey = "transfert"

// ChangesPart is the PTF's part holding the change stream, with its role.
const (
	ChangesPart = "changements.bin"
	RoleChanges = "changes"
)

// Extra is what a PTF, or a PBF that is a transfer base, says about the
// transfer in its manifest.
type Extra struct {
	IdentifiantSource string `json:"identifiant_source"`
	// Sequence is the transfer's number; Base the one it applies onto
	// (Sequence − 1). A full PBF (Complet) is a transfer base: Sequence =
	// Base = the number the receiving dossier is at once it is restored.
	Sequence int64 `json:"sequence"`
	Base     int64 `json:"base"`
	Complet  bool  `json:"complet,omitempty"`
	// Schema is the SHA-256 of the database's structure (sqlite_master);
	// the receiving dossier must have the same.
	Schema string         `json:"schema"`
	Tables []TableChanges `json:"tables,omitempty"`
}

// ReadExtra returns the transfer entry of m; false when m has none.
func ReadExtra(m *pack.Manifest) (Extra, bool, error) {
	raw, ok := m.Extra[ExtraKey]
	if !ok {
		return Extra{}, false, nil
	}
	var x Extra
	if err := json.Unmarshal(raw, &x); err != nil {
		return x, true, fmt.Errorf("transfer: manifest extra: %w: %w", err, dossier.ErrCorrupt)
	}
	return x, true, nil
}

// DefaultStateDir is where the source keeps its transfer state: beside the
// dossiers of a folder connexion (so every workstation sharing it continues
// the same chain), Coffre's data folder otherwise.
func DefaultStateDir(s store.Store) string {
	if d := s.Describe(); d.Kind == "sqlite" && d.Location != "" {
		return filepath.Join(d.Location, ".coffre-transferts")
	}
	return filepath.Join(paths.DataDir(), "transferts")
}

// FileName is the base name of transfer n of a dossier: 001-SOC_T000004.
func FileName(id dossier.Identity, n int64) string {
	return fmt.Sprintf("%s-%s_T%06d", id.Numero, id.Nom, n)
}

// ExportRequest is one transfer export.
type ExportRequest struct {
	Store   store.Store
	Numero  string
	DestDir string
	// StateDir holds the source's transfer state; "" = DefaultStateDir.
	StateDir string
	// NewBase exports the complete dossier as a new transfer base even if
	// a state exists (after a change of structure, or to start over).
	NewBase  bool
	Progress dossier.Progress
	Now      func() time.Time
}

// ExportResult says what was written.
type ExportResult struct {
	Dossier dossier.Identity
	// Path is the file written ("" when nothing changed): a .ptf, or a
	// .pbf when Full.
	Path string
	Size int64
	Full bool
	// Sequence is the transfer's number, Base the one it applies onto.
	Sequence, Base int64
	Changes        []TableChanges // per table, only those that changed
	Rows           int64          // rows compared
	NoChange       bool
	StatePath      string
	// Message tells the person what kind of transfer this was (zero when
	// there is nothing to say); the presenter renders it.
	Message  i18n.Note
	Duration time.Duration
}

// TotalChanges sums the changes of every table.
func (r ExportResult) TotalChanges() int64 {
	var n int64
	for _, c := range r.Changes {
		n += c.Total()
	}
	return n
}

// Export writes the next transfer of dossier req.Numero into req.DestDir.
// The new state is committed only after the file is written, re-read and
// checked under its final name.
func Export(ctx context.Context, req ExportRequest) (res ExportResult, err error) {
	if err := req.Validate(); err != nil {
		return res, err
	}
	if workcopy.Needed(req.Store) {
		return exportOnServer(ctx, req)
	}
	start := time.Now()
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	fsutil.SweepTemp(req.DestDir)
	stateDir := req.StateDir
	if stateDir == "" {
		stateDir = DefaultStateDir(req.Store)
	}

	ref := store.InStore(req.Store, req.Numero)
	unlock, err := ref.Lock(ctx)
	if err != nil {
		return res, err
	}
	defer unlock()
	snap, err := ref.Snapshot(ctx, store.SnapshotOptions{TempDir: req.DestDir})
	if err != nil {
		return res, err
	}
	defer snap.Close()
	id := snap.Identity()
	res.Dossier = id
	if snap.Schema() != "v1" {
		return res, i18n.E(msgNeedV1, map[string]any{"Dossier": req.Numero}, dossier.ErrSchema)
	}
	if err := dossier.CheckSchemaVersion(id, req.Numero); err != nil {
		return res, err
	}
	if id.Identifiant == "" {
		return res, i18n.E(msgNoIdentifiant, map[string]any{"Dossier": req.Numero}, dossier.ErrSchema)
	}
	q := snap.Querier()
	tabs, schema, err := tables(ctx, q)
	if err != nil {
		return res, err
	}
	res.StatePath = StatePath(stateDir, id.Identifiant)
	old, err := openState(res.StatePath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		old = nil
	case err != nil && !req.NewBase:
		return res, i18n.E(msgStateCorrupt, map[string]any{"Dossier": id.Base(), "File": res.StatePath}, err)
	case err == nil && old.header.Identifiant != id.Identifiant && !req.NewBase:
		old.close()
		return res, i18n.E(msgStateCorrupt, map[string]any{"Dossier": id.Base(), "File": res.StatePath}, errStateCorrupt)
	}
	if old != nil {
		defer old.close()
		res.Sequence = old.header.Sequence + 1
		res.Base = old.header.Sequence
	}
	res.Full = old == nil || req.NewBase
	if !res.Full && old.header.Schema != schema {
		return res, i18n.E(msgSchemaChanged, map[string]any{"Dossier": id.Base(), "Sequence": old.header.Sequence}, dossier.ErrSchema)
	}
	// The receiving site checks every reference before it commits: a
	// transfer carrying a broken one could never be applied, and the chain
	// would stop there. Refused here, before the state moves on.
	if n, example, err := ledger.ForeignKeyViolations(ctx, q); err != nil {
		return res, err
	} else if n > 0 {
		return res, i18n.E(msgBrokenRefs, map[string]any{"Dossier": id.Base(), "Count": n, "Example": example}, dossier.ErrCorrupt)
	}
	if res.Full {
		res.Base = res.Sequence
		if old == nil {
			res.Message = i18n.NewNote(msgFirst, nil)
		} else {
			res.Message = i18n.NewNote(msgNewBase, map[string]any{"Sequence": res.Sequence})
			old.close() // Windows: not open when the new state replaces it
		}
		old = nil
	}

	stats, err := snap.Stats(ctx)
	if err != nil {
		return res, err
	}
	var total int64
	for _, t := range stats.Tables {
		if !siteLocal[t.Name] {
			total += t.Rows
		}
	}
	names := make([]string, len(tabs))
	for i, t := range tabs {
		names[i] = t.Name
	}
	ns, err := createState(res.StatePath, stateHeader{Identifiant: id.Identifiant, Sequence: res.Sequence, Schema: schema, CreatedAt: now().UTC().Truncate(time.Second), Tables: names})
	if err != nil {
		return res, err
	}
	defer ns.abort()

	x := Extra{IdentifiantSource: id.Identifiant, Sequence: res.Sequence, Base: res.Base, Complet: res.Full, Schema: schema}
	var out *fsutil.TempFile
	if res.Full {
		d := differ{ctx: ctx, q: q, state: ns, progress: req.Progress, label: id.Numero, total: total}
		if err := d.run(tabs); err != nil {
			return res, err
		}
		res.Rows = d.done
		out, err = writeBase(ctx, req, snap, id, x, now())
	} else {
		out, err = writeIncremental(ctx, req, q, tabs, old, ns, id, x, stats, total, now(), &res)
		if err == nil && out == nil {
			res.NoChange = true
			res.Message = i18n.NewNote(msgNoChange, map[string]any{"Sequence": res.Base})
			res.Duration = time.Since(start)
			return res, nil
		}
	}
	if err != nil {
		return res, err
	}
	defer out.Abort()
	if err := ns.close(); err != nil {
		return res, err
	}
	// Windows cannot rename the new state over a file still open: the
	// previous state is read to the end by now, and closed before.
	if old != nil {
		old.close()
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	fi, err := out.Stat()
	if err != nil {
		return res, err
	}
	if err := out.Commit(false); err != nil {
		return res, err
	}
	// Between these two renames a crash leaves the file without its state:
	// the next export reissues this number, and a receiving site that had
	// applied the first one refuses the second (see FORMAT.md, « PTF »).
	if err := ns.commit(); err != nil {
		// The transfer file without its state would be issued again under
		// the same number: it must not stay behind.
		os.Remove(out.Final())
		return res, err
	}
	res.Path, res.Size = out.Final(), fi.Size()
	res.Duration = time.Since(start)
	return res, nil
}

// differ walks the tables, hashing every row into the new state and, when
// old and changes are set, writing what differs from old.
type differ struct {
	ctx      context.Context
	q        ledger.Querier
	old      *stateReader
	state    *stateWriter
	changes  *changeWriter
	counts   []TableChanges
	progress dossier.Progress
	label    string
	total    int64
	done     int64
	h        hasher
}

func (d *differ) run(tabs []table) error {
	for i := range tabs {
		c, err := d.table(&tabs[i])
		if err != nil {
			return err
		}
		if c.Total() > 0 {
			d.counts = append(d.counts, c)
		}
	}
	d.progress.Report(dossier.Event{Phase: dossier.PhaseLecture, Dossier: d.label, Done: d.total, Total: d.total})
	if d.old != nil {
		return d.old.finish()
	}
	return nil
}

func (d *differ) tick() error {
	d.done++
	if d.done%4096 == 0 {
		if err := d.ctx.Err(); err != nil {
			return err
		}
		d.progress.Report(dossier.Event{Phase: dossier.PhaseLecture, Dossier: d.label, Done: d.done, Total: max(d.total, d.done)})
	}
	return nil
}

func (d *differ) emit(t *table, c *TableChanges, ch *change) {
	switch ch.op {
	case opInsert:
		c.Inserts++
	case opUpdate:
		c.Updates++
	case opDelete:
		c.Deletes++
	}
	if d.changes != nil {
		d.changes.record(t, ch)
	}
}

func (d *differ) table(t *table) (TableChanges, error) {
	c := TableChanges{Table: t.Name}
	if d.changes != nil {
		d.changes.table(t)
	}
	d.state.startTable()
	s, err := scanTable(d.ctx, d.q, t)
	if err != nil {
		return c, err
	}
	defer s.close()
	if t.Rowid != "" {
		err = d.rowidTable(t, s, &c)
	} else {
		err = d.keyTable(t, s, &c)
	}
	if err != nil {
		return c, fmt.Errorf("table %s: %w", t.Name, err)
	}
	d.state.endTable()
	if d.changes != nil {
		d.changes.endTable()
	}
	return c, nil
}

// rowidTable merges the table's rows, in rowid order, with the old state's.
func (d *differ) rowidTable(t *table, s *rowScanner, c *TableChanges) error {
	var (
		oldID int64
		oldH  rowHash
		oldOK bool
		err   error
	)
	if d.old != nil {
		d.old.startTable()
		if oldID, oldH, oldOK, err = d.old.nextRowid(); err != nil {
			return err
		}
	}
	advance := func() error {
		oldID, oldH, oldOK, err = d.old.nextRowid()
		return err
	}
	for {
		ok, err := s.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := d.tick(); err != nil {
			return err
		}
		h, err := d.h.row(s.vals)
		if err != nil {
			return err
		}
		d.state.rowid(s.rowid, h)
		if d.old == nil {
			continue
		}
		for oldOK && oldID < s.rowid {
			d.emit(t, c, &change{op: opDelete, rowid: oldID, old: oldH})
			if err := advance(); err != nil {
				return err
			}
		}
		if oldOK && oldID == s.rowid {
			if oldH != h {
				d.emit(t, c, &change{op: opUpdate, rowid: s.rowid, old: oldH, vals: s.vals})
			}
			if err := advance(); err != nil {
				return err
			}
			continue
		}
		d.emit(t, c, &change{op: opInsert, rowid: s.rowid, vals: s.vals})
	}
	for oldOK {
		d.emit(t, c, &change{op: opDelete, rowid: oldID, old: oldH})
		if err := advance(); err != nil {
			return err
		}
	}
	return nil
}

// keyTable diffs a WITHOUT ROWID table through a map of its old keys: such
// tables are small settings tables in practice.
func (d *differ) keyTable(t *table, s *rowScanner, c *TableChanges) error {
	oldKeys := map[string]rowHash{}
	var order []string
	if d.old != nil {
		for {
			k, h, ok, err := d.old.nextKey()
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			oldKeys[string(k)] = h
			order = append(order, string(k))
		}
	}
	for {
		ok, err := s.next()
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		if err := d.tick(); err != nil {
			return err
		}
		h, err := d.h.row(s.vals)
		if err != nil {
			return err
		}
		key, err := t.pkKey(s.vals)
		if err != nil {
			return err
		}
		d.state.key(key, h)
		if d.old == nil {
			continue
		}
		oh, seen := oldKeys[string(key)]
		switch {
		case !seen:
			d.emit(t, c, &change{op: opInsert, vals: s.vals})
		case oh != h:
			d.emit(t, c, &change{op: opUpdate, old: oh, vals: s.vals})
		}
		delete(oldKeys, string(key))
	}
	for _, k := range order {
		if h, left := oldKeys[k]; left {
			d.emit(t, c, &change{op: opDelete, keyRaw: []byte(k), old: h})
		}
	}
	return nil
}

// writeIncremental diffs into a change stream and packs it as a PTF under
// a temp name; nil when nothing changed.
func writeIncremental(ctx context.Context, req ExportRequest, q ledger.Querier, tabs []table, old *stateReader, ns *stateWriter,
	id dossier.Identity, x Extra, stats dossier.Stats, total int64, now time.Time, res *ExportResult) (*fsutil.TempFile, error) {
	stream, err := fsutil.CreateTemp(filepath.Join(req.DestDir, ChangesPart))
	if err != nil {
		return nil, err
	}
	defer stream.Abort()
	d := differ{ctx: ctx, q: q, old: old, state: ns, changes: newChangeWriter(stream, len(tabs)), progress: req.Progress, label: id.Numero, total: total}
	if err := d.run(tabs); err != nil {
		if errors.Is(err, errStateCorrupt) {
			return nil, i18n.E(msgStateCorrupt, map[string]any{"Dossier": id.Base(), "File": res.StatePath}, err)
		}
		return nil, err
	}
	res.Rows, res.Changes = d.done, d.counts
	if len(d.counts) == 0 {
		return nil, nil
	}
	if err := d.changes.flush(); err != nil {
		return nil, err
	}
	size, err := stream.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil, err
	}
	if _, err := stream.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	x.Tables = d.counts
	m, err := manifest(pack.KindPTF, req.Store, id, stats, x, now)
	if err != nil {
		return nil, err
	}
	return writePack(ctx, req, FileName(id, x.Sequence), dossier.ExtPTF, m, pack.PartSource{Name: ChangesPart, Role: RoleChanges, Size: size, R: stream}, func(r io.Reader, size int64) error {
		got, err := countChanges(r, size)
		if err != nil {
			return err
		}
		if !sameCounts(got, d.counts) {
			return fmt.Errorf("transfer: re-read counts %v, wrote %v: %w", got, d.counts, dossier.ErrCorrupt)
		}
		return nil
	})
}

func sameCounts(a, b []TableChanges) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// countChanges reads a whole change stream and counts its records.
func countChanges(r io.Reader, size int64) ([]TableChanges, error) {
	cr, n, err := newChangeReader(r, size)
	if err != nil {
		return nil, err
	}
	var out []TableChanges
	for i := 0; i < n; i++ {
		t, err := cr.table()
		if err != nil {
			return nil, err
		}
		c := TableChanges{Table: t.Name}
		for {
			ch, err := cr.record(t)
			if err != nil {
				return nil, err
			}
			if ch == nil {
				break
			}
			switch ch.op {
			case opInsert:
				c.Inserts++
			case opUpdate:
				c.Updates++
			case opDelete:
				c.Deletes++
			}
		}
		if c.Total() > 0 {
			out = append(out, c)
		}
	}
	return out, cr.end()
}

func manifest(kind pack.Kind, s store.Store, id dossier.Identity, stats dossier.Stats, x Extra, now time.Time) (*pack.Manifest, error) {
	raw, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	desc := s.Describe()
	return &pack.Manifest{
		Kind:      kind,
		Tool:      buildinfo.Tool(),
		CreatedAt: now.UTC().Truncate(time.Second),
		Source:    pack.Source{Kind: desc.Kind, Dialect: desc.Dialect, Description: desc.Location},
		Dossier:   id,
		Stats:     stats,
		Extra:     map[string]json.RawMessage{ExtraKey: raw},
	}, nil
}

// writePack packs part under a temp name for req.DestDir/base+ext (or the
// next free numbered name, claimed at Commit), re-reads it from the disk
// and hands the part's bytes to check.
func writePack(ctx context.Context, req ExportRequest, base, ext string, m *pack.Manifest, part pack.PartSource, check func(io.Reader, int64) error) (*fsutil.TempFile, error) {
	tmp, err := fsutil.CreateTempUnique(req.DestDir, base, ext)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Abort()
		}
	}()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	wr, err := pack.Write(ctx, bw, m, []pack.PartSource{part}, pack.WriteOptions{Progress: req.Progress, Dossier: m.Dossier.Numero})
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		return nil, err
	}
	got, err := pack.Read(ctx, tmp.Name(), pack.ReadOptions{Progress: req.Progress, Phase: dossier.PhaseVerification, Dossier: m.Dossier.Numero},
		func(p pack.Part, r io.Reader) error { return check(r, p.Size) })
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, err
		}
		return nil, i18n.E(msgVerifyFailed, nil, err)
	}
	if len(got.Parts) != 1 || got.Parts[0] != wr.Manifest.Parts[0] {
		return nil, i18n.E(msgVerifyFailed, nil, dossier.ErrCorrupt)
	}
	ok = true
	return tmp, nil
}

// writeBase writes the complete dossier as a PBF that is a transfer base:
// the snapshot's image, with the transfer recorded in its `transferts`
// (so the restored copy expects the next number) and no open sessions
// (they belong to the source's site).
func writeBase(ctx context.Context, req ExportRequest, snap store.Snapshot, id dossier.Identity, x Extra, now time.Time) (*fsutil.TempFile, error) {
	image, size, err := snap.Database(ctx)
	if err != nil {
		return nil, err
	}
	defer image.Close()
	db, err := fsutil.CreateTemp(filepath.Join(req.DestDir, "transfert-base.db"))
	if err != nil {
		return nil, err
	}
	defer db.Abort()
	if n, err := io.Copy(db, image); err != nil {
		return nil, err
	} else if n != size {
		return nil, fmt.Errorf("transfer: image of %d bytes instead of %d: %w", n, size, dossier.ErrTruncated)
	}
	if err := db.Sync(); err != nil {
		return nil, err
	}
	if err := sqlitestore.SetRollbackJournal(ctx, db.Name()); err != nil {
		return nil, err
	}
	stats, err := markBase(ctx, db.Name(), x, now)
	if err != nil {
		return nil, err
	}
	fi, err := db.Stat()
	if err != nil {
		return nil, err
	}
	if _, err := db.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	m, err := manifest(pack.KindPBF, req.Store, id, stats, x, now)
	if err != nil {
		return nil, err
	}
	return writePack(ctx, req, FileName(id, x.Sequence), dossier.ExtPBF, m, pack.PartSource{Name: pack.DatabasePart, Role: pack.RoleDatabase, Size: fi.Size(), R: db},
		func(r io.Reader, _ int64) error { _, err := io.Copy(io.Discard, r); return err })
}

func markBase(ctx context.Context, path string, x Extra, now time.Time) (dossier.Stats, error) {
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw"))
	if err != nil {
		return dossier.Stats{}, err
	}
	defer db.Close()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return dossier.Stats{}, err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions`); err != nil {
		return dossier.Stats{}, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO transferts (sequence, identifiant_source, applique_le) VALUES (?, ?, ?)`,
		x.Sequence, x.IdentifiantSource, now.UTC().Format(time.RFC3339)); err != nil {
		return dossier.Stats{}, err
	}
	if err := tx.Commit(); err != nil {
		return dossier.Stats{}, err
	}
	tables, err := sqlitestore.Tables(ctx, db)
	if err != nil {
		return dossier.Stats{}, err
	}
	return ledger.Compute(ctx, db, tables)
}

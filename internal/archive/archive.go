package archive

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"coffre/internal/backup"
	"coffre/internal/batch"
	"coffre/internal/buildinfo"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/pack"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/store/workcopy"
)

// Phases of archiving and de-archiving (reading, compression, verification
// and the safety backup use the common ones).
const (
	PhaseArchivage    dossier.Phase = "archivage"    // the transaction that moves the rows out
	PhaseDesarchivage dossier.Phase = "desarchivage" // the transaction that puts them back
)

// MinAge is how old, in years after its closing date, an exercice must be to
// be archived by default.
const MinAge = 7

var (
	msgUnknown = &i18n.Message{ID: "ArchiveExerciceInconnu", Other: "L'exercice {{.Exercice}} n'existe pas dans le dossier {{.Dossier}}."}
	msgOpen    = &i18n.Message{ID: "ArchiveExerciceOuvert", Other: "L'exercice {{.Exercice}} du dossier {{.Dossier}} n'est pas clôturé : seuls les exercices clôturés peuvent être archivés."}
	msgAlready = &i18n.Message{ID: "ArchiveDejaArchive", Other: "L'exercice {{.Exercice}} du dossier {{.Dossier}} est déjà archivé."}
	msgNone    = &i18n.Message{ID: "ArchiveAucunExercice", Other: "Aucun exercice à archiver dans le dossier {{.Dossier}} : par défaut, ce sont les exercices clôturés depuis au moins {{.Age}} ans (fin au plus tard le {{.Cutoff}}) et pas encore archivés. Choisissez-les avec --exercices."}
	msgUnbal   = &i18n.Message{ID: "ArchiveExerciceDesequilibre", Other: "L'exercice {{.Exercice}} du dossier {{.Dossier}} n'est pas équilibré (débit {{.Debit}}, crédit {{.Credit}}) : son écriture de solde ne le serait pas non plus. Corrigez-le avant de l'archiver."}
	msgNoOD    = &i18n.Message{ID: "ArchiveSansJournalOD", Other: "Le dossier {{.Dossier}} n'a pas de journal d'opérations diverses (OD) pour y passer les écritures de solde."}
	// Details of msgChanged: what moved in the dossier meanwhile.
	detExercice = &i18n.Message{ID: "ArchiveDetailExercice", Other: "exercice {{.Exercice}}"}
	detRows     = &i18n.Message{ID: "ArchiveDetailLignes", One: "exercice {{.Exercice}}, {{.Count}} ligne modifiée", Other: "exercice {{.Exercice}}, {{.Count}} lignes modifiées"}
	detAdded    = &i18n.Message{ID: "ArchiveDetailEcritureAjoutee", Other: "une écriture a été ajoutée à l'exercice {{.Exercice}}"}
	detBalances = &i18n.Message{ID: "ArchiveDetailSoldes", Other: "soldes de l'exercice {{.Exercice}}"}
	detAmount   = &i18n.Message{ID: "ArchiveDetailMontant", Other: "exercice {{.Exercice}}, écriture n° {{.Numero}} : {{.Field}} « {{.Value}} »"}
	msgAmounts  = &i18n.Message{ID: "ArchiveMontantsNonEntiers", One: "Le dossier {{.Dossier}} a {{.Count}} montant qui n'est pas un nombre entier de centimes ({{.Examples}}) : l'écriture de solde ne pourrait pas le reprendre exactement. Corrigez-le dans le logiciel de gestion avant d'archiver ; rien n'a été modifié.", Other: "Le dossier {{.Dossier}} a {{.Count}} montants qui ne sont pas des nombres entiers de centimes ({{.Examples}}) : l'écriture de solde ne pourrait pas les reprendre exactement. Corrigez-les dans le logiciel de gestion avant d'archiver ; rien n'a été modifié."}
	msgVerify   = &i18n.Message{ID: "ArchiveRelectureDifferente", Other: "La relecture de l'archive ne correspond pas à ce qui a été écrit ({{.Detail}}) : elle a été supprimée et le dossier n'a pas été modifié. Vérifiez le disque de destination."}
)

// What the balance entries say. They are data of the dossier, read by the
// management software: French whatever the interface's language.
const (
	entryLibelle = "Archivage de l'exercice %s"
	lineLibelle  = "Solde archivé de l'exercice %s"
	pafWord      = "archive"
)

// Request archives exercices of one dossier.
type Request struct {
	Store  store.Store // a connexion whose dossiers are files (Files)
	Numero string
	// Exercices are the codes to archive; empty means the default: closed,
	// ended at least MinAge years ago, not archived yet.
	Exercices []string
	DestDir   string // where the .paf goes
	SafetyDir string // where the safety backup goes
	// IgnoreSessions confirms archiving a dossier its sessions table says
	// is open; SessionIdle is when a listed session counts as closed (0:
	// dossier.DefaultSessionIdle).
	IgnoreSessions bool
	SessionIdle    time.Duration
	Now            func() time.Time
	Progress       dossier.Progress
}

// Result says what was done.
type Result struct {
	Dossier      dossier.Identity
	Exercices    []Exercice
	Path         string // the .paf
	Size         int64
	Ecritures    int64 // moved out of the dossier, all exercices together
	Lignes       int64
	Annexes      int64
	SafetyBackup string
	// Notes: sessions set aside as probably closed, or confirmed.
	Notes    []i18n.Note
	Duration time.Duration
}

// Run archives: it writes the .paf, re-reads and checks it, takes a
// verified safety backup, then in one transaction replaces the exercices'
// entries by one balance entry each and marks them archived, checking that
// every (compte, tiers) balance of the dossier is unchanged. Until that
// transaction commits the dossier is untouched; if it fails, the .paf is
// removed.
func Run(ctx context.Context, req Request) (res Result, err error) {
	if err := req.Validate(); err != nil {
		return res, err
	}
	if workcopy.Needed(req.Store) {
		return runOnServer(ctx, req)
	}
	start := time.Now()
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	fsutil.SweepTemp(req.DestDir)
	unlock, err := req.Store.Lock(ctx, req.Numero)
	if err != nil {
		return res, err
	}
	defer unlock()
	o, err := open(ctx, req.Store, req.Numero)
	if err != nil {
		return res, err
	}
	defer o.close()
	res.Dossier = o.id

	chosen, err := choose(o, req.Exercices, now())
	if err != nil {
		return res, err
	}
	if res.Notes, err = checkSessions(ctx, o, req.IgnoreSessions, req.SessionIdle, now); err != nil {
		return res, err
	}
	if err := wholeAmounts(ctx, o, chosen); err != nil {
		return res, err
	}
	od, err := odJournal(ctx, o)
	if err != nil {
		return res, err
	}
	plan, err := planBalances(ctx, o, chosen)
	if err != nil {
		return res, err
	}

	// 1. The archive's database: the exercices' rows, same ids.
	part, err := fsutil.CreateTemp(filepath.Join(req.DestDir, "archive.db"))
	if err != nil {
		return res, err
	}
	defer part.Abort()
	if err := buildPart(ctx, part.Name(), o.path, plan, req.Progress, o.id.Numero); err != nil {
		return res, err
	}
	info := &Info{Exercices: plan}
	if err := fillTotals(ctx, part.Name(), info); err != nil {
		return res, err
	}
	for _, e := range info.Exercices {
		if e.Debit != e.Credit {
			return res, i18n.E(msgUnbal, map[string]any{"Exercice": e.Code, "Dossier": o.id.Numero, "Debit": i18n.Money(e.Debit), "Credit": i18n.Money(e.Credit)}, nil)
		}
	}

	// 2. The .paf, written, re-read and checked before anything changes.
	name := fmt.Sprintf("%s-%s_%s_%s", o.id.Numero, o.id.Nom, pafWord, label(o.exercices, codes(plan)))
	if !dossier.ValidNumero(o.id.Numero) || !dossier.ValidNom(o.id.Nom) {
		name = req.Numero + "_" + pafWord + "_" + label(o.exercices, codes(plan))
	}
	verified, final, size, err := writePAF(ctx, name, part.Name(), o, info, req, now())
	if err != nil {
		return res, err
	}
	defer verified.Abort()
	part.Abort()
	// Until the transaction commits, the dossier still holds the
	// exercices: a failure removes the .paf (or says it is still there).
	committed := false
	defer func() {
		if !committed {
			err = dossier.Undo(err, final)
		}
	}()

	// 3. The safety backup.
	if err := os.MkdirAll(req.SafetyDir, 0o755); err != nil {
		return res, err
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseSecurite, Dossier: o.id.Numero})
	safety, err := backup.Run(ctx, backup.Request{Source: store.InStore(req.Store, req.Numero), DestDir: req.SafetyDir, Verify: true, Locked: true, Progress: req.Progress, Now: req.Now})
	if err != nil {
		return res, err
	}
	res.SafetyBackup = safety.Path

	// 4. One transaction.
	if err := moveOut(ctx, o, verified.Name(), info, od, req.Progress); err != nil {
		return res, err
	}
	committed = true
	res.Exercices, res.Path, res.Size = info.Exercices, final, size
	for _, e := range info.Exercices {
		res.Ecritures += e.Ecritures
		res.Lignes += e.Lignes
		res.Annexes += e.Annexes
	}
	res.Duration = time.Since(start)
	return res, nil
}

func codes(ex []Exercice) []string {
	var out []string
	for _, e := range ex {
		out = append(out, e.Code)
	}
	return out
}

// choose returns the exercices to archive, refusing open, archived or
// unknown ones by name.
func choose(o *opened, requested []string, now time.Time) ([]exercice, error) {
	numero := o.id.Numero
	var out []exercice
	if len(requested) == 0 {
		limit := cutoff(now)
		for _, e := range o.exercices {
			if defaultChoice(e.Cloture, e.Archived, e.Fin, limit) {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			// A fact, not a failure: over several dossiers, this one is
			// « nothing to do » and the run goes on.
			return nil, i18n.E(msgNone, map[string]any{"Dossier": numero, "Age": MinAge, "Cutoff": limit}, batch.ErrNothingToDo)
		}
		return out, nil
	}
	seen := map[string]bool{}
	for _, code := range requested {
		if seen[code] {
			continue
		}
		seen[code] = true
		e, ok := o.exercice(code)
		switch {
		case !ok:
			return nil, i18n.E(msgUnknown, map[string]any{"Exercice": code, "Dossier": numero}, dossier.ErrNotFound)
		case e.Archived:
			return nil, i18n.E(msgAlready, map[string]any{"Exercice": code, "Dossier": numero}, nil)
		case !e.Cloture:
			return nil, i18n.E(msgOpen, map[string]any{"Exercice": code, "Dossier": numero}, nil)
		}
	}
	// In the dossier's order, whatever the order asked.
	var sorted []exercice
	for _, e := range o.exercices {
		if seen[e.Code] {
			sorted = append(sorted, e)
		}
	}
	return sorted, nil
}

// wholeAmounts refuses exercices holding an amount that is not a whole
// number of cents: their balance entry could not carry it exactly.
func wholeAmounts(ctx context.Context, o *opened, chosen []exercice) error {
	var ids []string
	for _, e := range chosen {
		ids = append(ids, strconv.FormatInt(e.ID, 10))
	}
	n, bad, err := ledger.NonWholeAmounts(ctx, o.conn, "x.id IN ("+strings.Join(ids, ", ")+")", 5)
	if err != nil || n == 0 {
		return err
	}
	var ex []string
	for _, b := range bad {
		ex = append(ex, i18n.T(detAmount, map[string]any{"Exercice": b.Exercice, "Numero": b.Numero, "Field": b.Field, "Value": b.Value}))
	}
	return i18n.E(msgAmounts, map[string]any{"Dossier": o.id.Numero, "Count": n, "Examples": strings.Join(ex, "\u00a0; ")}, dossier.ErrCorrupt)
}

// odJournal is the journal of the balance entries: OD, or else the first
// journal of type OD.
func odJournal(ctx context.Context, o *opened) (string, error) {
	var code string
	err := o.conn.QueryRowContext(ctx, `SELECT code FROM journaux WHERE type = 'OD' ORDER BY code <> 'OD', code LIMIT 1`).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", i18n.E(msgNoOD, map[string]any{"Dossier": o.id.Numero}, nil)
	}
	return code, err
}

// planBalances fixes the id and number of each balance entry now, so the
// .paf can record them: ids after the dossier's highest, numbers after the
// exercice's highest.
func planBalances(ctx context.Context, o *opened, chosen []exercice) ([]Exercice, error) {
	var maxID int64
	if err := o.conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM ecritures`).Scan(&maxID); err != nil {
		return nil, err
	}
	var out []Exercice
	for i, e := range chosen {
		var num int64
		if err := o.conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(numero), 0) + 1 FROM ecritures WHERE exercice_id = ?`, e.ID).Scan(&num); err != nil {
			return nil, err
		}
		out = append(out, Exercice{ID: e.ID, Code: e.Code, Debut: e.Debut, Fin: e.Fin, BalanceID: maxID + 1 + int64(i), BalanceNumero: num})
	}
	return out, nil
}

// v1Tables are copied into the archive's database with the dossier's own
// definitions: the exercices' rows, plus the reference tables whole so the
// archive reads on its own.
var v1Tables = []string{"dossier", "exercices", "journaux", "comptes", "tiers", "ecritures", "lignes", "annexes", "sessions", "transferts"}

// buildPart writes at dst a SQLite database holding, with the dossier's
// table definitions, the rows of the chosen exercices (ecritures, lignes,
// annexes, the exercices rows themselves) and the reference tables.
func buildPart(ctx context.Context, dst, src string, plan []Exercice, progress dossier.Progress, label string) error {
	db, err := sql.Open("sqlite3", sqlitestore.DSN(dst, "_journal_mode=OFF"))
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, `ATTACH DATABASE ? AS src`, sqlitestore.DSN(src, "mode=ro")); err != nil {
		return err
	}
	if err := exec(ctx, c, "BEGIN"); err != nil {
		return err
	}
	defer c.ExecContext(context.Background(), "ROLLBACK")
	ids := idList(plan)
	where := map[string]string{
		"exercices":  "WHERE id IN (" + ids + ")",
		"ecritures":  "WHERE exercice_id IN (" + ids + ")",
		"lignes":     "WHERE ecriture_id IN (SELECT id FROM src.ecritures WHERE exercice_id IN (" + ids + "))",
		"annexes":    "WHERE ecriture_id IN (SELECT id FROM src.ecritures WHERE exercice_id IN (" + ids + "))",
		"sessions":   "WHERE 0",
		"transferts": "WHERE 0",
	}
	for i, t := range v1Tables {
		var ddl string
		if err := c.QueryRowContext(ctx, `SELECT sql FROM src.sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE`, t).Scan(&ddl); err != nil {
			return fmt.Errorf("archive: table %s: %w", t, err)
		}
		if err := exec(ctx, c, ddl, "INSERT INTO main."+ledger.Quote(t)+" SELECT * FROM src."+ledger.Quote(t)+" "+where[t]); err != nil {
			return err
		}
		progress.Report(dossier.Event{Phase: dossier.PhaseLecture, Dossier: label, Done: int64(i + 1), Total: int64(len(v1Tables))})
	}
	if err := exec(ctx, c, "COMMIT"); err != nil {
		return err
	}
	if _, err := c.ExecContext(ctx, `DETACH DATABASE src`); err != nil {
		return err
	}
	var mode string
	return c.QueryRowContext(ctx, "PRAGMA journal_mode=DELETE").Scan(&mode)
}

func idList(plan []Exercice) string {
	var s []string
	for _, e := range plan {
		s = append(s, fmt.Sprint(e.ID))
	}
	return strings.Join(s, ", ")
}

// fillTotals records in info the totals of each exercice as the archive's
// database holds them.
func fillTotals(ctx context.Context, path string, info *Info) error {
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		return err
	}
	defer db.Close()
	for i := range info.Exercices {
		e := &info.Exercices[i]
		t, err := exerciceTotals(ctx, db, "main", e.ID)
		if err != nil {
			return err
		}
		e.Ecritures, e.Lignes, e.Annexes, e.Debit, e.Credit = t.Ecritures, t.Lignes, t.Annexes, t.Debit, t.Credit
		err = db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT SUM(l.debit) - SUM(l.credit) AS s
			FROM lignes l JOIN ecritures x ON x.id = l.ecriture_id WHERE x.exercice_id = ?
			GROUP BY l.compte, l.tiers_id HAVING s <> 0)`, e.ID).Scan(&e.BalanceLignes)
		if err != nil {
			return err
		}
	}
	return nil
}

// checkPart compares the totals of a database extracted from a .paf with
// those its manifest records; "" when they agree.
func checkPart(ctx context.Context, path string, info *Info, only map[string]bool) (string, error) {
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		return "", err
	}
	defer db.Close()
	if err := backup.QuickCheck(ctx, db, filepath.Base(path)); err != nil {
		return err.Error(), nil
	}
	for _, e := range info.Exercices {
		if only != nil && !only[e.Code] {
			continue
		}
		t, err := exerciceTotals(ctx, db, "main", e.ID)
		if err != nil {
			return "", err
		}
		if t != e.totals() {
			return fmt.Sprintf("exercice %s : %+v au lieu de %+v", e.Code, t, e.totals()), nil
		}
	}
	return "", nil
}

// writePAF packs the database at part into req.DestDir/name.paf or the next
// free numbered name (under a temp name until verified), re-reads the whole
// file, extracts the database again and checks its totals. It returns the
// extracted copy, which the transaction compares row for row with what it
// deletes, and the name the .paf was given.
func writePAF(ctx context.Context, name, part string, o *opened, info *Info, req Request, now time.Time) (*fsutil.TempFile, string, int64, error) {
	verified, size, tmp, err := writeCheckedPAF(ctx, name, part, o, info, req, now)
	if err != nil {
		return nil, "", 0, err
	}
	return verified, tmp.Final(), size, nil
}

func writeCheckedPAF(ctx context.Context, name, part string, o *opened, info *Info, req Request, now time.Time) (*fsutil.TempFile, int64, *fsutil.TempFile, error) {
	db, err := sqlitestore.OpenRO(part)
	if err != nil {
		return nil, 0, nil, err
	}
	tables, err := sqlitestore.Tables(ctx, db)
	var st dossier.Stats
	if err == nil {
		st, err = ledger.Compute(ctx, db, tables)
	}
	db.Close()
	if err != nil {
		return nil, 0, nil, err
	}
	extra, err := json.Marshal(info)
	if err != nil {
		return nil, 0, nil, err
	}
	desc := req.Store.Describe()
	m := &pack.Manifest{
		Kind:      pack.KindPAF,
		Tool:      buildinfo.Tool(),
		CreatedAt: now.UTC().Truncate(time.Second),
		Source:    pack.Source{Kind: desc.Kind, Dialect: desc.Dialect, Description: desc.Location},
		Dossier:   o.id,
		Stats:     st,
		Extra:     map[string]json.RawMessage{ExtraKey: extra},
	}
	f, err := os.Open(part)
	if err != nil {
		return nil, 0, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, nil, err
	}
	tmp, err := fsutil.CreateTempUnique(req.DestDir, name, dossier.ExtPAF)
	if err != nil {
		return nil, 0, nil, err
	}
	defer tmp.Abort()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	wr, err := pack.Write(ctx, bw, m, []pack.PartSource{{Name: pack.DatabasePart, Role: pack.RoleDatabase, Size: fi.Size(), R: f}},
		pack.WriteOptions{Progress: req.Progress, Dossier: o.id.Numero})
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		return nil, 0, nil, err
	}

	verified, err := fsutil.CreateTemp(filepath.Join(req.DestDir, "verification-archive.db"))
	if err != nil {
		return nil, 0, nil, err
	}
	ok := false
	defer func() {
		if !ok {
			verified.Abort()
		}
	}()
	got, err := pack.Read(ctx, tmp.Name(), pack.ReadOptions{Progress: req.Progress, Phase: dossier.PhaseVerification, Dossier: o.id.Numero},
		func(p pack.Part, r io.Reader) error {
			if p.Name != pack.DatabasePart {
				_, err := io.Copy(io.Discard, r)
				return err
			}
			_, err := io.Copy(verified, r)
			return err
		})
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, 0, nil, err
		}
		return nil, 0, nil, i18n.E(msgVerify, map[string]any{"Detail": i18n.Describe(err)}, err)
	}
	if err := verified.Sync(); err != nil {
		return nil, 0, nil, err
	}
	if len(got.Parts) != 1 || got.Parts[0] != wr.Manifest.Parts[0] {
		return nil, 0, nil, i18n.E(msgVerify, map[string]any{"Detail": "manifeste"}, dossier.ErrCorrupt)
	}
	gotInfo, err := InfoOf(got, tmp.Final())
	if err != nil {
		return nil, 0, nil, i18n.E(msgVerify, map[string]any{"Detail": i18n.Describe(err)}, err)
	}
	if diff, err := checkPart(ctx, verified.Name(), gotInfo, nil); err != nil || diff != "" {
		if err != nil {
			return nil, 0, nil, err
		}
		return nil, 0, nil, i18n.E(msgVerify, map[string]any{"Detail": diff}, dossier.ErrCorrupt)
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, nil, err
	}
	if err := tmp.Commit(false); err != nil {
		return nil, 0, nil, err
	}
	ok = true
	return verified, wr.Size, tmp, nil
}

// moveOut is the one transaction of archiving. It sets the dossier's
// triggers aside, proves that the rows it deletes are exactly those of the
// verified archive (same counts, and no row of the dossier missing from the
// archive), then replaces each exercice's entries by its balance entry,
// marks it archived, and checks before committing every (compte, tiers)
// balance of the dossier and that no row outside the exercices changed.
func moveOut(ctx context.Context, o *opened, paf string, info *Info, od string, progress dossier.Progress) error {
	c := o.conn
	if _, err := c.ExecContext(ctx, `ATTACH DATABASE ? AS paf`, sqlitestore.DSN(paf, "mode=ro")); err != nil {
		return err
	}
	defer c.ExecContext(context.Background(), `DETACH DATABASE paf`)
	if err := exec(ctx, c, "BEGIN IMMEDIATE"); err != nil {
		return err
	}
	done := false
	defer func() {
		if !done {
			c.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	numero := o.id.Numero
	changed := func(detail string) error {
		return i18n.E(msgChanged, map[string]any{"Dossier": numero, "Detail": detail}, nil)
	}
	var ids []int64
	for _, e := range info.Exercices {
		ids = append(ids, e.ID)
	}
	scope := moving(ids)
	content, err := ledger.ContentOf(ctx, c, "main", scope)
	if err != nil {
		return err
	}
	restoreTriggers, err := ledger.SetTriggersAside(ctx, c)
	if err != nil {
		return err
	}
	before, err := balances(ctx, c)
	if err != nil {
		return err
	}
	total := int64(len(info.Exercices))
	for i, e := range info.Exercices {
		progress.Report(dossier.Event{Phase: PhaseArchivage, Dossier: numero, Done: int64(i), Total: total})
		cur, err := readExercices(ctx, c)
		if err != nil {
			return err
		}
		still := false
		for _, x := range cur {
			if x.ID == e.ID && x.Code == e.Code && x.Cloture && !x.Archived {
				still = true
			}
		}
		if !still {
			return changed(i18n.T(detExercice, map[string]any{"Exercice": e.Code}))
		}
		t, err := exerciceTotals(ctx, c, "main", e.ID)
		if err != nil {
			return err
		}
		if t != e.totals() {
			return changed(i18n.T(detExercice, map[string]any{"Exercice": e.Code}))
		}
		if n, err := missingFromArchive(ctx, c, e.ID); err != nil || n > 0 {
			if err != nil {
				return err
			}
			return changed(i18n.N(detRows, n, map[string]any{"Exercice": e.Code}))
		}
		var num int64
		if err := c.QueryRowContext(ctx, `SELECT COALESCE(MAX(numero), 0) + 1 FROM ecritures WHERE exercice_id = ?`, e.ID).Scan(&num); err != nil {
			return err
		}
		var taken int64
		if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM ecritures WHERE id = ?`, e.BalanceID).Scan(&taken); err != nil {
			return err
		}
		// The balance entry's id and number were fixed before the .paf
		// was written: an entry added meanwhile, to whichever exercice,
		// has taken one of them.
		if taken != 0 {
			var code string
			if err := c.QueryRowContext(ctx, `SELECT COALESCE((SELECT x.code FROM exercices x WHERE x.id = e.exercice_id), '?') FROM ecritures e WHERE e.id = ?`, e.BalanceID).Scan(&code); err != nil {
				return err
			}
			return changed(i18n.T(detAdded, map[string]any{"Exercice": code}))
		}
		if num != e.BalanceNumero {
			return changed(i18n.T(detAdded, map[string]any{"Exercice": e.Code}))
		}
		n, err := replaceByBalance(ctx, c, e, od)
		if err != nil {
			return err
		}
		if n != e.BalanceLignes {
			return changed(i18n.T(detBalances, map[string]any{"Exercice": e.Code}))
		}
	}
	after, err := balances(ctx, c)
	if err != nil {
		return err
	}
	if d := diffBalances(before, after); d != "" {
		return i18n.E(msgBalances, map[string]any{"Dossier": numero, "Detail": d}, nil)
	}
	if err := restoreTriggers(); err != nil {
		return err
	}
	if err := unchangedOutside(ctx, c, content, scope, numero, info.Codes()); err != nil {
		return err
	}
	progress.Report(dossier.Event{Phase: PhaseArchivage, Dossier: numero, Done: total, Total: total})
	if err := exec(ctx, c, "COMMIT"); err != nil {
		return err
	}
	done = true
	return nil
}

// missingFromArchive counts the exercice's rows of the dossier that the
// archive does not hold identically (every column compared).
func missingFromArchive(ctx context.Context, c *sql.Conn, id int64) (int64, error) {
	var n int64
	err := c.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM (SELECT * FROM main.ecritures WHERE exercice_id = ?1 EXCEPT SELECT * FROM paf.ecritures)) +
		(SELECT COUNT(*) FROM (SELECT * FROM main.lignes WHERE ecriture_id IN (SELECT id FROM main.ecritures WHERE exercice_id = ?1) EXCEPT SELECT * FROM paf.lignes)) +
		(SELECT COUNT(*) FROM (SELECT * FROM main.annexes WHERE ecriture_id IN (SELECT id FROM main.ecritures WHERE exercice_id = ?1) EXCEPT SELECT * FROM paf.annexes))`, id).Scan(&n)
	return n, err
}

// replaceByBalance deletes exercice e's rows and writes its balance entry:
// one line per (compte, tiers) pair with a non-zero balance, on the debit
// or credit side by its sign. It returns the number of lines written.
func replaceByBalance(ctx context.Context, c *sql.Conn, e Exercice, od string) (int64, error) {
	type pair struct {
		compte string
		tiers  sql.NullInt64
		solde  int64
	}
	rows, err := c.QueryContext(ctx, `SELECT l.compte, l.tiers_id, SUM(l.debit) - SUM(l.credit) AS s
		FROM main.lignes l JOIN main.ecritures x ON x.id = l.ecriture_id
		WHERE x.exercice_id = ? GROUP BY l.compte, l.tiers_id HAVING s <> 0 ORDER BY l.compte, l.tiers_id`, e.ID)
	if err != nil {
		return 0, err
	}
	var pairs []pair
	for rows.Next() {
		var p pair
		if err := rows.Scan(&p.compte, &p.tiers, &p.solde); err != nil {
			rows.Close()
			return 0, err
		}
		pairs = append(pairs, p)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sub := `SELECT id FROM main.ecritures WHERE exercice_id = ?`
	for _, q := range []string{
		`DELETE FROM main.annexes WHERE ecriture_id IN (` + sub + `)`,
		`DELETE FROM main.lignes WHERE ecriture_id IN (` + sub + `)`,
		`DELETE FROM main.ecritures WHERE exercice_id = ?`,
	} {
		if _, err := c.ExecContext(ctx, q, e.ID); err != nil {
			return 0, err
		}
	}
	fin := e.Fin
	if len(fin) > 10 {
		fin = fin[:10]
	}
	if _, err := c.ExecContext(ctx, `INSERT INTO main.ecritures (id, exercice_id, journal, numero, date_ecriture, libelle, date_validation, origine)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'ARCHIVE')`, e.BalanceID, e.ID, od, e.BalanceNumero, fin, fmt.Sprintf(entryLibelle, e.Code), fin); err != nil {
		return 0, err
	}
	lib := fmt.Sprintf(lineLibelle, e.Code)
	for _, p := range pairs {
		var d, cr int64
		if p.solde > 0 {
			d = p.solde
		} else {
			cr = -p.solde
		}
		if _, err := c.ExecContext(ctx, `INSERT INTO main.lignes (ecriture_id, compte, tiers_id, libelle, debit, credit) VALUES (?, ?, ?, ?, ?, ?)`,
			e.BalanceID, p.compte, p.tiers, lib, d, cr); err != nil {
			return 0, err
		}
	}
	if _, err := c.ExecContext(ctx, `UPDATE main.exercices SET archive = 1 WHERE id = ?`, e.ID); err != nil {
		return 0, err
	}
	return int64(len(pairs)), nil
}

package archive

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	sqlite3 "github.com/mattn/go-sqlite3"

	"coffre/internal/backup"
	"coffre/internal/batch"
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
	msgOtherDossier = &i18n.Message{ID: "ArchiveAutreDossier", Other: "Cette archive appartient au dossier {{.Archive}}, pas au dossier {{.Dossier}} de la connexion : elle ne peut pas y être remise."}
	msgNotInPAF     = &i18n.Message{ID: "ArchiveExerciceHorsPAF", Other: "L'exercice {{.Exercice}} n'est pas dans cette archive, qui contient : {{.Codes}}."}
	msgNotArchived  = &i18n.Message{ID: "ArchivePasArchive", Other: "L'exercice {{.Exercice}} n'est pas archivé dans le dossier {{.Dossier}} : il n'y a rien à remettre."}
	msgNoBalance    = &i18n.Message{ID: "ArchiveSoldeIntrouvable", Other: "L'écriture de solde de l'exercice {{.Exercice}} (journal OD, n° {{.Numero}}) a disparu ou a été modifiée dans le dossier {{.Dossier}}, ou l'exercice a reçu d'autres écritures : cette archive ne peut pas être remise sans risque."}
	msgConflict     = &i18n.Message{ID: "ArchiveConflit", Other: "Les écritures archivées ne peuvent pas être remises dans le dossier {{.Dossier}} : {{.Detail}}. Rien n'a été modifié."}
	msgTotals       = &i18n.Message{ID: "ArchiveTotauxDifferents", Other: "Après remise en place, l'exercice {{.Exercice}} ne correspond pas à l'archive ({{.Detail}}) : l'opération a été annulée, rien n'a été modifié."}
	msgAllBack      = &i18n.Message{ID: "ArchiveDejaRemise", Other: "Les exercices de cette archive ({{.Codes}}) sont déjà tous remis dans le dossier {{.Dossier}} : il n'y a rien à remettre."}
	msgBadPart      = &i18n.Message{ID: "ArchivePAFEndommage", Other: "Le contenu de l'archive ne correspond pas à son manifeste ({{.Detail}}) : elle est endommagée, le dossier n'a pas été modifié."}
)

// RestoreRequest puts archived exercices back into their dossier.
type RestoreRequest struct {
	File   string // the .paf
	Store  store.Store
	Numero string
	// Exercices are the codes to put back; empty means all of the archive's.
	Exercices []string
	// DeleteArchive removes the .paf once every exercice it holds is back.
	DeleteArchive bool
	SafetyDir     string
	// TempDir is where the archive's database is unpacked; "" means the
	// dossier's own folder (its temp files are swept when it is opened).
	TempDir string
	// IgnoreSessions and SessionIdle: as for Request.
	IgnoreSessions bool
	SessionIdle    time.Duration
	Now            func() time.Time
	Progress       dossier.Progress
}

// RestoreResult says what was done.
type RestoreResult struct {
	Dossier   dossier.Identity
	Archive   *Info      // everything the .paf holds
	Exercices []Exercice // those put back
	// AlreadyBack are the archive's exercices already put back by an
	// earlier run, left alone when no exercice was named.
	AlreadyBack  []string
	Ecritures    int64
	Lignes       int64
	Annexes      int64
	Recreated    []string // journaux, comptes or tiers deleted since and put back
	SafetyBackup string
	Deleted      bool // the .paf was removed
	Notes        []i18n.Note
	Duration     time.Duration
}

// Restore de-archives: it checks that the .paf is this dossier's and that
// each exercice is still archived with its balance entry, unpacks and checks
// the archive, takes a verified safety backup, then in one transaction
// removes the balance entries, puts the original rows back (same ids) and
// unmarks the exercices, checking their totals against the archive and
// every (compte, tiers) balance of the dossier before committing.
func Restore(ctx context.Context, req RestoreRequest) (res RestoreResult, err error) {
	if err := req.Validate(); err != nil {
		return res, err
	}
	if workcopy.Needed(req.Store) {
		return restoreOnServer(ctx, req)
	}
	start := time.Now()
	m, info, err := Inspect(ctx, req.File)
	if err != nil {
		return res, err
	}
	res.Archive = info
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
	if m.Dossier.Identifiant == "" || m.Dossier.Identifiant != o.id.Identifiant {
		return res, i18n.E(msgOtherDossier, map[string]any{
			"Archive": strings.TrimSpace(m.Dossier.Base() + " « " + m.Dossier.RaisonSociale + " » " + m.Dossier.Identifiant),
			"Dossier": strings.TrimSpace(o.id.Base() + " « " + o.id.RaisonSociale + " » " + o.id.Identifiant),
		}, dossier.ErrNotRestorable)
	}
	chosen, back, err := chooseBack(ctx, o, info, req.Exercices)
	res.AlreadyBack = back
	if err != nil {
		return res, err
	}
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	if res.Notes, err = checkSessions(ctx, o, req.IgnoreSessions, req.SessionIdle, now); err != nil {
		return res, err
	}
	only := map[string]bool{}
	for _, e := range chosen {
		only[e.Code] = true
	}

	// The archive's database, unpacked and checked.
	dir := req.TempDir
	if dir == "" {
		dir = filepath.Dir(o.path)
	}
	part, err := fsutil.CreateTemp(filepath.Join(dir, "desarchivage.db"))
	if err != nil {
		return res, err
	}
	defer part.Abort()
	_, err = pack.Read(ctx, req.File, pack.ReadOptions{Progress: req.Progress, Phase: dossier.PhaseExtraction, Dossier: o.id.Numero},
		func(p pack.Part, r io.Reader) error {
			if p.Name != pack.DatabasePart {
				_, err := io.Copy(io.Discard, r)
				return err
			}
			if err := pack.CheckRoom(dir, p); err != nil {
				return err
			}
			_, err := io.Copy(sqlitestore.ImageWriter(part, p.Size), r)
			return err
		})
	if err == nil {
		err = part.Sync()
	}
	if err != nil {
		return res, err
	}
	if diff, err := checkPart(ctx, part.Name(), info, only); err != nil || diff != "" {
		if err != nil {
			return res, err
		}
		return res, i18n.E(msgBadPart, map[string]any{"Detail": diff}, dossier.ErrCorrupt)
	}

	if err := os.MkdirAll(req.SafetyDir, 0o755); err != nil {
		return res, err
	}
	req.Progress.Report(dossier.Event{Phase: dossier.PhaseSecurite, Dossier: o.id.Numero})
	safety, err := backup.Run(ctx, backup.Request{Source: store.InStore(req.Store, req.Numero), DestDir: req.SafetyDir, Verify: true, Locked: true, Progress: req.Progress, Now: req.Now})
	if err != nil {
		return res, err
	}
	res.SafetyBackup = safety.Path

	if res.Recreated, err = moveBack(ctx, o, part.Name(), chosen, req.Progress); err != nil {
		return res, err
	}
	res.Exercices = chosen
	for _, e := range chosen {
		res.Ecritures += e.Ecritures
		res.Lignes += e.Lignes
		res.Annexes += e.Annexes
	}
	if req.DeleteArchive {
		cur, err := readExercices(ctx, o.conn)
		if err != nil {
			return res, err
		}
		back := true
		for _, e := range info.Exercices {
			for _, x := range cur {
				if x.ID == e.ID && x.Archived {
					back = false
				}
			}
		}
		if back {
			if err := os.Remove(req.File); err != nil {
				return res, err
			}
			fsutil.SyncDir(filepath.Dir(req.File))
			res.Deleted = true
		}
	}
	res.Duration = time.Since(start)
	return res, nil
}

// chooseBack returns the archive's exercices to put back, after checking
// that each is archived in the dossier under the same id with its balance
// entry and nothing else. With no exercice named (« all »), those an
// earlier run already put back are left out and returned as back: the
// rest is restored; none left is « nothing to do ».
func chooseBack(ctx context.Context, o *opened, info *Info, requested []string) (chosen []Exercice, back []string, err error) {
	want := map[string]bool{}
	for _, code := range requested {
		found := false
		for _, e := range info.Exercices {
			found = found || e.Code == code
		}
		if !found {
			return nil, nil, i18n.E(msgNotInPAF, map[string]any{"Exercice": code, "Codes": strings.Join(info.Codes(), ", ")}, dossier.ErrNotFound)
		}
		want[code] = true
	}
	for _, e := range info.Exercices {
		if len(want) > 0 && !want[e.Code] {
			continue
		}
		x, ok := o.exercice(e.Code)
		if ok && x.ID == e.ID && !x.Archived && len(want) == 0 {
			back = append(back, e.Code)
			continue
		}
		if !ok || x.ID != e.ID || !x.Archived {
			return nil, back, i18n.E(msgNotArchived, map[string]any{"Exercice": e.Code, "Dossier": o.id.Numero}, nil)
		}
		var n, od int64
		err := o.conn.QueryRowContext(ctx, `SELECT COUNT(*), SUM(id = ?2 AND origine = 'ARCHIVE' AND numero = ?3) FROM ecritures WHERE exercice_id = ?1`,
			e.ID, e.BalanceID, e.BalanceNumero).Scan(&n, &od)
		if err != nil {
			return nil, back, err
		}
		if n != 1 || od != 1 {
			return nil, back, i18n.E(msgNoBalance, map[string]any{"Exercice": e.Code, "Numero": e.BalanceNumero, "Dossier": o.id.Numero}, nil)
		}
		chosen = append(chosen, e)
	}
	if len(chosen) == 0 {
		return nil, back, i18n.E(msgAllBack, map[string]any{"Codes": strings.Join(back, ", "), "Dossier": o.id.Numero}, batch.ErrNothingToDo)
	}
	return chosen, back, nil
}

// moveBack is the one transaction of de-archiving, the dossier's triggers
// set aside and every row outside the exercices checked unchanged before
// COMMIT. It returns the reference
// rows (journaux, comptes, tiers) it had to put back because they had been
// deleted since archiving.
func moveBack(ctx context.Context, o *opened, part string, chosen []Exercice, progress dossier.Progress) ([]string, error) {
	c := o.conn
	if _, err := c.ExecContext(ctx, `ATTACH DATABASE ? AS paf`, sqlitestore.DSN(part, "mode=ro")); err != nil {
		return nil, err
	}
	defer c.ExecContext(context.Background(), `DETACH DATABASE paf`)
	if err := exec(ctx, c, "BEGIN IMMEDIATE"); err != nil {
		return nil, err
	}
	done := false
	defer func() {
		if !done {
			c.ExecContext(context.Background(), "ROLLBACK")
		}
	}()
	numero := o.id.Numero
	var ids []int64
	var codes []string
	for _, e := range chosen {
		ids, codes = append(ids, e.ID), append(codes, e.Code)
	}
	scope := moving(ids)
	content, err := ledger.ContentOf(ctx, c, "main", scope)
	if err != nil {
		return nil, err
	}
	restoreTriggers, err := ledger.SetTriggersAside(ctx, c)
	if err != nil {
		return nil, err
	}
	before, err := balances(ctx, c)
	if err != nil {
		return nil, err
	}
	cols := map[string]string{}
	for _, t := range []string{"journaux", "comptes", "tiers", "ecritures", "lignes", "annexes"} {
		if cols[t], err = columns(ctx, c, "paf", t); err != nil {
			return nil, err
		}
		mine, err := columns(ctx, c, "main", t)
		if err != nil {
			return nil, err
		}
		if mine != cols[t] {
			return nil, i18n.E(msgConflict, map[string]any{"Dossier": numero, "Detail": "la table " + t + " n'a plus les mêmes colonnes qu'à l'archivage"}, dossier.ErrSchema)
		}
	}
	var recreated []string
	added := map[string][]string{} // table → SQL literals of the keys put back
	total := int64(len(chosen))
	for i, e := range chosen {
		progress.Report(dossier.Event{Phase: PhaseDesarchivage, Dossier: numero, Done: int64(i), Total: total})
		if _, err := c.ExecContext(ctx, `DELETE FROM main.lignes WHERE ecriture_id = ?`, e.BalanceID); err != nil {
			return nil, err
		}
		if _, err := c.ExecContext(ctx, `DELETE FROM main.ecritures WHERE id = ? AND origine = 'ARCHIVE'`, e.BalanceID); err != nil {
			return nil, err
		}
		r, err := recreateReferences(ctx, c, e.ID, cols, added)
		if err != nil {
			return nil, conflict(numero, err)
		}
		recreated = append(recreated, r...)
		sub := `SELECT id FROM paf.ecritures WHERE exercice_id = ?`
		for _, q := range []string{
			`INSERT INTO main.ecritures (` + cols["ecritures"] + `) SELECT ` + cols["ecritures"] + ` FROM paf.ecritures WHERE exercice_id = ? ORDER BY id`,
			`INSERT INTO main.lignes (` + cols["lignes"] + `) SELECT ` + cols["lignes"] + ` FROM paf.lignes WHERE ecriture_id IN (` + sub + `) ORDER BY id`,
			`INSERT INTO main.annexes (` + cols["annexes"] + `) SELECT ` + cols["annexes"] + ` FROM paf.annexes WHERE ecriture_id IN (` + sub + `) ORDER BY id`,
			`UPDATE main.exercices SET archive = 0 WHERE id = ?`,
		} {
			if _, err := c.ExecContext(ctx, q, e.ID); err != nil {
				return nil, conflict(numero, err)
			}
		}
		t, err := exerciceTotals(ctx, c, "main", e.ID)
		if err != nil {
			return nil, err
		}
		if t != e.totals() {
			return nil, i18n.E(msgTotals, map[string]any{"Exercice": e.Code, "Detail": fmt.Sprintf("%+v au lieu de %+v", t, e.totals())}, dossier.ErrCorrupt)
		}
	}
	after, err := balances(ctx, c)
	if err != nil {
		return nil, err
	}
	if d := diffBalances(before, after); d != "" {
		return nil, i18n.E(msgBalances, map[string]any{"Dossier": numero, "Detail": d}, nil)
	}
	if err := restoreTriggers(); err != nil {
		return nil, err
	}
	// The journaux, comptes and tiers put back did not exist before: they
	// are the only other rows allowed to differ.
	for t, keys := range added {
		scope[t] = referenceKey[t] + " IN (" + strings.Join(keys, ", ") + ")"
	}
	if err := unchangedOutside(ctx, c, content, scope, numero, codes); err != nil {
		return nil, err
	}
	progress.Report(dossier.Event{Phase: PhaseDesarchivage, Dossier: numero, Done: total, Total: total})
	if err := exec(ctx, c, "COMMIT"); err != nil {
		return nil, err
	}
	done = true
	return recreated, nil
}

// conflict explains a constraint the restored rows break (an id taken by a
// newer entry, a tiers code reused…).
func conflict(numero string, err error) error {
	var se sqlite3.Error
	if errors.As(err, &se) && se.Code == sqlite3.ErrConstraint {
		return i18n.E(msgConflict, map[string]any{"Dossier": numero, "Detail": se.Error()}, dossier.ErrExists)
	}
	return err
}

// referenceKey is the key column of each reference table.
var referenceKey = map[string]string{"comptes": "numero", "journaux": "code", "tiers": "id"}

// recreateReferences puts back, from the archive, the journaux, comptes and
// tiers the exercice's rows use that were deleted from the dossier since
// (a cut with cleaning, say), so the rows go back whole. It adds the keys
// it put back to added, as SQL literals.
func recreateReferences(ctx context.Context, c *sql.Conn, id int64, cols map[string]string, added map[string][]string) ([]string, error) {
	lines := `SELECT l.compte, l.tiers_id FROM paf.lignes l JOIN paf.ecritures x ON x.id = l.ecriture_id WHERE x.exercice_id = ?1`
	steps := []struct{ table, key, used string }{
		{"comptes", "numero", `SELECT compte FROM (` + lines + `) UNION SELECT compte FROM paf.tiers WHERE id IN (SELECT tiers_id FROM (` + lines + `))`},
		{"journaux", "code", `SELECT journal FROM paf.ecritures WHERE exercice_id = ?1`},
		{"tiers", "id", `SELECT tiers_id FROM (` + lines + `)`},
	}
	var out []string
	for _, s := range steps {
		cond := ` FROM paf.` + s.table + ` p WHERE p.` + s.key + ` IN (` + s.used + `) AND NOT EXISTS (SELECT 1 FROM main.` + s.table + ` m WHERE m.` + s.key + ` = p.` + s.key + `)`
		rows, err := c.QueryContext(ctx, `SELECT p.`+s.key+cond, id)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k any
			if err := rows.Scan(&k); err != nil {
				rows.Close()
				return nil, err
			}
			lit, text := literal(k)
			out = append(out, s.table+" "+text)
			added[s.table] = append(added[s.table], lit)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		q := `INSERT INTO main.` + s.table + ` (` + cols[s.table] + `) SELECT ` + prefixed("p.", cols[s.table]) + cond
		if _, err := c.ExecContext(ctx, q, id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// literal writes a key read from the archive as a SQL literal of its own
// type, and as text for a person.
func literal(v any) (lit, text string) {
	switch x := v.(type) {
	case int64:
		s := strconv.FormatInt(x, 10)
		return s, s
	case []byte:
		return "'" + strings.ReplaceAll(string(x), "'", "''") + "'", string(x)
	case nil:
		return "NULL", "NULL"
	}
	s := fmt.Sprint(v)
	return "'" + strings.ReplaceAll(s, "'", "''") + "'", s
}

func prefixed(prefix, cols string) string {
	parts := strings.Split(cols, ", ")
	for i := range parts {
		parts[i] = prefix + parts[i]
	}
	return strings.Join(parts, ", ")
}

package admin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"coffre/internal/backup"
	"coffre/internal/buildinfo"
	"coffre/internal/dossier"
	"coffre/internal/fec"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/store/workcopy"
)

// PhaseAdministration is the phase of reducing the copy to the exercices
// asked for.
const PhaseAdministration dossier.Phase = "administration"

// ApplicationID is the SQLite application_id (PRAGMA application_id) of an
// admin copy: "CFAD" in ASCII, for « Coffre, copie pour l'ADministration ».
// With MarkerTable it lets a restore refuse the copy whatever its name.
const ApplicationID = dossier.AdminApplicationID

// MarkerTable is the table every admin copy holds: what it is, which
// exercices, which version, when.
const MarkerTable = dossier.AdminMarkerTable

var (
	msgNeedExercices = &i18n.Message{ID: "AdminExercicesManquants", Other: "Indiquez le ou les exercices à transmettre à l'administration (--exercices 2023,2024)."}
	msgNotV1         = &i18n.Message{ID: "AdminSchema", Other: "Le dossier {{.Dossier}} n'est pas un dossier de gestion (schéma version 1) : la copie pour l'administration et le FEC en ont besoin."}
	msgUnknown       = &i18n.Message{ID: "AdminExerciceInconnu", Other: "L'exercice {{.Exercice}} n'existe pas dans le dossier {{.Dossier}}."}
	msgArchived      = &i18n.Message{ID: "AdminExerciceArchive", Other: "L'exercice {{.Exercice}} du dossier {{.Dossier}} est archivé (ses écritures sont dans un fichier .paf) : désarchivez-le avant de le transmettre."}
)

// Request is one copy for a tax audit.
type Request struct {
	Source    store.Ref
	Exercices []string // codes, at least one
	DestDir   string
	// Simplified keeps only the accounting: dossier, journaux, comptes,
	// exercices, ecritures, lignes and tiers reduced to id, code, nom, type
	// and compte. Otherwise every table is kept, the ledger ones restricted
	// to the exercices.
	Simplified bool
	Annexes    bool // keep the annexes of the exercices' entries
	FEC        bool // also write the FEC of each exercice
	Now        func() time.Time
	Progress   dossier.Progress
}

// Result says what was written.
type Result struct {
	Dossier    dossier.Identity
	Path       string
	Size       int64
	Exercices  []string
	Simplified bool
	Annexes    bool
	Tables     []dossier.TableCount // of the copy
	FEC        []fec.Result
	Duration   time.Duration
}

// Name is the copy's base name: Admin001SOC_2023-2024 (a run of
// consecutive exercices) or Admin001SOC_2019_2023.
func Name(id dossier.Identity, label string) string {
	return dossier.AdminName(id.Numero, id.Nom) + "_" + label
}

// Run writes the copy (under a temp name until it is complete and checked),
// and, with FEC, the FEC of each exercice. With FEC every exercice is
// checked against the FEC rules before anything is written.
func Run(ctx context.Context, req Request) (res Result, err error) {
	if err := req.Validate(); err != nil {
		return res, err
	}
	if s, numero, ok := store.StoreOf(req.Source); ok && workcopy.Needed(s) {
		return runOnServer(ctx, req, s, numero)
	}
	start := time.Now()
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	fsutil.SweepTemp(req.DestDir)
	unlock, err := req.Source.Lock(ctx)
	if err != nil {
		return res, err
	}
	defer unlock()
	snap, err := req.Source.Snapshot(ctx, store.SnapshotOptions{TempDir: req.DestDir})
	if err != nil {
		return res, err
	}
	defer snap.Close()
	id := snap.Identity()
	res.Dossier, res.Simplified, res.Annexes = id, req.Simplified, req.Annexes
	label := id.Numero
	if label == "" {
		label = req.Source.Label()
	}
	if snap.Schema() != "v1" {
		return res, i18n.E(msgNotV1, map[string]any{"Dossier": label}, dossier.ErrSchema)
	}
	if err := dossier.CheckSchemaVersion(id, label); err != nil {
		return res, err
	}
	ids, codes, runLabel, err := pick(ctx, snap.Querier(), req.Exercices, label)
	if err != nil {
		return res, err
	}
	res.Exercices = codes
	fecReq := func(code string) fec.Request {
		return fec.Request{Querier: snap.Querier(), Identity: id, Exercice: code, DestDir: req.DestDir, Progress: req.Progress}
	}
	if req.FEC {
		for _, code := range codes {
			if err := fec.Check(ctx, fecReq(code)); err != nil {
				return res, err
			}
		}
	}

	tmp, err := fsutil.CreateTempUnique(req.DestDir, Name(id, runLabel), dossier.ExtDB)
	if err != nil {
		return res, err
	}
	defer tmp.Abort()
	image, size, err := snap.Database(ctx)
	if err != nil {
		return res, err
	}
	_, err = dossier.Copy(ctx, tmp, image, size, req.Progress, dossier.PhaseLecture, label)
	image.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		return res, err
	}
	if err := reduce(ctx, tmp.Name(), ids, codes, req, id, now()); err != nil {
		return res, err
	}
	if res.Tables, err = checkCopy(ctx, tmp.Name(), label); err != nil {
		return res, err
	}
	fi, err := tmp.Stat()
	if err != nil {
		return res, err
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	sqlitestore.RemoveOrphanSidecars(tmp.Final())
	if err := tmp.Commit(false); err != nil {
		return res, err
	}
	final := tmp.Final()
	res.Path, res.Size = final, fi.Size()
	// The copy and its FECs go together: a FEC that fails (a full disk, a
	// file of that name appearing meanwhile) takes back what this run wrote.
	defer func() {
		if err != nil {
			files := []string{res.Path}
			for _, f := range res.FEC {
				files = append(files, f.Path)
			}
			err = dossier.Undo(err, files...)
			res.Path, res.Size, res.FEC = "", 0, nil
		}
	}()
	if req.FEC {
		for _, code := range codes {
			r, err := fec.Write(ctx, fecReq(code))
			if err != nil {
				return res, err
			}
			res.FEC = append(res.FEC, r)
		}
	}
	res.Duration = time.Since(start)
	return res, nil
}

// pick returns the ids and codes of the exercices asked for, in the
// dossier's order, and the label that names the copy.
func pick(ctx context.Context, q ledger.Querier, requested []string, label string) ([]int64, []string, string, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, archive FROM exercices ORDER BY debut, code`)
	if err != nil {
		return nil, nil, "", err
	}
	defer rows.Close()
	type ex struct {
		id       int64
		code     string
		archived bool
	}
	var all []ex
	for rows.Next() {
		var e ex
		var a sql.NullInt64
		if err := rows.Scan(&e.id, &e.code, &a); err != nil {
			return nil, nil, "", err
		}
		e.archived = a.Int64 != 0
		all = append(all, e)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, "", err
	}
	want := map[string]bool{}
	for _, code := range requested {
		want[code] = true
	}
	var ids []int64
	var codes, allCodes []string
	for _, e := range all {
		allCodes = append(allCodes, e.code)
		if !want[e.code] {
			continue
		}
		if e.archived {
			return nil, nil, "", i18n.E(msgArchived, map[string]any{"Exercice": e.code, "Dossier": label}, nil)
		}
		ids = append(ids, e.id)
		codes = append(codes, e.code)
		delete(want, e.code)
	}
	if len(want) > 0 {
		var missing []string
		for c := range want {
			missing = append(missing, c)
		}
		sort.Strings(missing)
		return nil, nil, "", i18n.E(msgUnknown, map[string]any{"Exercice": strings.Join(missing, ", "), "Dossier": label}, dossier.ErrNotFound)
	}
	return ids, codes, Label(allCodes, codes), nil
}

// Label is the part of the copy's name that says which exercices, chosen
// among all (both in the dossier's order): "2023-2024" for a run of
// consecutive exercices, "2019_2023" otherwise.
func Label(all, chosen []string) string {
	consecutive := true
	for i := 1; i < len(chosen); i++ {
		consecutive = consecutive && slices.Index(all, chosen[i]) == slices.Index(all, chosen[i-1])+1
	}
	clean := make([]string, len(chosen))
	for i, c := range chosen {
		clean[i] = strings.Map(func(r rune) rune {
			if r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '-' {
				return r
			}
			return '_'
		}, c)
	}
	name := strings.Join(clean, "_")
	if len(clean) > 1 && consecutive {
		name = clean[0] + "-" + clean[len(clean)-1]
	}
	return name
}

// simplifiedTables are the tables a simplified copy keeps (the annexes too
// when asked for).
var simplifiedTables = map[string]bool{"dossier": true, "journaux": true, "comptes": true, "exercices": true, "ecritures": true, "lignes": true, "tiers": true}

// reduce turns the full image at path into the copy: only the exercices'
// rows, the simplified cut if asked, the marker; then VACUUM, so nothing of
// the other exercices survives even in free pages.
func reduce(ctx context.Context, path string, ids []int64, codes []string, req Request, id dossier.Identity, now time.Time) error {
	db, err := sql.Open("sqlite3", sqlitestore.DSN(path, "mode=rw"))
	if err != nil {
		return err
	}
	defer db.Close()
	c, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer c.Close()
	exec := func(stmts ...string) error {
		for _, s := range stmts {
			if _, err := c.ExecContext(ctx, s); err != nil {
				return fmt.Errorf("admin: %s: %w", s, err)
			}
		}
		return nil
	}
	step := int64(0)
	report := func() {
		step++
		req.Progress.Report(dossier.Event{Phase: PhaseAdministration, Dossier: id.Numero, Done: step, Total: 5})
	}
	if err := exec("PRAGMA foreign_keys = OFF", "PRAGMA journal_mode = DELETE", "BEGIN"); err != nil {
		return err
	}
	defer c.ExecContext(context.Background(), "ROLLBACK")

	// Triggers of the management software must not fire on our deletions;
	// the complete copy gets them back afterwards.
	triggers, err := schemaObjects(ctx, c, "trigger")
	if err != nil {
		return err
	}
	for _, t := range triggers {
		if err := exec("DROP TRIGGER " + ledger.Quote(t.name)); err != nil {
			return err
		}
	}
	report()
	list := make([]string, len(ids))
	for i, x := range ids {
		list[i] = fmt.Sprint(x)
	}
	in := "(" + strings.Join(list, ", ") + ")"
	entries := "(SELECT id FROM ecritures WHERE exercice_id IN " + in + ")"
	annexes := "DELETE FROM annexes WHERE ecriture_id NOT IN " + entries
	if !req.Annexes {
		annexes = "DELETE FROM annexes"
	}
	if err := exec(annexes,
		"DELETE FROM lignes WHERE ecriture_id NOT IN "+entries,
		"DELETE FROM ecritures WHERE exercice_id NOT IN "+in,
		"DELETE FROM exercices WHERE id NOT IN "+in,
		"DELETE FROM sessions"); err != nil {
		return err
	}
	report()

	if req.Simplified {
		views, err := schemaObjects(ctx, c, "view")
		if err != nil {
			return err
		}
		for _, v := range views {
			if err := exec("DROP VIEW " + ledger.Quote(v.name)); err != nil {
				return err
			}
		}
		tables, err := sqlitestore.Tables(ctx, c)
		if err != nil {
			return err
		}
		for _, t := range tables {
			if !simplifiedTables[strings.ToLower(t)] && !(req.Annexes && strings.EqualFold(t, "annexes")) {
				if err := exec("DROP TABLE " + ledger.Quote(t)); err != nil {
					return err
				}
			}
		}
		// The tiers the lines use, without contact data (email, telephone,
		// adresse, or any column the software added).
		if err := exec(`CREATE TABLE coffre_tiers_reduits (
			id INTEGER PRIMARY KEY, code TEXT NOT NULL, nom TEXT NOT NULL, type TEXT NOT NULL, compte TEXT NOT NULL REFERENCES comptes(numero))`,
			`INSERT INTO coffre_tiers_reduits SELECT id, code, nom, type, compte FROM tiers WHERE id IN (SELECT tiers_id FROM lignes)`,
			`DROP TABLE tiers`,
			`ALTER TABLE coffre_tiers_reduits RENAME TO tiers`); err != nil {
			return err
		}
	} else {
		for _, t := range triggers {
			if err := exec(t.sql); err != nil {
				return err
			}
		}
	}
	report()

	version := "complete"
	if req.Simplified {
		version = "simplifiee"
	}
	withAnnexes := "non"
	if req.Annexes {
		withAnnexes = "oui"
	}
	if err := exec("CREATE TABLE " + MarkerTable + " (cle TEXT PRIMARY KEY, valeur TEXT NOT NULL)"); err != nil {
		return err
	}
	for _, kv := range [][2]string{
		{"nature", "Copie pour l'administration fiscale : ne contient que les exercices transmis, ne peut pas être restaurée comme un dossier."},
		{"dossier", id.Base()},
		{"identifiant", id.Identifiant},
		{"exercices", strings.Join(codes, ",")},
		{"version", version},
		{"annexes", withAnnexes},
		{"creee_le", now.Format(time.RFC3339)},
		{"outil", buildinfo.Tool()},
	} {
		if _, err := c.ExecContext(ctx, "INSERT INTO "+MarkerTable+" (cle, valeur) VALUES (?, ?)", kv[0], kv[1]); err != nil {
			return err
		}
	}
	if err := exec("COMMIT", fmt.Sprintf("PRAGMA application_id = %d", ApplicationID)); err != nil {
		return err
	}
	report()
	if err := exec("VACUUM"); err != nil {
		return err
	}
	report()
	return nil
}

type schemaObject struct{ name, sql string }

func schemaObjects(ctx context.Context, q ledger.Querier, typ string) ([]schemaObject, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = ? AND sql IS NOT NULL ORDER BY name`, typ)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []schemaObject
	for rows.Next() {
		var o schemaObject
		if err := rows.Scan(&o.name, &o.sql); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// checkCopy runs quick_check on the copy and returns its table counts.
func checkCopy(ctx context.Context, path, label string) ([]dossier.TableCount, error) {
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	if err := backup.QuickCheck(ctx, db, label); err != nil {
		return nil, err
	}
	tables, err := sqlitestore.Tables(ctx, db)
	if err != nil {
		return nil, err
	}
	st, err := ledger.Compute(ctx, db, tables)
	return st.Tables, err
}

// IsCopy reports whether the database seen through q is an admin copy: its
// application_id or its marker table says so.
func IsCopy(ctx context.Context, q ledger.Querier) (bool, error) {
	var appID int64
	if err := q.QueryRowContext(ctx, "PRAGMA application_id").Scan(&appID); err != nil {
		return false, err
	}
	if appID == ApplicationID {
		return true, nil
	}
	var n int64
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ? COLLATE NOCASE`, MarkerTable).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return n > 0, err
}

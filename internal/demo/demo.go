package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"coffre/internal/dossier"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// Options control what Generate writes.
type Options struct {
	// SizeMB grows the first dossier (001SOC) to about that many megabytes
	// (±15 %) with more entries, for benchmarks; 0 writes the normal demo.
	SizeMB int
	// Seed makes the output deterministic; 0 means 1.
	Seed int64
	// Progress, if set, receives PhaseLecture events: Dossier is the base
	// name, Done the lignes written, Total an estimate (0 while unknown),
	// equal to Done at the end of each dossier.
	Progress dossier.Progress
}

// tmpSuffix marks a dossier being written; it is renamed to its final name
// only once complete.
const tmpSuffix = ".demo-tmp"

// batch is how many entries are written between two cancellation checks and
// progress reports.
const batch = 2000

// Generate writes the demo dossiers into dir (created if missing) and returns
// their paths, in order. It refuses, with an error wrapping dossier.ErrExists,
// to overwrite an existing dossier. It is all or nothing: on error or
// cancellation the dossiers it already wrote are removed again, and a
// dossier in progress only ever exists under a hidden temporary name.
func Generate(ctx context.Context, dir string, opt Options) ([]string, error) {
	if opt.Seed == 0 {
		opt.Seed = 1
	}
	if opt.SizeMB < 0 {
		return nil, fmt.Errorf("demo: taille négative (%d Mo)", opt.SizeMB)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("demo: create %q: %w", dir, err)
	}
	// Check every name first so that an existing dossier is reported before
	// minutes are spent on the others.
	for _, p := range profiles {
		if err := absent(finalPath(dir, &p)); err != nil {
			return nil, err
		}
	}
	var written []string
	for i := range profiles {
		path, err := writeDossier(ctx, dir, i, opt)
		if err != nil {
			for _, w := range written {
				os.Remove(w)
			}
			return nil, err
		}
		written = append(written, path)
	}
	return written, nil
}

func finalPath(dir string, p *profile) string {
	return filepath.Join(dir, dossier.DBName(p.numero, p.nom)+dossier.ExtDB)
}

func absent(path string) error {
	_, err := os.Lstat(path)
	switch {
	case err == nil:
		return fmt.Errorf("demo %q: %w", path, dossier.ErrExists)
	case errors.Is(err, fs.ErrNotExist):
		return nil
	default:
		return fmt.Errorf("demo %q: %w", path, err)
	}
}

func writeDossier(ctx context.Context, dir string, index int, opt Options) (string, error) {
	p := &profiles[index]
	final := finalPath(dir, p)
	tmp := filepath.Join(dir, "."+filepath.Base(final)+tmpSuffix)
	removeTemp(tmp) // left by an interrupted run
	var target int64
	if index == 0 {
		target = int64(opt.SizeMB) << 20
	}
	w := writer{p: p, base: dossier.DBName(p.numero, p.nom), progress: opt.Progress, target: target,
		rng: rand.New(rand.NewPCG(uint64(opt.Seed), uint64(index+1)))}
	if err := w.write(ctx, tmp); err != nil {
		removeTemp(tmp)
		return "", err
	}
	if err := publish(tmp, final); err != nil {
		removeTemp(tmp)
		return "", err
	}
	return final, nil
}

func removeTemp(tmp string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		os.Remove(tmp + suffix)
	}
}

// publish flushes the finished file and gives it its final name without ever
// replacing a file that appeared meanwhile: a hard link fails if the name is
// taken, where a rename would silently overwrite it.
func publish(tmp, final string) error {
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("demo: sync %q: %w", tmp, err)
	}
	if err := os.Link(tmp, final); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("demo %q: %w", final, dossier.ErrExists)
		}
		// File systems without hard links (FAT, some network shares).
		if err := absent(final); err != nil {
			return err
		}
		if err := os.Rename(tmp, final); err != nil {
			return fmt.Errorf("demo: %w", err)
		}
	} else {
		os.Remove(tmp)
	}
	if d, err := os.Open(filepath.Dir(final)); err == nil {
		d.Sync() // best effort: directories cannot be synced on Windows
		d.Close()
	}
	return nil
}

// writer fills one dossier database.
type writer struct {
	p        *profile
	base     string
	rng      *rand.Rand
	progress dossier.Progress
	target   int64 // bytes to grow the file to, 0 for the normal size

	db                   *sql.DB
	lines, annexes, done int64
}

func (w *writer) write(ctx context.Context, path string) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	// Nothing needs to survive a crash until the file is renamed, so the
	// journal and fsyncs are off while writing.
	dsn := "file:" + uriPath(path) + "?_journal_mode=OFF&_synchronous=OFF&_cache_size=-131072&_locking_mode=EXCLUSIVE"
	w.db, err = sql.Open("sqlite3", dsn)
	if err != nil {
		return fmt.Errorf("demo: open %q: %w", path, err)
	}
	w.db.SetMaxOpenConns(1)
	defer func() {
		if cerr := w.db.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("demo: close %q: %w", path, cerr)
		}
	}()
	if err := w.header(); err != nil {
		return fmt.Errorf("demo %s: %w", w.base, err)
	}
	if err := w.ledger(ctx); err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("demo %s: %w", w.base, err)
	}
	if _, err := w.db.Exec("PRAGMA journal_mode=DELETE"); err != nil {
		return fmt.Errorf("demo %s: %w", w.base, err)
	}
	return nil
}

// header writes the schema and the reference tables: identity, journals,
// accounts, third parties and sessions.
func (w *writer) header() error {
	tx, err := w.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(dossier.SchemaV1); err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO dossier (numero, nom, raison_sociale, siren, devise, identifiant, version_schema)
		VALUES (?, ?, ?, ?, 'EUR', ?, 1)`, w.p.numero, w.p.nom, w.p.raison, siren(w.rng), uuid4(w.rng)); err != nil {
		return err
	}
	for _, j := range journals {
		if _, err := tx.Exec(`INSERT INTO journaux (code, libelle, type) VALUES (?, ?, ?)`, j.code, j.libelle, j.typ); err != nil {
			return err
		}
	}
	for _, a := range chart {
		if _, err := tx.Exec(`INSERT INTO comptes (numero, libelle) VALUES (?, ?)`, a.numero, a.libelle); err != nil {
			return err
		}
	}
	insertTiers := func(id int64, code, typ, compte string, pt party) error {
		_, err := tx.Exec(`INSERT INTO tiers (id, code, nom, type, compte, email, telephone, adresse) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			id, code, pt.nom, typ, compte, null(pt.email), null(pt.telephone), null(pt.adresse))
		return err
	}
	for i, c := range clients {
		if err := insertTiers(int64(i+1), fmt.Sprintf("C%04d", i+1), "C", "411000", c); err != nil {
			return err
		}
	}
	for i, s := range suppliers {
		if err := insertTiers(int64(len(clients)+i+1), fmt.Sprintf("F%04d", i+1), "F", "401000", s.party); err != nil {
			return err
		}
	}
	if w.p.session {
		if _, err := tx.Exec(`INSERT INTO sessions (poste, utilisateur, programme, debut, derniere_activite)
			VALUES ('POSTE-2', 'Marie', 'Compta', '2025-11-21T08:42:17', '2025-11-21T11:05:03')`); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// ledger writes the exercices one transaction each. When growing the file it
// sizes each exercice's activity from the bytes the previous ones took, so
// the result lands close to the target whatever the label lengths.
func (w *writer) ledger(ctx context.Context) error {
	l := newLedger(w.p, w.rng, w.target > 0)
	list := w.p.exercicesList()
	perUnit := 300_000.0 // bytes per unit of activity, refined after each exercice
	for i, ex := range list {
		if err := ctx.Err(); err != nil {
			return err
		}
		volume := 1.0
		before, err := w.size()
		if err != nil {
			return err
		}
		growth := math.Pow(1+w.p.growth, float64(i))
		if w.target > 0 {
			share := float64(w.target-before) / float64(len(list)-i)
			volume = max(share/(perUnit*growth), 1)
		}
		entries := l.generate(ex, i, volume)
		if err := w.exercice(ctx, ex, entries); err != nil {
			return err
		}
		after, err := w.size()
		if err != nil {
			return err
		}
		if w.target > 0 {
			perUnit = float64(after-before) / (volume * growth)
		}
		total := w.done * int64(len(list)) / int64(i+1)
		if w.target > 0 {
			total = int64(float64(w.done) * float64(w.target) / float64(after))
		}
		if i == len(list)-1 {
			total = w.done
		}
		w.progress.Report(dossier.Event{Phase: dossier.PhaseLecture, Dossier: w.base, Done: w.done, Total: total})
	}
	return nil
}

func (w *writer) size() (int64, error) {
	var pages, pageSize int64
	if err := w.db.QueryRow("PRAGMA page_count").Scan(&pages); err != nil {
		return 0, err
	}
	if err := w.db.QueryRow("PRAGMA page_size").Scan(&pageSize); err != nil {
		return 0, err
	}
	return pages * pageSize, nil
}

// exercice writes one fiscal year and its entries in one transaction.
// Statements run without ctx (each context-aware call costs a goroutine in
// the driver); cancellation is checked between batches instead.
func (w *writer) exercice(ctx context.Context, ex exercice, entries []*entry) error {
	tx, err := w.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO exercices (id, code, debut, fin, cloture, archive) VALUES (?, ?, ?, ?, ?, 0)`,
		ex.id, ex.code, iso(ex.debut), iso(ex.fin), boolInt(ex.cloture)); err != nil {
		return err
	}
	insEntry, err := tx.Prepare(`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, piece_ref, piece_date, libelle, date_validation, origine)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insEntry.Close()
	insLine, err := tx.Prepare(`INSERT INTO lignes (id, ecriture_id, compte, tiers_id, libelle, debit, credit, lettrage, date_lettrage, montant_devise, devise)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	defer insLine.Close()
	insAnnex, err := tx.Prepare(`INSERT INTO annexes (id, ecriture_id, nom_fichier, type_mime, contenu) VALUES (?, ?, ?, 'application/pdf', ?)`)
	if err != nil {
		return err
	}
	defer insAnnex.Close()
	for n, e := range entries {
		if n%batch == 0 && n > 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			w.progress.Report(dossier.Event{Phase: dossier.PhaseLecture, Dossier: w.base, Done: w.done})
		}
		if _, err := insEntry.Exec(e.id, ex.id, e.journal, e.numero, iso(e.date), null(e.pieceRef), null(e.pieceDate),
			e.libelle, null(e.dateValidation), e.origine); err != nil {
			return err
		}
		for _, ln := range e.lines {
			w.lines++
			var devise any
			if ln.devise != "" {
				devise = ln.montantDevise
			}
			if _, err := insLine.Exec(w.lines, e.id, ln.compte, nullID(ln.tiers), null(ln.libelle), ln.debit, ln.credit,
				null(ln.lettrage), null(ln.dateLettrage), devise, null(ln.devise)); err != nil {
				return err
			}
			w.done++
		}
		if e.annexe != nil {
			w.annexes++
			if _, err := insAnnex.Exec(w.annexes, e.id, e.annexe.nom, e.annexe.contenu); err != nil {
				return err
			}
		}
	}
	return tx.Commit()
}

// uriPath escapes the characters that would end the path part of a SQLite
// URI filename.
func uriPath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(p))
}

func null(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// siren draws a 9-digit SIREN whose last digit is the Luhn key.
func siren(rng *rand.Rand) string {
	d := make([]byte, 9)
	d[0] = byte('1' + rng.IntN(9))
	for i := 1; i < 8; i++ {
		d[i] = byte('0' + rng.IntN(10))
	}
	d[8] = '0'
	d[8] = byte('0' + (10-luhnSum(string(d))%10)%10)
	return string(d)
}

// luhnSum is the Luhn sum of s, doubling every second digit from the right.
func luhnSum(s string) int {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		v := int(s[i] - '0')
		if (len(s)-1-i)%2 == 1 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return sum
}

// uuid4 draws a random (version 4, RFC 4122 variant) UUID from rng, so the
// identity is reproducible for a seed.
func uuid4(rng *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := rng.Uint64()
		for k := 0; k < 8; k++ {
			b[i+k] = byte(v >> (8 * k))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

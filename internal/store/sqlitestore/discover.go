package sqlitestore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
)

var (
	msgBrokenLink   = &i18n.Message{ID: "DossierLienCasse", Other: "lien symbolique vers « {{.Target}} », qui n'existe pas ou ne peut pas être lu"}
	msgCannotOpen   = &i18n.Message{ID: "DossierIllisible", Other: "le fichier ne peut pas être lu : {{.Detail}}"}
	msgNotAllTables = &i18n.Message{ID: "DossierTablesManquantes", Other: "il a une table dossier mais pas toutes les tables du schéma version 1 (manque : {{.Missing}})"}
	msgNoRow        = &i18n.Message{ID: "DossierTableVide", Other: "sa table dossier n'a aucune ligne : rien ne dit son numéro"}
	msgBadRowNumero = &i18n.Message{ID: "DossierNumeroLigne", Other: "sa table dossier donne le numéro « {{.Numero}} » : il faut trois chiffres, de 001 à 999"}
	msgNoNom        = &i18n.Message{ID: "DossierNomCourt", Other: "ni sa table dossier ni le nom du fichier ne donnent un nom court (lettres et chiffres)"}
)

// sqliteMagic starts every SQLite database file.
var sqliteMagic = []byte("SQLite format 3\x00")

// found is one file of a folder connexion that is a dossier, or looks like
// one.
type found struct {
	name   string // the file's name in the folder (a link's own name)
	numero string // "" when nothing gives it
	nom    string
	// problem says why the file is « non reconnu » (nil for a dossier).
	problem error
	// info is its listing line, read when discover is asked for it.
	info dossier.Info
}

// discover finds the dossiers of the folder dir, and the files that look
// like dossiers but cannot be read as such. It is the one discovery of a
// folder connexion: listing, finding a dossier by number, the wizard, the
// exit prompt and the nightly job all go through it. With lines, each
// found file's listing line is read too (found.info), in the same opening.
//
// A file is a dossier when its name follows the 001NOM.db convention (any
// SQLite extension, in any case: 001SOC.DB, 011SOC.sqlite), whatever its
// schema; or, named otherwise (008CAFÉ.db, 009SOC-2023.db, compta.sqlite),
// when it is a SQLite database with a schema-v1 `dossier` table, whose row
// gives its number and short name. A symbolic link is followed and judged
// like the file it points to. Exports (E001SOC), tax-audit copies
// (Admin001SOC, or by their marker) and cut files (001SOC_CUT001) are not
// dossiers. Hidden files, Coffre's temp files and SQLite's -journal/-wal/
// -shm files are skipped; so are files that are neither named like a
// database nor SQLite files (Windows' Thumbs.db included).
//
// Discovery never writes to a file: databases are opened read-only, and a
// hot journal beside one is reported, never rolled back. Files are read a
// few at a time (the time of a listing is its files' openings, on a network
// share above all).
func discover(ctx context.Context, dir string, lines bool) ([]found, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	out := make([]found, len(entries))
	keep := make([]bool, len(entries))
	work := make(chan int)
	var wg sync.WaitGroup
	for range min(len(entries), discoveryReaders) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				out[i], keep[i] = classify(ctx, dir, entries[i], lines)
			}
		}()
	}
	for i := range entries {
		if ctx.Err() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var kept []found
	for i, f := range out {
		if keep[i] {
			kept = append(kept, f)
		}
	}
	return kept, nil
}

// discoveryReaders is how many files discovery opens at once.
const discoveryReaders = 8

func skipped(name string) bool {
	if strings.HasPrefix(name, ".") || fsutil.IsTemp(name) {
		return true
	}
	lower := strings.ToLower(name)
	for _, sfx := range []string{"-journal", "-wal", "-shm"} {
		if strings.HasSuffix(lower, sfx) {
			return true
		}
	}
	return false
}

// classify decides what one directory entry is; ok is false for a file
// that is neither a dossier nor looks like one. With line, the found file's
// listing line is read too.
func classify(ctx context.Context, dir string, e fs.DirEntry, line bool) (found, bool) {
	f, path, ok := byName(dir, e)
	if !ok {
		return f, false
	}
	if f.problem == nil && f.numero == "" {
		// Named otherwise: a dossier only if its dossier table says so.
		if ok = probe(ctx, path, &f, line); !ok {
			return f, false
		}
	} else if line && f.problem == nil {
		f.problem = readInfo(ctx, path, &f.info)
	}
	if line {
		f.info.Fichier, f.info.Numero, f.info.Nom = f.name, f.numero, f.nom
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(path + suffix); err == nil {
				f.info.Taille += fi.Size()
			}
		}
		if f.problem != nil {
			f.info.Unrecognised = true
			f.info.Error = i18n.Describe(f.problem)
		}
	}
	return f, true
}

// byName is what a directory entry's name and type say: a dossier named
// 001NOM (numero set), a candidate to open (numero empty), a broken link
// (problem), or nothing (ok false).
func byName(dir string, e fs.DirEntry) (f found, path string, ok bool) {
	name := e.Name()
	if skipped(name) {
		return f, "", false
	}
	path = filepath.Join(dir, name)
	_, _, hasExt := dossier.SplitDBFile(name)
	parsed, conventional := dossier.ParseDBFile(name)
	if conventional && parsed.Kind != dossier.KindDossier {
		return f, "", false
	}
	f.name = name
	if conventional {
		f.numero, f.nom = parsed.Numero, parsed.Nom
	}
	switch t := e.Type(); {
	case t&fs.ModeSymlink != 0:
		fi, err := os.Stat(path)
		if err != nil {
			if !hasExt {
				return f, "", false
			}
			target, _ := os.Readlink(path)
			f.problem = i18n.E(msgBrokenLink, map[string]any{"Target": target}, err)
			return f, path, true
		}
		if !fi.Mode().IsRegular() {
			return f, "", false
		}
	case !t.IsRegular():
		return f, "", false
	}
	if !conventional {
		if magic, err := readMagic(path); err != nil {
			if !hasExt {
				return f, "", false
			}
			f.problem = i18n.E(msgCannotOpen, map[string]any{"Detail": i18n.Describe(err)}, err)
		} else if !magic {
			return f, "", false
		}
	}
	return f, path, true
}

// probe reads the dossier row of a SQLite file not named like a dossier
// (and, with line, the rest of its listing line). It returns false for a
// database that is not a dossier: without a `dossier` table (another
// program's), or a tax-audit copy. A file that has one but cannot be taken
// as a dossier gets its problem.
func probe(ctx context.Context, path string, f *found, line bool) bool {
	v, err := OpenReadOnly(ctx, path, "")
	if err != nil {
		f.problem = err
		return true
	}
	defer v.Close()
	db := v.DB
	f.info.Notes = v.Notes
	tables, err := Tables(ctx, db)
	if err != nil {
		f.problem = readProblem(path, err)
		return true
	}
	if !slices.ContainsFunc(tables, func(t string) bool { return strings.EqualFold(t, "dossier") }) || isAdminCopy(ctx, db, tables) {
		return false
	}
	if missing := ledger.MissingV1(tables); len(missing) > 0 {
		f.problem = i18n.E(msgNotAllTables, map[string]any{"Missing": strings.Join(missing, ", ")}, dossier.ErrSchema)
		return true
	}
	var n, m sql.NullString
	err = db.QueryRowContext(ctx, "SELECT numero, nom FROM dossier LIMIT 1").Scan(&n, &m)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		f.problem = i18n.E(msgNoRow, nil, dossier.ErrSchema)
	case err != nil:
		f.problem = readProblem(path, err)
	case !dossier.ValidNumero(n.String):
		f.problem = i18n.E(msgBadRowNumero, map[string]any{"Numero": n.String}, dossier.ErrBadNumero)
	default:
		id := dossier.Identity{Numero: n.String, Nom: m.String}.InFile(f.name)
		f.numero, f.nom = id.Numero, id.Nom
		if !dossier.ValidNom(f.nom) {
			f.problem = i18n.E(msgNoNom, nil, nil)
		} else if line {
			f.problem = readDetails(ctx, db, path, tables, &f.info)
		}
	}
	return true
}

// readInfo reads the listing line of the dossier file at path.
func readInfo(ctx context.Context, path string, info *dossier.Info) error {
	v, err := OpenReadOnly(ctx, path, "")
	if err != nil {
		return err
	}
	defer v.Close()
	db := v.DB
	info.Notes = v.Notes
	tables, err := Tables(ctx, db)
	if err != nil {
		return readProblem(path, err)
	}
	return readDetails(ctx, db, path, tables, info)
}

// readDetails reads what a listing shows of a schema-v1 dossier: company,
// SIREN, identity, exercices.
func readDetails(ctx context.Context, db *sql.DB, path string, tables []string, info *dossier.Info) error {
	if !ledger.IsV1(tables) {
		return nil
	}
	info.Schema = "v1"
	var siren sql.NullString
	err := db.QueryRowContext(ctx, "SELECT raison_sociale, siren, identifiant FROM dossier LIMIT 1").
		Scan(&info.RaisonSociale, &siren, &info.Identifiant)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return readProblem(path, err)
	}
	info.SIREN = siren.String
	var first, last sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*), MIN(code), MAX(code) FROM exercices").Scan(&info.Exercices, &first, &last); err != nil {
		return readProblem(path, err)
	}
	info.PremierExercice, info.DernierExercice = first.String, last.String
	return nil
}

// readMagic reports whether the file at path starts like a SQLite database.
func readMagic(path string) (bool, error) {
	fh, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer fh.Close()
	head := make([]byte, len(sqliteMagic))
	if _, err := io.ReadFull(fh, head); err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return false, nil
		}
		return false, err
	}
	return bytes.Equal(head, sqliteMagic), nil
}

// isAdminCopy recognises a tax-audit copy by its marker (whatever its
// name): it has a dossier row but is never a dossier.
func isAdminCopy(ctx context.Context, db *sql.DB, tables []string) bool {
	if slices.ContainsFunc(tables, func(t string) bool { return strings.EqualFold(t, dossier.AdminMarkerTable) }) {
		return true
	}
	var id int64
	return db.QueryRowContext(ctx, "PRAGMA application_id").Scan(&id) == nil && id == dossier.AdminApplicationID
}

// readProblem is why a database could not be read during discovery: the
// store's usual reading of SQLite's errors (a hot journal beside the file
// never gets here: OpenReadOnly reads past it without applying it).
func readProblem(path string, err error) error {
	return mapErr(path, err)
}

package sqlitestore

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

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
)

var (
	msgNoFolder   = &i18n.Message{ID: "DossierConnexionAbsent", Other: "Le dossier de connexion « {{.Path}} » n'existe pas."}
	msgNotFolder  = &i18n.Message{ID: "ConnexionPasUnDossier", Other: "« {{.Path}} » n'est pas un dossier."}
	msgNoNumero   = &i18n.Message{ID: "NumeroIntrouvable", Other: "Aucun dossier n° {{.Numero}} dans « {{.Path}} »."}
	msgTwoNumeros = &i18n.Message{ID: "NumeroEnDouble", Other: "Deux fichiers portent le numéro {{.Numero}} dans « {{.Path}} » : {{.Files}}. Renommez l'un d'eux."}
	msgLocked     = &i18n.Message{ID: "DossierVerrouille", Other: "Le dossier {{.Numero}} est déjà en cours de traitement par une autre opération Coffre. Attendez qu'elle se termine."}
	msgExists     = &i18n.Message{ID: "DossierExisteDeja", Other: "Le dossier n° {{.Numero}} existe déjà ({{.File}}) : choisissez un autre numéro ou confirmez le remplacement."}
)

// Folder is a connexion made of SQLite dossier files in one folder.
type Folder struct {
	dir string
}

// Open opens the folder connexion dir, which must exist. Temp files left by
// a crashed Coffre in it are removed.
func Open(dir string) (*Folder, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	fi, err := os.Stat(abs)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, i18n.E(msgNoFolder, map[string]any{"Path": abs}, dossier.ErrNotFound)
		}
		return nil, err
	}
	if !fi.IsDir() {
		return nil, i18n.E(msgNotFolder, map[string]any{"Path": abs}, dossier.ErrNotFound)
	}
	fsutil.SweepTemp(abs)
	return &Folder{dir: abs}, nil
}

// Dir is the folder's absolute path.
func (f *Folder) Dir() string { return f.dir }

func (f *Folder) Describe() store.Description {
	return store.Description{Kind: "sqlite", Dialect: "sqlite", Location: f.dir}
}

func (f *Folder) Close() error { return nil }

// files maps each numero to the dossier files that carry it.
func (f *Folder) files() (map[string][]string, error) {
	entries, err := os.ReadDir(f.dir)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || !strings.HasSuffix(name, dossier.ExtDB) {
			continue
		}
		p, ok := dossier.ParseDBName(strings.TrimSuffix(name, dossier.ExtDB))
		if !ok || p.Kind != dossier.KindDossier {
			continue
		}
		out[p.Numero] = append(out[p.Numero], name)
	}
	return out, nil
}

// Path returns the file of dossier numero.
func (f *Folder) Path(numero string) (string, error) {
	if !dossier.ValidNumero(numero) {
		return "", dossier.ErrBadNumero
	}
	all, err := f.files()
	if err != nil {
		return "", err
	}
	names := all[numero]
	switch len(names) {
	case 0:
		return "", i18n.E(msgNoNumero, map[string]any{"Numero": numero, "Path": f.dir}, dossier.ErrNotFound)
	case 1:
		return filepath.Join(f.dir, names[0]), nil
	}
	return "", i18n.E(msgTwoNumeros, map[string]any{"Numero": numero, "Path": f.dir, "Files": strings.Join(names, ", ")}, dossier.ErrExists)
}

func (f *Folder) List(ctx context.Context) ([]dossier.Info, error) {
	all, err := f.files()
	if err != nil {
		return nil, err
	}
	var out []dossier.Info
	for _, names := range all {
		for _, name := range names {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			out = append(out, describeFile(ctx, filepath.Join(f.dir, name)))
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Numero != out[j].Numero {
			return out[i].Numero < out[j].Numero
		}
		return out[i].Nom < out[j].Nom
	})
	return out, nil
}

// describeFile reads the listing line of one dossier file. Errors are
// reported in Info.Error so that one bad file does not hide the others.
func describeFile(ctx context.Context, path string) dossier.Info {
	var info dossier.Info
	base := strings.TrimSuffix(filepath.Base(path), dossier.ExtDB)
	if p, ok := dossier.ParseDBName(base); ok {
		info.Numero, info.Nom = p.Numero, p.Nom
	}
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(path + suffix); err == nil {
			info.Taille += fi.Size()
		}
	}
	err := readInfo(ctx, path, &info)
	if hotJournal(err) {
		if err = recoverHotJournal(ctx, path); err == nil {
			err = readInfo(ctx, path, &info)
		}
	}
	if err != nil {
		info.Error = i18n.Describe(mapErr(path, err))
	}
	return info
}

func readInfo(ctx context.Context, path string, info *dossier.Info) error {
	db, err := OpenRO(path)
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := Tables(ctx, db)
	if err != nil {
		return err
	}
	if !ledger.IsV1(tables) {
		return nil
	}
	info.Schema = "v1"
	var siren sql.NullString
	err = db.QueryRowContext(ctx, "SELECT raison_sociale, siren, identifiant FROM dossier LIMIT 1").
		Scan(&info.RaisonSociale, &siren, &info.Identifiant)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	info.SIREN = siren.String
	var first, last sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*), MIN(code), MAX(code) FROM exercices").Scan(&info.Exercices, &first, &last); err != nil {
		return err
	}
	info.PremierExercice, info.DernierExercice = first.String, last.String
	return nil
}

func (f *Folder) Snapshot(ctx context.Context, numero string, opt store.SnapshotOptions) (store.Snapshot, error) {
	p, err := f.Path(numero)
	if err != nil {
		return nil, err
	}
	return SnapshotFile(ctx, p, opt)
}

// LockFile is the connexion's one lock file: a byte per dossier number.
const LockFile = ".coffre-verrou"

func (f *Folder) Lock(ctx context.Context, numero string) (func(), error) {
	if !dossier.ValidNumero(numero) {
		return nil, dossier.ErrBadNumero
	}
	slot, _ := strconv.Atoi(numero)
	unlock, err := fsutil.Lock(filepath.Join(f.dir, LockFile), int64(slot))
	if errors.Is(err, fsutil.ErrLocked) {
		return nil, i18n.E(msgLocked, map[string]any{"Numero": numero}, dossier.ErrInUse)
	}
	return unlock, err
}

func (f *Folder) Stage(ctx context.Context, numero, nom string) (store.Staging, error) {
	if !dossier.ValidNumero(numero) {
		return nil, dossier.ErrBadNumero
	}
	if !dossier.ValidNom(nom) {
		return nil, fmt.Errorf("nom de dossier invalide %q", nom)
	}
	final := filepath.Join(f.dir, dossier.DBName(numero, nom)+dossier.ExtDB)
	tmp, err := fsutil.CreateTemp(final)
	if err != nil {
		return nil, err
	}
	return &staging{folder: f, numero: numero, final: final, tmp: tmp}, nil
}

// staging writes the new database under a temp name in the connexion folder
// (same file system, so the switch is one atomic rename).
type staging struct {
	folder *Folder
	numero string
	final  string
	tmp    *fsutil.TempFile
}

func (s *staging) Path() string { return s.tmp.Name() }

// existing returns the file now holding s.numero, "" if none.
func (s *staging) existing() (string, error) {
	p, err := s.folder.Path(s.numero)
	if errors.Is(err, dossier.ErrNotFound) {
		return "", nil
	}
	return p, err
}

func (s *staging) Exists(ctx context.Context) (bool, error) {
	p, err := s.existing()
	return p != "", err
}

// Commit renames the staged file over the dossier. The target's -wal, -shm
// and -journal files are removed before and after the switch so that SQLite
// never replays a stale journal onto the restored database.
func (s *staging) Commit(ctx context.Context, replace bool) error {
	old, err := s.existing()
	if err != nil {
		return err
	}
	if old != "" && !replace {
		return i18n.E(msgExists, map[string]any{"Numero": s.numero, "File": filepath.Base(old)}, dossier.ErrExists)
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	removeSidecars(s.final)
	if err := s.tmp.Commit(true); err != nil {
		return err
	}
	removeSidecars(s.final)
	// Same number under another name (001ABC.db replaced by 001SOC.db).
	if old != "" && old != s.final {
		removeSidecars(old)
		if err := os.Remove(old); err != nil {
			return err
		}
	}
	return fsutil.SyncDir(s.folder.dir)
}

func (s *staging) Abort() { s.tmp.Abort() }

func removeSidecars(db string) {
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		os.Remove(db + suffix)
	}
}

var _ store.Store = (*Folder)(nil)

package sqlitestore

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/store"
)

var (
	msgNoFolder   = &i18n.Message{ID: "DossierConnexionAbsent", Other: "Le dossier de connexion « {{.Path}} » n'existe pas."}
	msgNotFolder  = &i18n.Message{ID: "ConnexionPasUnDossier", Other: "« {{.Path}} » n'est pas un dossier."}
	msgNoNumero   = &i18n.Message{ID: "NumeroIntrouvable", Other: "Aucun dossier n° {{.Numero}} dans « {{.Path}} »."}
	msgTwoNumeros = &i18n.Message{ID: "NumeroEnDouble", Other: "Deux fichiers portent le numéro {{.Numero}} dans « {{.Path}} » : {{.Files}}. Renommez l'un d'eux."}
	msgLocked     = &i18n.Message{ID: "DossierVerrouille", Other: "Le dossier {{.Numero}} est déjà en cours de traitement par une autre opération Coffre. Attendez qu'elle se termine."}
	msgExists     = &i18n.Message{ID: "DossierExisteDeja", Other: "Le dossier n° {{.Numero}} existe déjà ({{.File}}) : choisissez un autre numéro ou confirmez le remplacement."}
	msgTargetDir  = &i18n.Message{ID: "CibleEstUnRepertoire", Other: "« {{.Path}} » est un dossier (un répertoire), à la place du fichier du dossier comptable : déplacez-le ou renommez-le, puis recommencez. Rien n'a été modifié."}
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

// files maps each numero to the dossier files that carry it (see discover).
func (f *Folder) files(ctx context.Context) (map[string][]string, error) {
	all, err := discover(ctx, f.dir, false)
	if err != nil {
		return nil, err
	}
	out := map[string][]string{}
	for _, x := range all {
		if x.problem == nil {
			out[x.numero] = append(out[x.numero], x.name)
		}
	}
	return out, nil
}

// Path returns the file of dossier numero: the file that discovery finds
// for it (a symbolic link is returned as such, SQLite follows it).
func (f *Folder) Path(numero string) (string, error) {
	if !dossier.ValidNumero(numero) {
		return "", dossier.ErrBadNumero
	}
	all, err := f.files(context.Background())
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

// List lists every dossier discovery finds, and every file that looks like
// one but cannot be read (Info.Unrecognised). It only reads.
func (f *Folder) List(ctx context.Context) ([]dossier.Info, error) {
	all, err := discover(ctx, f.dir, true)
	if err != nil {
		return nil, err
	}
	out := make([]dossier.Info, 0, len(all))
	for _, x := range all {
		out = append(out, x.info)
	}
	dossier.MarkConflicts(out)
	dossier.SortInfos(out)
	return out, nil
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

// Stage prepares a restore of dossier numero. Replacing a dossier keeps its
// file name when that name was chosen by someone (009SOC-2023.db, or
// 001SOC.DB) or already carries nom; a symbolic link keeps pointing where it
// did and the file it points to is replaced — the restored dossier is found
// where the management software looks for it.
func (f *Folder) Stage(ctx context.Context, numero, nom string) (store.Staging, error) {
	if !dossier.ValidNumero(numero) {
		return nil, dossier.ErrBadNumero
	}
	if !dossier.ValidNom(nom) {
		return nil, fmt.Errorf("nom de dossier invalide %q", nom)
	}
	s := &staging{folder: f, numero: numero, final: filepath.Join(f.dir, dossier.DBName(numero, nom)+dossier.ExtDB)}
	if fi, err := os.Lstat(s.final); err == nil && fi.IsDir() {
		return nil, i18n.E(msgTargetDir, map[string]any{"Path": s.final}, dossier.ErrExists)
	}
	old, err := s.existing()
	if err != nil {
		return nil, err
	}
	if old != "" && keepsName(filepath.Base(old), nom) {
		s.final = old
		if fi, err := os.Lstat(old); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
			if s.final, err = filepath.EvalSymlinks(old); err != nil {
				return nil, err
			}
			s.link = old
		}
	}
	if s.tmp, err = fsutil.CreateTemp(s.final); err != nil {
		return nil, err
	}
	return s, nil
}

// keepsName reports whether restoring a dossier named nom over the file
// name keeps that file's name: unless the name follows the convention with
// another short name (001ABC.db replaced by 001SOC.db).
func keepsName(name, nom string) bool {
	p, ok := dossier.ParseDBFile(name)
	return !ok || strings.EqualFold(p.Nom, nom)
}

// staging writes the new database under a temp name beside the file it will
// become (same file system, so the switch is one atomic rename).
type staging struct {
	folder *Folder
	numero string
	final  string // the file the staged database becomes
	link   string // the symbolic link that points to final, if any
	tmp    *fsutil.TempFile
}

func (s *staging) Path() string { return s.tmp.Name() }

// Name is the dossier's file name once switched in: the link's, when it
// is one.
func (s *staging) Name() string {
	if s.link != "" {
		return filepath.Base(s.link)
	}
	return filepath.Base(s.final)
}

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
// never replays a stale journal onto the restored database. The file the
// dossier had before is removed only when it is not the one just written
// (os.SameFile: on Windows and macOS 001Soc.db and 001SOC.db are one file).
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
	if old != "" && (s.link == "" || !fsutil.SameName(old, s.link)) && !fsutil.SameName(old, s.final) && !sameFile(old, s.final) {
		removeSidecars(old)
		if err := os.Remove(old); err != nil {
			return err
		}
	}
	return fsutil.SyncDir(s.folder.dir)
}

// sameFile reports whether the names a and b (not following a last link)
// are one file.
func sameFile(a, b string) bool {
	fa, err := os.Lstat(a)
	if err != nil {
		return false
	}
	fb, err := os.Lstat(b)
	return err == nil && os.SameFile(fa, fb)
}

func (s *staging) Abort() { s.tmp.Abort() }

func removeSidecars(db string) {
	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		os.Remove(db + suffix)
	}
}

var _ store.Store = (*Folder)(nil)

package workcopy

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

var (
	msgUnsupported = &i18n.Message{ID: "CopieTravailImpossible", Other: "Cette opération n'est pas possible sur la connexion « {{.Conn}} » : ses dossiers ne sont ni des fichiers SQLite ni des bases d'un serveur SQL."}
	msgOpenOn      = &i18n.Message{ID: "CopieTravailDossierConnecte", Other: "Le dossier {{.Dossier}} est ouvert sur le serveur : {{.Sessions}}. Fermez ces programmes avant de le modifier, ou confirmez l'opération malgré tout (en ligne de commande : --ignorer-sessions) : ils seront alors déconnectés au moment de la remise en place. Rien n'a été fait."}
	msgSession     = &i18n.Message{ID: "CopieTravailSession", Other: "Fermez {{.Programme}} sur {{.Poste}} ({{.Utilisateur}})"}
	msgChanged     = &i18n.Message{ID: "CopieTravailModifieSurServeur", Other: "Le dossier a été modifié sur le serveur pendant l'opération ({{.Detail}})"}
	msgNotApplied  = &i18n.Message{ID: "CopieTravailNonReportee", Other: "L'opération n'a pas pu être reportée sur le serveur : {{.Detail}}. Le dossier {{.Dossier}} n'a pas été modifié ; recommencez quand plus personne ne l'utilise."}
	msgBadImage    = &i18n.Message{ID: "CopieTravailImageTronquee", Other: "La copie de travail du dossier {{.Dossier}} est incomplète ({{.Got}} octets lus sur {{.Want}})."}
)

// ErrNotApplied: the operation ran on the working copy, but its result
// could not be put back on the server, which still holds the dossier as
// it was before.
var ErrNotApplied = errors.New("workcopy: result not put back on the server")

// Server is a connexion whose dossiers are databases on a server
// (odbcstore.Store): what a working copy needs besides store.Store.
type Server interface {
	store.Store
	// DatabaseName is the database of dossier numero.
	DatabaseName(ctx context.Context, numero string) (string, error)
	// StageDatabase stages database name itself (not numero's 001SOC name).
	StageDatabase(ctx context.Context, name string) (store.Staging, error)
	// ServerSessions lists the other connections to database name.
	ServerSessions(ctx context.Context, name string) ([]dossier.Session, error)
}

// Needed reports whether s's dossiers are not local SQLite files that an
// operation can open in place: they live on a server.
func Needed(s store.Store) bool {
	_, local := s.(interface{ Path(string) (string, error) })
	return !local
}

// Options tune a working copy.
type Options struct {
	// Write says the operation changes the dossier: Run refuses at once,
	// before anything is done, while other programs are connected to its
	// database (the switch would have to refuse at the end anyway).
	Write bool
	// Disconnect: the user confirmed that other sessions may be ended at
	// the switch (--ignorer-sessions, the one confirmation of
	// dossier.SessionPolicy).
	Disconnect bool
	// Replace lets a new database (E001SOC) replace one of the same name.
	Replace bool
	// TempDir holds the working folder; "" means the OS temp folder.
	TempDir  string
	Progress dossier.Progress
}

// Database is a database the operation created in the working folder and
// Run created on the server.
type Database struct {
	File     string // its file in the working folder (gone after Run)
	Name     string // the database on the server
	Replaced bool
}

// Outcome says what Run did on the server.
type Outcome struct {
	Database string // the dossier's database
	Switched bool   // the dossier's changes were put back
	Created  []Database
}

// ServerName returns the database a file the operation wrote in the
// working folder became on the server.
func (o Outcome) ServerName(path string) (string, bool) {
	for _, d := range o.Created {
		if d.File == path {
			return d.Name, true
		}
	}
	return "", false
}

// Local is the working folder: a folder connexion holding the one working
// copy, that describes itself as the server it stands for (manifests of
// safety backups, PAF and PTF name the server).
type Local struct {
	*sqlitestore.Folder
	desc store.Description
}

func (l *Local) Describe() store.Description { return l.desc }

// Run runs op on a working copy of dossier numero of s:
//
//  1. it takes the dossier's lock on the server (an advisory lock held on its
//     own session for the whole run); op then locks the working folder's
//     dossier, a separate file lock, so the operation's own Lock never
//     stacks on or deadlocks with the server's;
//  2. it reads one consistent snapshot of the server's database into a
//     SQLite file of a private working folder, and notes the snapshot's
//     counts and totals;
//  3. op works on that folder exactly as on a folder connexion: its safety
//     backup is the server's dossier as the snapshot read it, its
//     transaction is local;
//  4. databases op wrote into the working folder (an export E001SOC) become
//     new databases on the server;
//  5. if op changed the dossier (SQLite's file change counter moved), Run
//     checks that the server's dossier still has the snapshot's counts and
//     totals, then switches the copy in through the server's own staging
//     (Commit with replace: loaded into coffre_tmp_…, checked, renamed in,
//     old one set aside then dropped; a crash in between is finished by the
//     next Open), so the server holds the dossier before or after, never
//     between. The switch refuses while other programs are connected,
//     unless opt.Disconnect.
//
// On any error after op succeeded, the error wraps ErrNotApplied and the
// server's dossier is as before.
func Run[R any](ctx context.Context, s store.Store, numero string, opt Options, op func(ctx context.Context, local *Local) (R, error)) (R, Outcome, error) {
	var zero R
	var out Outcome
	srv, ok := s.(Server)
	if !ok {
		return zero, out, i18n.E(msgUnsupported, map[string]any{"Conn": s.Describe().Location}, dossier.ErrNotFound)
	}
	unlock, err := s.Lock(ctx, numero)
	if err != nil {
		return zero, out, err
	}
	defer unlock()
	if out.Database, err = srv.DatabaseName(ctx, numero); err != nil {
		return zero, out, err
	}
	if opt.Write && !opt.Disconnect {
		if err := refuseSessions(ctx, srv, out.Database, numero); err != nil {
			return zero, out, err
		}
	}
	base := opt.TempDir
	if base == "" {
		base = os.TempDir()
	}
	sweepFolders(base)
	dir, release, err := makeFolder(base)
	if err != nil {
		return zero, out, err
	}
	defer release()

	file, before, id, err := take(ctx, s, numero, dir, opt.Progress)
	if err != nil {
		return zero, out, err
	}
	counter, err := changeCounter(file)
	if err != nil {
		return zero, out, err
	}
	folder, err := sqlitestore.Open(dir)
	if err != nil {
		return zero, out, err
	}
	res, err := op(ctx, &Local{Folder: folder, desc: s.Describe()})
	if err != nil {
		return res, out, err
	}
	notApplied := func(err error) error {
		if errors.Is(err, context.Canceled) {
			return fmt.Errorf("%w: %w", ErrNotApplied, err)
		}
		return i18n.E(msgNotApplied, map[string]any{"Detail": i18n.Describe(err), "Dossier": id.Base()}, fmt.Errorf("%w: %w", ErrNotApplied, err))
	}
	if out.Created, err = createNew(ctx, srv, dir, file, opt); err != nil {
		return res, out, notApplied(err)
	}
	after, err := changeCounter(file)
	if err != nil {
		return res, out, notApplied(err)
	}
	if after == counter {
		return res, out, nil
	}
	if err := unchanged(ctx, s, numero, before); err != nil {
		return res, out, notApplied(err)
	}
	opt.Progress.Report(dossier.Event{Phase: dossier.PhaseBascule, Dossier: id.Numero})
	if err := switchIn(ctx, srv, out.Database, file, opt.Disconnect); err != nil {
		return res, out, notApplied(err)
	}
	opt.Progress.Report(dossier.Event{Phase: dossier.PhaseBascule, Dossier: id.Numero, Done: 1, Total: 1})
	out.Switched = true
	return res, out, nil
}

func refuseSessions(ctx context.Context, srv Server, name, numero string) error {
	ss, err := srv.ServerSessions(ctx, name)
	if err != nil || len(ss) == 0 {
		return err
	}
	var parts []string
	for _, x := range ss {
		parts = append(parts, i18n.T(msgSession, map[string]any{"Programme": x.Programme, "Poste": x.Poste, "Utilisateur": x.Utilisateur}))
	}
	return i18n.E(msgOpenOn, map[string]any{"Dossier": numero, "Sessions": strings.Join(parts, ", ")}, dossier.ErrInUse)
}

// folderPrefix names working folders; lockName, inside, is held while one
// is in use, so a sweep removes only those a crashed Coffre left.
const (
	folderPrefix = "coffre-travail-"
	lockName     = ".coffre-travail"
)

func makeFolder(base string) (string, func(), error) {
	return fsutil.MakeLockedDir(base, folderPrefix, lockName)
}

func sweepFolders(base string) { fsutil.SweepLockedDirs(base, folderPrefix, lockName) }

// take writes the image of one snapshot of the server's dossier into dir,
// named as a folder connexion names the dossier, and returns its counts and
// totals as the server computed them.
func take(ctx context.Context, s store.Store, numero, dir string, p dossier.Progress) (string, dossier.Stats, dossier.Identity, error) {
	snap, err := s.Snapshot(ctx, numero, store.SnapshotOptions{TempDir: dir})
	if err != nil {
		return "", dossier.Stats{}, dossier.Identity{}, err
	}
	defer snap.Close()
	id := snap.Identity()
	if id.Numero == "" {
		id.Numero = numero
	}
	stats, err := snap.Stats(ctx)
	if err != nil {
		return "", stats, id, err
	}
	image, size, err := snap.Database(ctx)
	if err != nil {
		return "", stats, id, err
	}
	defer image.Close()
	file := filepath.Join(dir, dossier.DBName(numero, id.Nom)+dossier.ExtDB)
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", stats, id, err
	}
	n, err := dossier.Copy(ctx, f, image, size, p, dossier.PhaseLecture, id.Numero)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", stats, id, err
	}
	if n != size {
		return "", stats, id, i18n.E(msgBadImage, map[string]any{"Dossier": id.Base(), "Got": n, "Want": size}, dossier.ErrTruncated)
	}
	// The copy is a standalone file: rollback-journal mode, where SQLite
	// counts every committed change in the header.
	if err := sqlitestore.SetRollbackJournal(ctx, file); err != nil {
		return "", stats, id, err
	}
	return file, stats, id, nil
}

// changeCounter is SQLite's file change counter (header bytes 24–27),
// which every committed write transaction moves in rollback-journal mode.
func changeCounter(path string) (uint32, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	var b [4]byte
	if _, err := f.ReadAt(b[:], 24); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint32(b[:]), nil
}

// unchanged checks that the server's dossier still has the counts and
// totals the working copy started from: if the management software wrote
// meanwhile, switching the copy in would lose its writes.
func unchanged(ctx context.Context, s store.Store, numero string, before dossier.Stats) error {
	snap, err := s.Snapshot(ctx, numero, store.SnapshotOptions{})
	if err != nil {
		return err
	}
	defer snap.Close()
	now, err := snap.Stats(ctx)
	if err != nil {
		return err
	}
	if d := ledger.Diff(before, now); len(d) > 0 {
		return i18n.E(msgChanged, map[string]any{"Detail": strings.Join(d, " ; ")}, dossier.ErrInUse)
	}
	return nil
}

// stage copies the local database file into a staging of database name.
func stage(ctx context.Context, srv Server, name, file string) (store.Staging, error) {
	st, err := srv.StageDatabase(ctx, name)
	if err != nil {
		return nil, err
	}
	if err := copyFile(file, st.Path()); err != nil {
		st.Abort()
		return nil, err
	}
	return st, nil
}

func switchIn(ctx context.Context, srv Server, name, file string, disconnect bool) error {
	st, err := stage(ctx, srv, name, file)
	if err != nil {
		return err
	}
	defer st.Abort()
	if a, ok := st.(interface{ AllowDisconnect() }); ok && disconnect {
		a.AllowDisconnect()
	}
	return st.Commit(ctx, true)
}

// createNew turns the databases op left in the working folder (other than
// the dossier itself and temp files) into databases on the server.
func createNew(ctx context.Context, srv Server, dir, dossierFile string, opt Options) ([]Database, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.Type().IsRegular() && strings.HasSuffix(n, dossier.ExtDB) && !fsutil.IsTemp(n) && filepath.Join(dir, n) != dossierFile {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var out []Database
	for _, n := range names {
		file := filepath.Join(dir, n)
		name := strings.TrimSuffix(n, dossier.ExtDB)
		st, err := stage(ctx, srv, name, file)
		if err != nil {
			return out, err
		}
		exists, err := st.Exists(ctx)
		if err == nil {
			opt.Progress.Report(dossier.Event{Phase: dossier.PhaseBascule, Dossier: name})
			err = st.Commit(ctx, opt.Replace)
		}
		st.Abort()
		if err != nil {
			return out, err
		}
		out = append(out, Database{File: file, Name: name, Replaced: exists})
	}
	return out, nil
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

package backup

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"coffre/internal/buildinfo"
	"coffre/internal/crash"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/store"
)

var (
	msgBadName    = &i18n.Message{ID: "NomSauvegardeInvalide", Other: "Nom de fichier invalide « {{.Name}} » : pas de / \\ : * ? \" < > |, ni de nom vide."}
	msgQuickCheck = &i18n.Message{ID: "SourceEndommagee", Other: "Le dossier {{.Dossier}} est endommagé (contrôle SQLite : {{.Detail}}) : la sauvegarde n'a pas été enregistrée. Restaurez une sauvegarde précédente ou faites réparer la base."}
	msgMismatch   = &i18n.Message{ID: "RelectureDifferente", Other: "La relecture de la sauvegarde ne correspond pas à ce qui a été écrit : le fichier a été supprimé. Vérifiez le disque de destination."}
)

// Request is one dossier to back up.
type Request struct {
	Source  store.Ref
	DestDir string
	// Name is the file's base name without extension; "" means the
	// default « 001-SOC_AAAAMMJJ_HHMM ».
	Name       string
	Verify     bool
	Passphrase string
	// Recipient encrypts for an age X25519 public key instead (the
	// automatic backup's « cle »): the verification after writing uses a
	// key made for that file alone, never stored.
	Recipient string
	Progress  dossier.Progress
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// Locked says the caller already holds the dossier's lock (a restore
	// taking its safety backup).
	Locked bool
	// SessionIdle is when a listed session counts as closed (0: the
	// default), for the note about programs open during the backup.
	SessionIdle time.Duration
}

// Result says what was written.
type Result struct {
	Path     string
	Size     int64
	SHA256   string // of the whole file
	Manifest *pack.Manifest
	Verified bool
	Sessions []dossier.Session // programs open on the dossier during the backup
	Duration time.Duration
	// Phases is where the time went, for reports and benchmarks.
	Phases map[string]time.Duration
	// CheckIdentity, for a backup encrypted for an age recipient, opens it
	// for a check made right after (the service's weekly complete check);
	// it is in no file and must be forgotten after that.
	CheckIdentity string `json:"-"`
	// Warnings are facts about the source a person should know (a WAL
	// dossier on a network share, a journal beside it that was not
	// applied…); the backup itself is sound. The presenter renders them.
	Warnings []i18n.Note
	// Notes: programs were open on the dossier during the backup
	// (dossier.SessionPolicy.Warn over Sessions).
	Notes []i18n.Note
}

var badName = regexp.MustCompile(`[/\\:*?"<>|\x00-\x1f]`)

// ValidName reports whether name can be a backup file's base name on every
// system Coffre runs on.
func ValidName(name string) bool {
	name = strings.TrimSpace(name)
	return name != "" && name != "." && name != ".." && !badName.MatchString(name) && !strings.HasPrefix(name, ".")
}

// Run takes the backup. The file appears under its final name only once
// complete (and, with Verify, re-read from the disk and checked); on any
// error or cancellation nothing is left behind.
func Run(ctx context.Context, req Request) (res Result, err error) {
	start := time.Now()
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	res.Phases = map[string]time.Duration{}
	if err := req.Validate(); err != nil {
		return res, err
	}
	fsutil.SweepTemp(req.DestDir)

	if !req.Locked {
		unlock, err := req.Source.Lock(ctx)
		if err != nil {
			return res, err
		}
		defer unlock()
	}
	t := time.Now()
	// A private copy, taken in short steps: the management software's
	// writes get in between, and nothing holds the dossier while the copy
	// is compressed and checked.
	snap, err := req.Source.Snapshot(ctx, store.SnapshotOptions{TempDir: req.DestDir, Copy: true, Progress: req.Progress})
	if err != nil {
		return res, err
	}
	defer snap.Close()

	id := snap.Identity()
	if !dossier.ValidNom(id.Nom) {
		// A lone database named otherwise: its file name gives the short
		// name a restore will use.
		id.Nom = dossier.NomFromName(req.Source.Label())
	}
	label := id.Numero
	if label == "" {
		label = req.Source.Label()
	}
	if res.Sessions, err = snap.Sessions(ctx); err != nil {
		return res, err
	}
	// A backup reads: an open dossier only gets a note.
	res.Notes = dossier.SessionPolicy{Idle: req.SessionIdle}.Warn(req.Source.Label(), res.Sessions)
	if w, ok := snap.(warner); ok {
		res.Warnings = w.Warnings()
	}
	if n, ok := snap.(noter); ok {
		res.Warnings = append(res.Warnings, n.Notes()...)
	}
	var journal string
	if j, ok := snap.(interface{ JournalMode() string }); ok {
		journal = j.JournalMode() // kept, so the restore sets it again
	}
	name := req.Name
	if name == "" {
		name = defaultName(id, req.Source.Label(), now())
	}
	// A name no file system takes is refused before anything is read.
	if err := fsutil.CheckName(name + dossier.ExtPBF); err != nil {
		return res, err
	}

	image, size, err := snap.Database(ctx)
	if err != nil {
		return res, err
	}
	defer image.Close()
	res.Phases["lecture"] = time.Since(t)

	desc := req.Source.Describe()
	m := &pack.Manifest{
		Kind:      pack.KindPBF,
		Tool:      buildinfo.Tool(),
		CreatedAt: now().UTC().Truncate(time.Second),
		Source:    pack.Source{Kind: desc.Kind, Dialect: desc.Dialect, Description: desc.Location, JournalMode: journal},
		Dossier:   id,
		Sessions:  res.Sessions,
	}

	// The database checks run on the snapshot while the image is being
	// compressed: same instant, both cores shared by the compression and
	// the checks.
	type checked struct {
		stats dossier.Stats
		took  time.Duration
		err   error
	}
	checks := make(chan checked, 1)
	go func() {
		var c checked
		// A panic here ends the backup as « Erreur interne », not the
		// process: this goroutine is not the command's.
		defer func() { checks <- c }()
		defer crash.Recover(&c.err)
		t := time.Now()
		c.stats, c.err = runChecks(ctx, snap, req.Verify, label)
		c.took = time.Since(t)
	}()
	waitChecks := func() (dossier.Stats, error) {
		c := <-checks
		checks <- c
		res.Phases["controle"] = c.took
		return c.stats, c.err
	}
	defer waitChecks() // the snapshot must outlive its queries

	tmp, err := fsutil.CreateTempUnique(req.DestDir, name, dossier.ExtPBF)
	if err != nil {
		return res, err
	}
	defer tmp.Abort()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	t = time.Now()
	wr, err := pack.Write(ctx, bw, m, []pack.PartSource{{Name: pack.DatabasePart, Role: pack.RoleDatabase, Size: size, R: image}}, pack.WriteOptions{
		Passphrase:  req.Passphrase,
		Recipient:   req.Recipient,
		Progress:    req.Progress,
		Dossier:     label,
		CheckFrames: req.Verify,
		BeforeManifest: func(m *pack.Manifest) error {
			st, err := waitChecks()
			m.Stats = st
			return err
		},
	})
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	res.Phases["compression"] = time.Since(t)
	if err != nil {
		return res, err
	}
	return finish(ctx, req.Verify, pack.ReadOptions{Passphrase: req.Passphrase, Progress: req.Progress, Dossier: label}, tmp, wr, res, start)
}

// imageChecker is a snapshot whose database is not SQLite (an ODBC server):
// it checks the portable image it built instead.
type imageChecker interface {
	QuickCheck(ctx context.Context, label string) error
}

// finish re-reads the written file from the disk when asked, checks it
// holds exactly what was written, and only then gives it its final name.
func finish(ctx context.Context, verify bool, reread pack.ReadOptions, tmp *fsutil.TempFile, wr pack.WriteResult, res Result, start time.Time) (Result, error) {
	res.Manifest, res.Size, res.SHA256 = wr.Manifest, wr.Size, wr.SHA256
	if wr.CheckIdentity != "" {
		reread.Passphrase = wr.CheckIdentity // encrypted for a key this machine does not hold
		res.CheckIdentity = wr.CheckIdentity
	}
	if verify {
		t := time.Now()
		reread.Phase = dossier.PhaseVerification
		got, err := pack.VerifyWritten(ctx, tmp.Name(), wr, reread)
		res.Phases["verification"] = time.Since(t)
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return res, err
			}
			return res, i18n.E(msgMismatch, nil, err)
		}
		if !samePart(got, wr.Manifest) {
			return res, i18n.E(msgMismatch, nil, fmt.Errorf("%w: manifest differs after re-read", dossier.ErrCorrupt))
		}
		res.Verified = true
	}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	// Claims the name atomically: another backup of the same name in the
	// same minute gets the next one (_2), neither fails.
	if err := tmp.Commit(false); err != nil {
		return res, err
	}
	res.Path = tmp.Final()
	res.Duration = time.Since(start)
	return res, nil
}

// samePart reports whether the re-read manifest records the very parts the
// writer hashed while reading the source.
func samePart(a, b *pack.Manifest) bool {
	if len(a.Parts) != len(b.Parts) {
		return false
	}
	for i := range a.Parts {
		if a.Parts[i] != b.Parts[i] {
			return false
		}
	}
	return true
}

// defaultName is « 001-SOC_AAAAMMJJ_HHMM », or for a lone file that is not
// named like a dossier, its base name and the date.
func defaultName(id dossier.Identity, label string, t time.Time) string {
	if dossier.ValidNumero(id.Numero) && dossier.ValidNom(id.Nom) {
		return dossier.BackupName(id.Numero, id.Nom, t)
	}
	base := strings.TrimSuffix(label, filepath.Ext(label))
	base = badName.ReplaceAllString(base, "_")
	base = strings.TrimLeft(base, ".")
	if base == "" {
		base = "base"
	}
	return base + "_" + t.Format("20060102_1504")
}

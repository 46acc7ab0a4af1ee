package backup

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coffre/internal/access"
	"coffre/internal/buildinfo"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/pack"
)

var (
	msgAccessLocked  = &i18n.Message{ID: "AccessEnCoursCoffre", Other: "« {{.File}} » est déjà en cours de traitement par une autre opération Coffre."}
	msgAccessChanged = &i18n.Message{ID: "AccessModifieeSauvegarde", Other: "La base Access « {{.File}} » a été ouverte ou modifiée pendant la sauvegarde : la sauvegarde a été abandonnée. Recommencez quand plus personne ne l'utilise."}
)

// AccessRequest backs up one Access database (.mdb/.accdb) whole.
type AccessRequest struct {
	File       string
	DestDir    string
	Name       string // base name without .pbf; "" = 001-SOC_AAAAMMJJ_HHMM
	Passphrase string
	Verify     bool
	Locked     bool // the caller holds LockAccess(File)
	Progress   dossier.Progress
	Now        func() time.Time
}

// LockAccess keeps other Coffre processes off the Access database at path
// (a lock file beside it, as for a lone SQLite file).
func LockAccess(path string) (func(), error) {
	dir, base := filepath.Split(path)
	unlock, err := fsutil.Lock(filepath.Join(dir, "."+base+".coffre-verrou"), 0)
	if errors.Is(err, fsutil.ErrLocked) {
		return nil, i18n.E(msgAccessLocked, map[string]any{"File": base}, dossier.ErrInUse)
	}
	return unlock, err
}

// RunAccess writes a PBF whose one part is the whole Access file (there is
// no consistent read of a database Access has open): refused while its
// .ldb/.laccdb lock file exists, naming the machines in it, and abandoned
// if the file was opened or changed while it was read. The manifest says
// Source.Kind "access" and carries no SQLite stats.
func RunAccess(ctx context.Context, req AccessRequest) (res Result, err error) {
	start := time.Now()
	now := time.Now
	if req.Now != nil {
		now = req.Now
	}
	res.Phases = map[string]time.Duration{}
	base := filepath.Base(req.File)
	if !access.IsAccess(req.File) {
		return res, fmt.Errorf("%s: not an Access database", base)
	}
	if err := req.Validate(); err != nil {
		return res, err
	}
	fsutil.SweepTemp(req.DestDir)
	if !req.Locked {
		unlock, err := LockAccess(req.File)
		if err != nil {
			return res, err
		}
		defer unlock()
	}
	if err := access.CheckFree(req.File); err != nil {
		return res, err
	}
	f, err := os.Open(req.File)
	if err != nil {
		return res, fmt.Errorf("%s: %w", req.File, dossier.ErrNotFound)
	}
	defer f.Close()
	before, err := f.Stat()
	if err != nil {
		return res, err
	}
	var id dossier.Identity
	if p, ok := dossier.ParseDBName(strings.TrimSuffix(base, filepath.Ext(base))); ok && p.Kind == dossier.KindDossier {
		id.Numero, id.Nom = p.Numero, p.Nom
	}
	label := id.Numero
	if label == "" {
		label = base
	}
	name := req.Name
	if name == "" {
		name = defaultName(id, base, now())
	}
	if err := fsutil.CheckName(name + dossier.ExtPBF); err != nil {
		return res, err
	}
	abs, _ := filepath.Abs(req.File)
	extra, _ := json.Marshal(access.Info{File: base, Size: before.Size()})
	m := &pack.Manifest{
		Kind:      pack.KindPBF,
		Tool:      buildinfo.Tool(),
		CreatedAt: now().UTC().Truncate(time.Second),
		Source:    pack.Source{Kind: access.SourceKind, Dialect: "access", Description: abs},
		Dossier:   id,
		Extra:     map[string]json.RawMessage{access.ExtraKey: extra},
	}
	tmp, err := fsutil.CreateTempUnique(req.DestDir, name, dossier.ExtPBF)
	if err != nil {
		return res, err
	}
	defer tmp.Abort()
	bw := bufio.NewWriterSize(tmp, 1<<20)
	t := time.Now()
	wr, err := pack.Write(ctx, bw, m, []pack.PartSource{{Name: access.PartName(base), Role: access.Role, Size: before.Size(), R: io.NewSectionReader(f, 0, before.Size())}},
		pack.WriteOptions{CheckFrames: req.Verify, Passphrase: req.Passphrase, Progress: req.Progress, Dossier: label})
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
	after, err := os.Stat(req.File)
	if err != nil {
		return res, err
	}
	if access.CheckFree(req.File) != nil || !after.ModTime().Equal(before.ModTime()) || after.Size() != before.Size() {
		return res, i18n.E(msgAccessChanged, map[string]any{"File": base}, dossier.ErrInUse)
	}
	return finish(ctx, req.Verify, pack.ReadOptions{Passphrase: req.Passphrase, Progress: req.Progress, Dossier: label}, tmp, wr, res, start)
}

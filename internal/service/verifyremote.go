package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sort"
	"time"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/remote"
	"coffre/internal/verify"
)

var msgRemoteChanged = &i18n.Message{ID: "ServiceDistanteModifiee", Other: "« {{.Name}} » n'est plus la copie envoyée et validée par ce poste (taille {{.GotSize}} au lieu de {{.WantSize}}, ou empreinte différente)"}

// VerifyRemote re-reads every backup at the offsite destination of the
// configuration (`coffre verifier --distant`): each is downloaded to a
// private temporary folder, compared with what this workstation sent and
// validated when it has it on record, and verified like a local file (at
// the complete level with opt.Complete). One check per file, newest first
// for each dossier; the error is for a destination that cannot be read.
func (e *Engine) VerifyRemote(ctx context.Context, opt verify.Options) ([]Check, error) {
	cfg, err := config.Require(e.ConfigPath)
	if err != nil {
		return nil, err
	}
	if cfg.Distant.Type == config.DistantAucun {
		return nil, i18n.E(msgWatchNoDest, map[string]any{"File": e.ConfigPath}, config.ErrInvalid)
	}
	if opt.Passphrase == "" && cfg.Auto.Chiffrement == config.ChiffrementPhrase {
		// The stored passphrase opens the copies this workstation encrypted.
		if pass, _, err := cfg.Auto.Encryption(e.Secrets); err == nil {
			opt.Passphrase = pass
		}
	}
	where := DescribeRemote(cfg.Distant)
	be, err := remote.Open(ctx, cfg.Distant, e.Secrets)
	if err != nil {
		return nil, err
	}
	defer be.Close()
	all, err := remote.Backups(be)
	if err != nil {
		return nil, err
	}
	reg, err := loadRegister(e.Dir)
	if err != nil {
		return nil, err
	}
	tmpDir := filepath.Join(e.Dir, "verification")
	if err := os.MkdirAll(tmpDir, 0o700); err != nil {
		return nil, err
	}
	fsutil.SweepTemp(tmpDir)
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	opt.TempDir = tmpDir
	var out []Check
	for _, k := range keys {
		for _, b := range all[k] {
			if ctx.Err() != nil {
				return out, ctx.Err()
			}
			w, known := reg.Remote[remoteKey(where, b.Name)]
			out = append(out, e.verifyOne(ctx, be, b.Name, tmpDir, w, known, opt))
		}
	}
	return out, nil
}

// verifyOne downloads name and checks it.
func (e *Engine) verifyOne(ctx context.Context, be remote.Backend, name, tmpDir string, w Written, known bool, opt verify.Options) Check {
	start := time.Now()
	c := Check{Name: name}
	defer func() { c.Took = time.Since(start) }()
	tmp, err := fsutil.CreateTemp(filepath.Join(tmpDir, name))
	if err != nil {
		c.Err = err
		return c
	}
	defer tmp.Abort()
	r, err := be.Open(name)
	if err != nil {
		c.Err = err
		return c
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, h), r)
	r.Close()
	if err == nil {
		err = tmp.Sync()
	}
	if err != nil {
		c.Err = err
		return c
	}
	if known && (n != w.Size || hex.EncodeToString(h.Sum(nil)) != w.SHA256) {
		c.Err = i18n.E(msgRemoteChanged, map[string]any{"Name": name, "GotSize": n, "WantSize": w.Size}, ErrRecheckDamaged)
		return c
	}
	_, c.Err = verify.File(ctx, tmp.Name(), opt)
	if known && opt.Passphrase == "" && errors.Is(c.Err, dossier.ErrNeedPassphrase) {
		// Encrypted for an age key this workstation does not hold: it is
		// byte for byte what was validated when written; its content needs
		// the key (--identite-fichier).
		c.Err, c.Sealed = nil, true
	}
	return c
}

package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/remote"
)

var (
	msgRecheckDamaged = &i18n.Message{ID: "ServiceRelectureEndommagee", Other: "la copie « {{.Name}} » ne correspond plus à ce qui avait été envoyé et validé (taille {{.GotSize}} au lieu de {{.WantSize}}, empreinte différente) : elle a été retirée du serveur"}
	msgRenamedLocal   = &i18n.Message{ID: "ServiceRenommeeLocale", Other: "un autre fichier « {{.Name}} » existe déjà sur la destination distante : la sauvegarde a été renommée « {{.New}} » avant l'envoi"}
	msgFreedSpace     = &i18n.Message{ID: "ServicePlaceLiberee", Other: "espace insuffisant sur la destination distante : la copie la plus ancienne « {{.Name}} » a été supprimée pour faire de la place, puis l'envoi recommencé"}
)

// staleUpload is how long an interrupted upload offsite waits to be resumed
// before it is removed.
const staleUpload = 3 * 24 * time.Hour

// ErrRecheckDamaged is wrapped by the error of an older offsite copy that no
// longer matches what was validated.
var ErrRecheckDamaged = errors.New("service: offsite copy changed since it was validated")

// offsite sends to the offsite destination what it lacks — this run's
// backups and those an earlier run could not send (the outbox), oldest
// first — then rotates the copies there and re-reads one older copy.
func (e *Engine) offsite(ctx context.Context, p *runPlan, rep *Report) {
	if p.cfg.Distant.Type == config.DistantAucun || ctx.Err() != nil {
		return
	}
	start := time.Now()
	defer func() { rep.RemoteTime = time.Since(start) }()
	todo := p.outbox()
	if len(todo) == 0 && len(p.reg.Remote) == 0 {
		return
	}
	where := DescribeRemote(p.cfg.Distant)
	rep.Entry.Distant = where
	be, err := remote.Open(ctx, p.cfg.Distant, e.Secrets)
	if err != nil {
		rep.RemoteErr = err
		rep.note(i18n.NoteOf(err))
		for _, path := range todo {
			e.record(p, rep, path, remote.CopyResult{Name: filepath.Base(path), Status: remote.Failed, Detail: i18n.Describe(err), Err: err})
		}
		return
	}
	defer be.Close()
	files, err := listed(be)
	if err != nil {
		rep.RemoteErr = err
		rep.note(i18n.NoteOf(err))
		return
	}
	p.reg.forgetVanished(where, files)
	sent := map[string]bool{}
	for _, path := range todo {
		if ctx.Err() != nil {
			break
		}
		path = e.clearName(p, rep, files, where, path)
		res := e.copyFreeing(ctx, p, rep, be, where, files, path)
		e.record(p, rep, path, res)
		if res.Status != remote.Validated {
			continue
		}
		sent[res.Name] = true
		files[res.Name] = remote.File{Name: res.Name, Size: res.Size}
		key := p.reg.Local[path].Key
		removed, err := p.reg.rotateRemote(be, where, files, key, p.cfg.Distant.Conserver)
		if err != nil {
			rep.note(i18n.NoteOf(err))
		}
		if i := rep.backupAt(path); i >= 0 {
			rep.Backups[i].RemoteRemoved = append(rep.Backups[i].RemoteRemoved, removed...)
		} else if len(removed) > 0 {
			rep.note(i18n.NewNote(msgDeletedRemote, map[string]any{"List": strings.Join(removed, ", ")}))
		}
	}
	// After the copies, which resumed what an interrupted run left: what
	// is still there unfinished after days is stale.
	remote.SweepTemp(be, staleUpload, e.now())
	if ctx.Err() == nil {
		if c := e.recheck(ctx, p, be, where, files, sent); c != nil {
			rep.Rechecked = append(rep.Rechecked, *c)
		}
	}
	if err := p.reg.save(); err != nil {
		rep.note(i18n.NoteOf(err))
	}
}

var msgDeletedRemote = &i18n.Message{ID: "ServiceSupprimeesDistantes", Other: "anciennes copies distantes supprimées : {{.List}}"}

// listed is the offsite folder's files by name.
func listed(be remote.Backend) (map[string]remote.File, error) {
	l, err := be.List()
	if err != nil {
		return nil, err
	}
	files := map[string]remote.File{}
	for _, f := range l {
		files[f.Name] = f
	}
	return files, nil
}

// outbox is what the offsite destination lacks: for each dossier, those of
// its newest backups (as many as the destination keeps) that never arrived
// there, oldest first. A backup made while the server was out of reach is
// thus sent by the next run that reaches it.
func (p *runPlan) outbox() []string {
	where := DescribeRemote(p.cfg.Distant)
	byKey := map[string][]copyRef{}
	for path, w := range p.reg.Local {
		if filepath.Dir(path) != p.dest || !w.Verified {
			continue
		}
		if fi, err := os.Stat(path); err != nil || fi.Size() != w.Size {
			continue
		}
		byKey[w.Key] = append(byKey[w.Key], copyRef{path, w})
	}
	var out []copyRef
	for _, list := range byKey {
		slices.SortFunc(list, newer)
		for _, c := range list[:min(len(list), max(1, p.cfg.Distant.Conserver))] {
			if !slices.Contains(c.w.Sent, where) {
				out = append(out, c)
			}
		}
	}
	slices.SortFunc(out, func(a, b copyRef) int { return newer(b, a) })
	paths := make([]string, len(out))
	for i, c := range out {
		paths[i] = c.name
	}
	return paths
}

// record puts the result of sending path where it belongs in the report:
// with this run's backup, or in the outbox.
func (e *Engine) record(p *runPlan, rep *Report, path string, res remote.CopyResult) {
	if res.Status == remote.Validated {
		where := DescribeRemote(p.cfg.Distant)
		w := p.reg.Local[path]
		w.Sent = append(w.Sent, where)
		p.reg.Local[path] = w
		w.Checked = e.now()
		p.reg.Remote[remoteKey(where, res.Name)] = w
	}
	if i := rep.backupAt(path); i >= 0 {
		rep.Backups[i].Remote = &res
		return
	}
	rep.Outbox = append(rep.Outbox, Sent{Key: p.reg.Local[path].Key, Result: res})
}

// backupAt is the index of this run's backup written at path, -1 if none.
func (r *Report) backupAt(path string) int {
	for i, b := range r.Backups {
		if b.Err == nil && b.Result.Path == path {
			return i
		}
	}
	return -1
}

// clearName makes sure the backup's name is free offsite: when another
// file (not ours) already has it, the local backup is renamed to a free
// name first, so that local and offsite names stay the same.
func (e *Engine) clearName(p *runPlan, rep *Report, files map[string]remote.File, where, path string) string {
	name := filepath.Base(path)
	if _, taken := files[name]; !taken {
		return path
	}
	if _, ours := p.reg.Remote[remoteKey(where, name)]; ours {
		return path
	}
	base := strings.TrimSuffix(name, dossier.ExtPBF)
	for i := 2; i < 100000; i++ {
		cand := fmt.Sprintf("%s_%d", base, i)
		np := filepath.Join(filepath.Dir(path), cand+dossier.ExtPBF)
		if _, taken := files[cand+dossier.ExtPBF]; taken || p.reg.nameTaken(cand) {
			continue
		}
		if _, err := os.Lstat(np); !os.IsNotExist(err) {
			continue
		}
		if err := os.Rename(path, np); err != nil {
			return path
		}
		p.reg.Local[np] = p.reg.Local[path]
		delete(p.reg.Local, path)
		if i := rep.backupAt(path); i >= 0 {
			rep.Backups[i].Result.Path = np
		}
		rep.note(i18n.NewNote(msgRenamedLocal, map[string]any{"Name": name, "New": filepath.Base(np)}))
		return np
	}
	return path
}

// copyFreeing copies path offsite; when the destination is full it removes
// the oldest copy that may go (never a dossier's newest, nor its last
// healthy one) and tries once more.
func (e *Engine) copyFreeing(ctx context.Context, p *runPlan, rep *Report, be remote.Backend, where string, files map[string]remote.File, path string) remote.CopyResult {
	opt := remote.CopyOptions{AfterUpload: e.RemoteHook, Progress: e.Progress}
	res := remote.Copy(ctx, be, path, opt)
	if res.Status != remote.Failed || remoteKind(res.Err) != kindNoSpace {
		return res
	}
	victim, ok := p.reg.oldestRemovable(where, files)
	if !ok {
		return res
	}
	if err := remote.RemoveCopy(be, victim); err != nil {
		return res
	}
	delete(p.reg.Remote, remoteKey(where, victim))
	delete(files, victim)
	rep.note(i18n.NewNote(msgFreedSpace, map[string]any{"Name": victim}))
	again := remote.Copy(ctx, be, path, opt)
	again.Attempts += res.Attempts
	again.Duration += res.Duration
	return again
}

// remoteCopies are the registered copies of dest that are still there.
func (r *register) remoteCopies(dest string, files map[string]remote.File) map[string][]copyRef {
	out := map[string][]copyRef{}
	for k, w := range r.Remote {
		d, name, _ := strings.Cut(k, "\x00")
		if d != dest {
			continue
		}
		if _, ok := files[name]; !ok {
			continue
		}
		out[w.Key] = append(out[w.Key], copyRef{name, w})
	}
	return out
}

// forgetVanished drops the registered copies of dest no longer there.
func (r *register) forgetVanished(dest string, files map[string]remote.File) {
	for k := range r.Remote {
		d, name, _ := strings.Cut(k, "\x00")
		if _, ok := files[name]; d == dest && !ok {
			delete(r.Remote, k)
		}
	}
}

// rotateRemote applies the rotation rule to the copies of key at dest.
func (r *register) rotateRemote(be remote.Backend, dest string, files map[string]remote.File, key string, keep int) ([]string, error) {
	var removed []string
	for _, c := range toRemove(r.remoteCopies(dest, files)[key], keep) {
		if err := remote.RemoveCopy(be, c.name); err != nil {
			return removed, err
		}
		delete(r.Remote, remoteKey(dest, c.name))
		delete(files, c.name)
		removed = append(removed, c.name)
	}
	return removed, nil
}

// oldestRemovable is the oldest registered copy at dest that is neither
// the newest copy of its dossier nor its newest healthy one.
func (r *register) oldestRemovable(dest string, files map[string]remote.File) (string, bool) {
	var cands []copyRef
	for _, list := range r.remoteCopies(dest, files) {
		slices.SortFunc(list, newer)
		healthySeen := false
		for i, c := range list {
			protected := i == 0 || (!c.w.Flagged && !healthySeen)
			if !c.w.Flagged {
				healthySeen = true
			}
			if !protected {
				cands = append(cands, c)
			}
		}
	}
	if len(cands) == 0 {
		return "", false
	}
	return slices.MaxFunc(cands, newer).name, true
}

// recheck re-reads one older copy at dest — the one re-read longest ago —
// and compares it with what was validated. A copy that changed is removed
// (the outbox sends it again while the local backup is there).
func (e *Engine) recheck(ctx context.Context, p *runPlan, be remote.Backend, where string, files map[string]remote.File, skip map[string]bool) *Check {
	var pick *copyRef
	for _, list := range p.reg.remoteCopies(where, files) {
		for _, c := range list {
			if skip[c.name] {
				continue
			}
			if pick == nil || c.w.Checked.Before(pick.w.Checked) || (c.w.Checked.Equal(pick.w.Checked) && newer(c, *pick) > 0) {
				c := c
				pick = &c
			}
		}
	}
	if pick == nil {
		return nil
	}
	start := time.Now()
	chk := &Check{Name: pick.name}
	size, sum, err := readRemote(ctx, be, pick.name)
	chk.Took = time.Since(start)
	switch {
	case err != nil:
		chk.Err = err
	case size != pick.w.Size || sum != pick.w.SHA256:
		chk.Err = i18n.E(msgRecheckDamaged, map[string]any{"Name": pick.name, "GotSize": size, "WantSize": pick.w.Size}, ErrRecheckDamaged)
		remote.RemoveCopy(be, pick.name)
		delete(p.reg.Remote, remoteKey(where, pick.name))
		for path, w := range p.reg.Local {
			if filepath.Base(path) == pick.name && w.SHA256 == pick.w.SHA256 {
				w.Sent = slices.DeleteFunc(w.Sent, func(s string) bool { return s == where })
				p.reg.Local[path] = w
			}
		}
	default:
		w := pick.w
		w.Checked = e.now()
		p.reg.Remote[remoteKey(where, pick.name)] = w
	}
	return chk
}

// readRemote reads name back from be: its size and SHA-256.
func readRemote(ctx context.Context, be remote.Backend, name string) (int64, string, error) {
	r, err := be.Open(name)
	if err != nil {
		return 0, "", err
	}
	defer r.Close()
	stop := context.AfterFunc(ctx, func() { r.Close() })
	defer stop()
	h := sha256.New()
	n, err := io.Copy(h, r)
	if ctx.Err() != nil {
		return n, "", ctx.Err()
	}
	if err != nil {
		return n, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

package service

import (
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"coffre/internal/backup"
	"coffre/internal/batch"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/schedule"
	"coffre/internal/store"
	"coffre/internal/verify"
)

// FullCheckEvery is how often the newest backup of each dossier gets the
// complete verification (integrity_check, foreign keys): slow on a big
// dossier, so weekly rather than at every run.
const FullCheckEvery = 7 * 24 * time.Hour

var msgClockBehind = &i18n.Message{ID: "ServiceHorlogeEnRetard", Other: "Attention : l'horloge de ce poste indique {{.Now}}, plus tôt que la sauvegarde la plus récente ({{.Newest}}). Vérifiez la date et l'heure de l'ordinateur (pile de la carte mère, serveur de temps) : la sauvegarde de ce passage est bien gardée comme la plus récente."}

// act takes the backups the plan decided, one dossier after the other (a
// failure never costs the others their backup), and checks each one.
func (e *Engine) act(ctx context.Context, p *runPlan, rep *Report) {
	start := time.Now()
	if newest := p.reg.newest(); p.now.Before(newest) {
		rep.ClockBehind = newest
		rep.note(i18n.NewNote(msgClockBehind, map[string]any{"Now": i18n.DateTime(p.now), "Newest": i18n.DateTime(newest)}))
	}
	// Every dossier of the run goes through the one batch runner: those
	// that cannot be backed up (missing, unusable) as items refused at
	// once, so that they are counted and reported like the others.
	var items []batch.Item
	prepared := map[string]Backup{}
	decided := map[string]schedule.Decision{}
	for _, n := range p.missing {
		key := "absent:" + n
		items = append(items, batch.Item{Key: key, Label: n})
		prepared[key] = Backup{Info: dossier.Info{Identity: dossier.Identity{Numero: n}}, Missing: true,
			Err: i18n.E(msgMissing, map[string]any{"Numero": n, "Conn": p.store.Describe().Location}, dossier.ErrNotFound)}
	}
	for i, d := range p.unusable {
		key := fmt.Sprintf("inutilisable:%d", i)
		b := unusableBackup(d)
		items = append(items, batch.Item{Key: key, Label: b.Info.Numero + " " + d.Fichier})
		prepared[key] = b
	}
	for _, d := range p.decisions {
		items = append(items, batch.Item{Key: d.Numero, Label: dossier.Label(d.Numero, p.infos[d.Numero].Nom)})
		decided[d.Numero] = d
	}
	res := batch.Run(ctx, items, func(ctx context.Context, it batch.Item, _ dossier.Progress) (Backup, error) {
		if b, ok := prepared[it.Key]; ok {
			return b, b.Err
		}
		b := e.backupOne(ctx, p, decided[it.Key])
		return b, b.Err
	}, batch.Options[Backup]{})
	for _, o := range res.Outcomes {
		b := o.Result
		if b.Info.Numero == "" {
			// The operation panicked: the runner made it a failure.
			d := decided[o.Item.Key]
			b = Backup{Info: p.infos[d.Numero], Reason: d.Reason, Err: o.Err}
			ds := p.st.Dossiers[d.Numero]
			ds.Failed(p.now)
			p.st.Dossiers[d.Numero] = ds
		}
		rep.Backups = append(rep.Backups, b)
	}
	if err := p.reg.save(); err != nil {
		rep.note(i18n.NoteOf(err))
	}
	rep.LocalTime = time.Since(start)
}

// backupOne backs one dossier up, records the file, compares it with the
// previous healthy backup and runs the weekly complete check on it.
func (e *Engine) backupOne(ctx context.Context, p *runPlan, d schedule.Decision) Backup {
	b := Backup{Info: p.infos[d.Numero], Reason: d.Reason}
	ds := p.st.Dossiers[d.Numero]
	if d.Reason != schedule.ReasonRetry {
		ds.Failures = 0
	}
	if p.encErr != nil {
		b.Err = p.encErr
		return b
	}
	b.Result, b.Err = backup.Run(ctx, backup.Request{Source: store.InStore(p.store, d.Numero), DestDir: p.dest,
		Name: p.reg.freeName(p.dest, b.Info, p.now), Verify: true, Progress: e.Progress, Now: e.Now,
		Passphrase: p.passphrase, Recipient: p.recipient})
	if b.Err != nil {
		if ctx.Err() == nil {
			ds.Failed(p.now)
		}
		p.st.Dossiers[d.Numero] = ds
		// An emptied dossier file cannot be backed up at all: say what
		// changed since its last healthy backup.
		if b.Info.Taille == 0 && p.store.Describe().Kind == "sqlite" {
			if prev := p.reg.lastHealthy(keyOf(b.Info, nil)); prev != nil && len(prev.Stats.Tables) > 0 {
				b.Changes = []i18n.Note{i18n.NewNote(msgChangeEmptied, map[string]any{"From": len(prev.Stats.Tables)})}
			}
		}
		return b
	}
	key := keyOf(b.Info, b.Result.Manifest)
	c := contentOf(b.Result.Manifest)
	b.Changes = compare(p.reg.lastHealthy(key), c)
	w := Written{Key: key, Seq: p.reg.next(), Size: b.Result.Size, SHA256: b.Result.SHA256, Created: p.now,
		Verified: b.Result.Verified, Content: c, Flagged: len(b.Changes) > 0}
	if ds.LastFullCheck.IsZero() || p.now.Sub(ds.LastFullCheck) >= FullCheckEvery || ds.LastFullCheck.After(p.now) {
		b.FullCheck = e.fullCheck(ctx, b.Result.Path, cmp.Or(p.passphrase, b.Result.CheckIdentity))
		if b.FullCheck.Err == nil {
			ds.LastFullCheck = p.now
		} else {
			w.Flagged = true
		}
	}
	p.reg.Local[b.Result.Path] = w
	ds.LastBackup = p.now
	if d.MaxEntryID >= 0 {
		ds.MaxEntryID = d.MaxEntryID
	}
	if b.OK() {
		ds.Succeeded()
	} else {
		ds.Failed(p.now)
	}
	p.st.Dossiers[d.Numero] = ds
	return b
}

// keyOf names the dossier a backup belongs to, « 001-SOC », from its
// manifest when it has one.
func keyOf(info dossier.Info, m *pack.Manifest) string {
	if m != nil && m.Dossier.Numero != "" && m.Dossier.Nom != "" {
		return m.Dossier.Numero + "-" + m.Dossier.Nom
	}
	return info.Numero + "-" + info.Nom
}

func contentOf(m *pack.Manifest) *Content {
	if m == nil {
		return nil
	}
	return &Content{Identity: m.Dossier, Stats: m.Stats}
}

// freeName is the base name of the next backup of info: the usual
// « 001-SOC_AAAAMMJJ_HHMM », then « _2 », « _3 »… within the same minute,
// each above every suffix of that minute the service still has on record
// here or offsite (so that a newer backup never takes a name that sorts
// before an older one), and free in dir. "" lets the backup choose (a
// dossier whose number or name is not a dossier's).
func (r *register) freeName(dir string, info dossier.Info, now time.Time) string {
	if !dossier.ValidNumero(info.Numero) || !dossier.ValidNom(info.Nom) {
		return ""
	}
	base := dossier.BackupName(info.Numero, info.Nom, now)
	first := r.lastSuffix(base) + 1
	for i := first; i < first+100000; i++ {
		name := base
		if i > 1 {
			name = fmt.Sprintf("%s_%d", base, i)
		}
		if _, err := os.Lstat(filepath.Join(dir, name+dossier.ExtPBF)); os.IsNotExist(err) {
			return name
		}
	}
	return ""
}

// lastHealthy is the content of the newest backup of key that was not
// flagged: what the next backup is compared with.
func (r *register) lastHealthy(key string) *Content {
	var list []copyRef
	for p, w := range r.Local {
		if w.Key == key && !w.Flagged && w.Content != nil {
			list = append(list, copyRef{p, w})
		}
	}
	if len(list) == 0 {
		return nil
	}
	return slices.MinFunc(list, newer).w.Content
}

// fullCheck runs the complete verification of the backup at path.
func (e *Engine) fullCheck(ctx context.Context, path, secret string) *Check {
	start := time.Now()
	dir := filepath.Join(e.Dir, "verification")
	os.MkdirAll(dir, 0o700)
	_, err := verify.File(ctx, path, verify.Options{Complete: true, Progress: e.Progress, TempDir: dir, Passphrase: secret})
	return &Check{Name: filepath.Base(path), Err: err, Took: time.Since(start)}
}

var msgNothingToAccept = &i18n.Message{ID: "ServiceRienAAccepter", Other: "Aucune sauvegarde automatique du dossier {{.Numero}} n'est signalée pour un changement inquiétant : il n'y a rien à accepter."}

// Accept takes the newest backup of dossier numero as its new reference
// (`coffre service accepter --dossier 001`): the change it was flagged for (an
// archive, a cut, a dossier replaced on purpose) is expected, so the next
// backups are compared with it and rotation counts it as healthy.
func (e *Engine) Accept(numero string) error {
	if err := os.MkdirAll(e.Dir, 0o700); err != nil {
		return err
	}
	unlock, err := fsutil.Lock(filepath.Join(e.Dir, ".service.lock"), 0)
	if err != nil {
		return i18n.E(msgBusy, nil, dossier.ErrInUse)
	}
	defer unlock()
	reg, err := loadRegister(e.Dir)
	if err != nil {
		return err
	}
	var list []copyRef
	for p, w := range reg.Local {
		if strings.HasPrefix(w.Key, numero+"-") {
			list = append(list, copyRef{p, w})
		}
	}
	if len(list) == 0 || !slices.MinFunc(list, newer).w.Flagged {
		return i18n.E(msgNothingToAccept, map[string]any{"Numero": numero}, dossier.ErrNotFound)
	}
	c := slices.MinFunc(list, newer)
	c.w.Flagged = false
	reg.Local[c.name] = c.w
	for k, w := range reg.Remote {
		if w.Seq == c.w.Seq && w.Key == c.w.Key {
			w.Flagged = false
			reg.Remote[k] = w
		}
	}
	return reg.save()
}

package service

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coffre/internal/backup"
	"coffre/internal/config"
	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/employes"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/journal"
	"coffre/internal/notify"
	"coffre/internal/paths"
	"coffre/internal/remote"
	"coffre/internal/schedule"
	"coffre/internal/store"
)

// Engine runs the automatic backup. The configuration is re-read at every
// run, so a change made in the Configuration screen applies at the next one.
type Engine struct {
	ConfigPath string
	// Dir keeps the service's state, register, mail queue and run log
	// (DataDir/service by default).
	Dir     string
	Secrets config.Secrets
	// Employees gives the recipients with « Alerte e-mail »; nil reads the
	// employees of the configuration folder.
	Employees func() ([]employes.Employee, error)
	Poste     string
	Now       func() time.Time
	Progress  dossier.Progress
	// RemoteHook runs between an upload and its read-back (tests).
	RemoteHook func(tmp string, attempt int)
}

// New returns the engine for the configuration file path ("" = default).
func New(configPath string) *Engine {
	if configPath == "" {
		configPath = config.DefaultPath()
	}
	host, _ := os.Hostname()
	return &Engine{ConfigPath: configPath, Dir: DefaultDir(), Secrets: config.OpenSecrets(), Poste: host}
}

// DefaultDir is the service's folder in the data folder.
func DefaultDir() string { return filepath.Join(paths.DataDir(), "service") }

// Journal is the run log of the engine.
func (e *Engine) Journal() *journal.Journal { return journal.Open(filepath.Join(e.Dir, "journal")) }

func (e *Engine) queue() notify.Queue { return notify.Queue{Dir: filepath.Join(e.Dir, "courriels")} }

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

// Options of one run.
type Options struct {
	// Force backs every chosen dossier up now, due or not.
	Force bool
}

// Backup is one dossier's backup in a run.
type Backup struct {
	Info   dossier.Info
	Reason schedule.Reason
	Result backup.Result
	Err    error
	Remote *remote.CopyResult
	// Removed are the old backups deleted by the rotation (base names).
	Removed       []string
	RemoteRemoved []string
}

// Report is what a run did.
type Report struct {
	Ran     bool
	Entry   journal.Entry
	Backups []Backup
	// RemoteErr is set when the offsite destination could not be reached.
	RemoteErr error
	Mails     []notify.Mail
	// Sent and Queued count the alerts of this run.
	Sent, Queued int
}

// Failed reports whether something went wrong: a backup, or the copy.
func (r Report) Failed() bool {
	if r.Entry.Statut == journal.StatusFailed || r.Entry.Statut == journal.StatusPartial {
		return true
	}
	for _, b := range r.Backups {
		if b.Remote != nil && b.Remote.Status != remote.Validated {
			return true
		}
	}
	return r.RemoteErr != nil
}

var (
	msgBusy       = &i18n.Message{ID: "ServiceOccupe", Other: "Une sauvegarde automatique est déjà en cours sur ce poste."}
	msgSomeFailed = &i18n.Message{ID: "ServiceEchecs", Other: "La sauvegarde automatique a échoué (dossiers en échec : {{.Count}}) : voir l'Historique."}
	msgRemoteBad  = &i18n.Message{ID: "ServiceDistantEchec", Other: "La copie distante n'est pas validée : voir l'Historique."}
	msgNoDossier  = &i18n.Message{ID: "ServiceAucunDossier", Other: "Aucun dossier à sauvegarder dans la connexion « {{.Conn}} »."}
	msgMissing    = &i18n.Message{ID: "ServiceDossierAbsent", Other: "Le dossier {{.Numero}} choisi pour la sauvegarde automatique n'existe pas dans la connexion."}
	msgSent       = &i18n.Message{ID: "ServiceMailEnvoye", Other: "E-mail envoyé à {{.To}} : {{.Subject}}"}
	msgQueueSent  = &i18n.Message{ID: "ServiceMailsRenvoyes", One: "{{.Count}} e-mail en attente a été envoyé.", Other: "{{.Count}} e-mails en attente ont été envoyés."}
	msgSMTPConf   = &i18n.Message{ID: "ServiceSMTPConfig", Other: "E-mails non envoyés : {{.Detail}}"}
)

// Err is the run's outcome as one error for the command line: nil when
// everything was backed up and copied.
func (r Report) Err() error {
	failed := 0
	for _, b := range r.Backups {
		if b.Err != nil {
			failed++
		}
	}
	if failed > 0 {
		return i18n.E(msgSomeFailed, map[string]any{"Count": failed}, errors.Join(errs(r.Backups)...))
	}
	if r.Entry.Statut == journal.StatusFailed {
		return i18n.E(msgSomeFailed, map[string]any{"Count": 1}, nil)
	}
	if r.Failed() {
		return i18n.E(msgRemoteBad, nil, r.RemoteErr)
	}
	return nil
}

func errs(bs []Backup) []error {
	var out []error
	for _, b := range bs {
		if b.Err != nil {
			out = append(out, b.Err)
		}
	}
	return out
}

// RunOnce runs what is due now (everything with opt.Force) and returns
// what it did. Errors that stop the whole run (configuration, connexion)
// are returned, logged and e-mailed too.
func (e *Engine) RunOnce(ctx context.Context, opt Options) (Report, error) {
	var rep Report
	if err := os.MkdirAll(e.Dir, 0o700); err != nil {
		return rep, err
	}
	unlock, err := fsutil.Lock(filepath.Join(e.Dir, ".service.lock"), 0)
	if err != nil {
		return rep, i18n.E(msgBusy, nil, dossier.ErrInUse)
	}
	defer unlock()
	fsutil.SweepTemp(e.Dir)

	cfg, err := config.Load(e.ConfigPath)
	if err != nil {
		return rep, err
	}
	if err := cfg.Validate(); err != nil {
		return rep, err
	}
	plan, err := schedule.FromConfig(cfg.Auto)
	if err != nil {
		return rep, err
	}
	st, err := schedule.LoadState(e.Dir)
	if err != nil {
		return rep, err
	}
	now := e.now()
	if !cfg.Auto.Active && !opt.Force {
		return rep, nil
	}

	s, err := connexion.Open(cfg.Auto.Connexion)
	if err != nil {
		return e.abort(ctx, cfg, &rep, now, err)
	}
	defer s.Close()
	list, err := s.List(ctx)
	if err != nil {
		return e.abort(ctx, cfg, &rep, now, err)
	}
	infos := map[string]dossier.Info{}
	var all []string
	for _, d := range list {
		infos[d.Numero] = d
		all = append(all, d.Numero)
	}
	chosen := all
	var missing []string
	if len(cfg.Auto.Dossiers) > 0 {
		nums, err := dossier.ParseNumeros(strings.Join(cfg.Auto.Dossiers, ","))
		if err != nil {
			return e.abort(ctx, cfg, &rep, now, err)
		}
		chosen = nil
		for _, n := range nums {
			if _, ok := infos[n]; ok {
				chosen = append(chosen, n)
			} else {
				missing = append(missing, n)
			}
		}
	}
	if len(chosen) == 0 {
		return e.abort(ctx, cfg, &rep, now, i18n.E(msgNoDossier, map[string]any{"Conn": s.Describe().Location}, dossier.ErrNotFound))
	}
	counter := schedule.CountEntries(s)
	decisions, slot := schedule.Due(ctx, plan, st, now, chosen, counter)
	if opt.Force {
		decisions = decisions[:0]
		for _, n := range chosen {
			d := schedule.Decision{Numero: n, Reason: schedule.ReasonForced, MaxEntryID: -1}
			if _, max, ok, err := counter(ctx, n, 0); err == nil && ok {
				d.MaxEntryID = max
			}
			decisions = append(decisions, d)
		}
	}
	if len(decisions) == 0 {
		if cfg.Email.Active {
			e.flushQueue(ctx, cfg, &rep)
		}
		return rep, nil
	}
	rep.Ran = true
	rep.Entry = journal.Entry{Debut: now, Poste: e.Poste}
	for _, n := range missing {
		rep.Entry.Messages = append(rep.Entry.Messages, i18n.T(msgMissing, map[string]any{"Numero": n}))
	}
	if cfg.Email.Active {
		e.flushQueue(ctx, cfg, &rep)
	}

	reg, err := loadRegister(e.Dir)
	if err != nil {
		return e.abort(ctx, cfg, &rep, now, err)
	}
	dest := cfg.Auto.DestinationDir()
	if cfg.Auto.Destination == "" {
		os.MkdirAll(dest, 0o755)
	}
	if abs, err := filepath.Abs(dest); err == nil {
		dest = abs
	}
	for _, d := range decisions {
		if ctx.Err() != nil {
			break
		}
		b := Backup{Info: infos[d.Numero], Reason: d.Reason}
		b.Result, b.Err = backup.Run(ctx, backup.Request{Source: store.InStore(s, d.Numero), DestDir: dest, Verify: true, Progress: e.Progress, Now: e.Now})
		if b.Err == nil {
			key := d.Numero + "-" + b.Info.Nom
			if m := b.Result.Manifest; m != nil && m.Dossier.Nom != "" {
				key = m.Dossier.Numero + "-" + m.Dossier.Nom
			}
			reg.Local[b.Result.Path] = Written{Key: key, Size: b.Result.Size, SHA256: b.Result.SHA256, Created: e.now(), Verified: b.Result.Verified}
			if err := reg.save(); err != nil {
				rep.Entry.Messages = append(rep.Entry.Messages, i18n.Describe(err))
			}
			ds := st.Dossiers[d.Numero]
			ds.LastBackup = now
			if d.MaxEntryID >= 0 {
				ds.MaxEntryID = d.MaxEntryID
			}
			st.Dossiers[d.Numero] = ds
			b.Removed, err = reg.rotateLocal(dest, key, cfg.Auto.Conserver)
			if err != nil {
				rep.Entry.Messages = append(rep.Entry.Messages, i18n.Describe(err))
			}
		}
		rep.Backups = append(rep.Backups, b)
	}
	if err := reg.save(); err != nil {
		rep.Entry.Messages = append(rep.Entry.Messages, i18n.Describe(err))
	}

	if cfg.Distant.Type != config.DistantAucun && ctx.Err() == nil {
		e.offsite(ctx, cfg, reg, &rep)
		if err := reg.save(); err != nil {
			rep.Entry.Messages = append(rep.Entry.Messages, i18n.Describe(err))
		}
	}

	if !slot.IsZero() {
		st.SlotDone = slot
	}
	st.LastRun = now
	if err := st.Save(e.Dir); err != nil {
		rep.Entry.Messages = append(rep.Entry.Messages, i18n.Describe(err))
	}
	e.finishEntry(&rep, dest)
	if cfg.Email.Active {
		e.alerts(ctx, cfg, &rep, dest)
	}
	rep.Entry.Fin = e.now()
	if err := e.Journal().Append(rep.Entry); err != nil {
		return rep, err
	}
	if err := ctx.Err(); err != nil {
		return rep, err
	}
	return rep, nil
}

// abort logs and reports a run that could not start its backups.
func (e *Engine) abort(ctx context.Context, cfg config.Config, rep *Report, now time.Time, cause error) (Report, error) {
	rep.Ran = true
	rep.Entry = journal.Entry{Debut: now, Fin: e.now(), Poste: e.Poste, Statut: journal.StatusFailed,
		Messages: append(rep.Entry.Messages, i18n.Describe(cause))}
	if cfg.Email.Active {
		r := notify.Report{Kind: notify.BackupFailed, Poste: e.Poste, Debut: now, Destination: cfg.Auto.DestinationDir(),
			Dossiers: []notify.Dossier{{Numero: "—", Erreur: i18n.Describe(cause)}}}
		e.send(ctx, cfg, rep, r)
	}
	e.Journal().Append(rep.Entry)
	return *rep, cause
}

func (e *Engine) offsite(ctx context.Context, cfg config.Config, reg *register, rep *Report) {
	var todo []int
	for i, b := range rep.Backups {
		if b.Err == nil {
			todo = append(todo, i)
		}
	}
	if len(todo) == 0 {
		return
	}
	rep.Entry.Distant = DescribeRemote(cfg.Distant)
	be, err := remote.Open(ctx, cfg.Distant, e.Secrets)
	if err != nil {
		rep.RemoteErr = err
		rep.Entry.Messages = append(rep.Entry.Messages, i18n.Describe(err))
		for _, i := range todo {
			rep.Backups[i].Remote = &remote.CopyResult{Name: filepath.Base(rep.Backups[i].Result.Path), Status: remote.Failed, Detail: i18n.Describe(err), Err: err}
		}
		return
	}
	defer be.Close()
	where := rep.Entry.Distant
	remote.SweepTemp(be, 24*time.Hour, e.now())
	for _, i := range todo {
		b := &rep.Backups[i]
		res := remote.Copy(ctx, be, b.Result.Path, remote.CopyOptions{AfterUpload: e.RemoteHook, Progress: e.Progress})
		b.Remote = &res
		if res.Status != remote.Validated {
			continue
		}
		w := reg.Local[b.Result.Path]
		w.Created = e.now()
		reg.Remote[remoteKey(where, res.Name)] = w
		removed, err := remote.Rotate(be, w.Key, cfg.Distant.Conserver, func(name string) bool {
			_, ok := reg.Remote[remoteKey(where, name)]
			return ok
		})
		for _, r := range removed {
			delete(reg.Remote, remoteKey(where, r))
		}
		b.RemoteRemoved = removed
		if err != nil {
			rep.Entry.Messages = append(rep.Entry.Messages, i18n.Describe(err))
		}
	}
}

// DescribeRemote names the offsite destination for people (no password).
func DescribeRemote(d config.Distant) string {
	switch d.Type {
	case config.DistantSFTP:
		port := d.Port
		if port == 0 {
			port = 22
		}
		return fmt.Sprintf("sftp://%s@%s:%d/%s", d.Utilisateur, d.Hote, port, strings.TrimPrefix(d.Chemin, "/"))
	case config.DistantDossier:
		return d.Dossier
	}
	return ""
}

func sessionLines(ss []dossier.Session) []string {
	var out []string
	for _, s := range ss {
		out = append(out, fmt.Sprintf("%s (%s, %s, depuis %s)", s.Poste, s.Utilisateur, s.Programme, s.Debut))
	}
	return out
}

func (e *Engine) finishEntry(rep *Report, dest string) {
	ok, failed := 0, 0
	for _, b := range rep.Backups {
		d := journal.Dossier{Numero: b.Info.Numero, Nom: b.Info.Nom, Motif: string(b.Reason)}
		if b.Err != nil {
			failed++
			d.Erreur = i18n.Describe(b.Err)
		} else {
			ok++
			r := b.Result
			d.Fichier, d.Taille, d.SHA256, d.Duree, d.Verifiee = r.Path, r.Size, r.SHA256, r.Duration, r.Verified
			if r.Manifest != nil {
				d.DerniereEcriture = r.Manifest.Stats.LastEntryDate
			}
			d.Sessions = sessionLines(r.Sessions)
			d.Supprimes = append(b.Removed, b.RemoteRemoved...)
		}
		if b.Remote != nil {
			d.Distant = remoteVerdict(b.Remote)
		}
		rep.Entry.Dossiers = append(rep.Entry.Dossiers, d)
	}
	switch {
	case failed == 0:
		rep.Entry.Statut = journal.StatusOK
	case ok == 0:
		rep.Entry.Statut = journal.StatusFailed
	default:
		rep.Entry.Statut = journal.StatusPartial
	}
}

var (
	msgCopyOK      = &i18n.Message{ID: "ServiceCopieValidee", Other: "copie distante validée"}
	msgCopyDamaged = &i18n.Message{ID: "ServiceCopieEndommagee", Other: "copie distante endommagée ({{.Detail}})"}
	msgCopyFailed  = &i18n.Message{ID: "ServiceCopieEchouee", Other: "copie distante impossible ({{.Detail}})"}
	msgRetried     = &i18n.Message{ID: "ServiceCopieRenvoyee", Other: " après un second envoi"}
)

func remoteVerdict(r *remote.CopyResult) string {
	switch r.Status {
	case remote.Validated:
		s := i18n.T(msgCopyOK, nil)
		if r.Attempts > 1 {
			s += i18n.T(msgRetried, nil)
		}
		return s
	case remote.Damaged:
		return i18n.T(msgCopyDamaged, map[string]any{"Detail": r.Detail})
	}
	return i18n.T(msgCopyFailed, map[string]any{"Detail": r.Detail})
}

func (e *Engine) smtp(cfg config.Config) (notify.SMTP, []string, error) {
	s, err := notify.FromConfig(cfg.Email, e.Secrets)
	if err != nil {
		return s, nil, err
	}
	var emp []employes.Employee
	if e.Employees != nil {
		emp, err = e.Employees()
	} else if st, oerr := employes.OpenDefault(); oerr == nil {
		emp, err = st.List()
	}
	if err != nil {
		return s, nil, err
	}
	return s, notify.Recipients(cfg.Destinataire, emp), nil
}

func (e *Engine) flushQueue(ctx context.Context, cfg config.Config, rep *Report) {
	if e.queue().Len() == 0 {
		return
	}
	s, _, err := e.smtp(cfg)
	if err != nil {
		return
	}
	sent, notes := e.queue().Flush(ctx, s, e.now())
	if sent > 0 {
		rep.Entry.Emails = append(rep.Entry.Emails, i18n.N(msgQueueSent, int64(sent), nil))
	}
	rep.Entry.Emails = append(rep.Entry.Emails, notes...)
}

func (e *Engine) send(ctx context.Context, cfg config.Config, rep *Report, r notify.Report) {
	s, to, err := e.smtp(cfg)
	if err != nil {
		rep.Entry.Emails = append(rep.Entry.Emails, i18n.T(msgSMTPConf, map[string]any{"Detail": i18n.Describe(err)}))
		return
	}
	m := notify.Compose(r, to)
	rep.Mails = append(rep.Mails, m)
	sent, note := notify.Deliver(ctx, s, e.queue(), m)
	if sent {
		rep.Sent++
		rep.Entry.Emails = append(rep.Entry.Emails, i18n.T(msgSent, map[string]any{"To": strings.Join(to, ", "), "Subject": m.Subject}))
	} else {
		rep.Queued++
		rep.Entry.Emails = append(rep.Entry.Emails, note)
	}
}

// alerts sends the e-mails of a run: the backup (réussie / échouée), then
// the offsite copy (validée / endommagée) when one is configured.
func (e *Engine) alerts(ctx context.Context, cfg config.Config, rep *Report, dest string) {
	r := notify.Report{Kind: notify.BackupOK, Poste: e.Poste, Debut: rep.Entry.Debut, Duree: e.now().Sub(rep.Entry.Debut), Destination: dest}
	var copies []notify.Dossier
	damaged := false
	for _, b := range rep.Backups {
		d := notify.Dossier{Numero: b.Info.Numero, Nom: b.Info.Nom, RaisonSociale: b.Info.RaisonSociale}
		if b.Err != nil {
			r.Kind = notify.BackupFailed
			d.Erreur = i18n.Describe(b.Err)
		} else {
			res := b.Result
			d.Fichier, d.Taille, d.Duree, d.Verifiee = res.Path, res.Size, res.Duration, res.Verified
			if res.Manifest != nil {
				d.DerniereEcriture = res.Manifest.Stats.LastEntryDate
			}
			d.Sessions = sessionLines(res.Sessions)
		}
		r.Dossiers = append(r.Dossiers, d)
		if b.Remote != nil {
			c := d
			c.Sessions, c.Verifiee = nil, false
			c.Distant = remoteVerdict(b.Remote)
			if b.Remote.Status != remote.Validated {
				damaged = true
				c.Erreur = c.Distant
			}
			copies = append(copies, c)
		}
	}
	e.send(ctx, cfg, rep, r)
	if len(copies) > 0 {
		k := notify.RemoteOK
		if damaged {
			k = notify.RemoteDamaged
		}
		e.send(ctx, cfg, rep, notify.Report{Kind: k, Poste: e.Poste, Debut: rep.Entry.Debut, Distant: rep.Entry.Distant, Dossiers: copies})
	}
}

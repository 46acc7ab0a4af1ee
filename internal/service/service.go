package service

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"time"

	"coffre/internal/backup"
	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/employes"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/journal"
	"coffre/internal/notify"
	"coffre/internal/paths"
	"coffre/internal/remote"
	"coffre/internal/schedule"
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

// now is the wall clock, without Go's monotonic reading: every decision of
// the service compares wall-clock times (a suspended computer's monotonic
// clock stands still).
func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now().Round(0)
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
	// Missing: the dossier is chosen in the configuration but not in the
	// connexion (Err says so).
	Missing bool
	// Changes are what makes this backup suspicious compared with the
	// previous healthy one (an emptied dossier…): kept but flagged.
	Changes []i18n.Note
	// FullCheck is the weekly complete verification of this backup, when it
	// ran.
	FullCheck *Check
	Remote    *remote.CopyResult
	// Removed are the old backups deleted by the rotation (base names).
	Removed       []string
	RemoteRemoved []string
}

// OK reports whether the backup was made, verified and found sound.
func (b Backup) OK() bool {
	return b.Err == nil && len(b.Changes) == 0 && (b.FullCheck == nil || b.FullCheck.Err == nil)
}

// Check is a verification the service ran on a backup.
type Check struct {
	Name string // base name
	Err  error  // nil: the file verifies
	// Took is how long it took.
	Took time.Duration
	// Sealed: an encrypted copy found identical to what was validated, whose
	// content could not be read without its key.
	Sealed bool
}

// Sent is an earlier backup the outbox sent offsite in this run.
type Sent struct {
	Key    string
	Result remote.CopyResult
}

// Report is what a run did.
type Report struct {
	Ran bool
	// Disabled: the configuration has « active = false » (nothing was
	// done).
	Disabled bool
	Entry    journal.Entry
	Backups  []Backup
	// Outbox are earlier backups, made while the offsite destination was
	// out of reach, sent in this run (oldest first).
	Outbox []Sent
	// Rechecked are older offsite copies re-read in this run.
	Rechecked []Check
	// RemoteErr is set when the offsite destination could not be reached.
	RemoteErr error
	// ClockBehind is set when the clock was earlier than the newest backup
	// already written (a flat battery, a wrong time server): that newest
	// backup's time.
	ClockBehind time.Time
	// LocalTime and RemoteTime are how long the local backups and the
	// offsite copies took.
	LocalTime, RemoteTime time.Duration
	// Notes are remarks about the whole run, in the reader's language (the
	// clock, space made offsite, a file that could not be saved…).
	Notes []i18n.Note
	Mails []notify.Mail
	// Sent and Queued count the alerts of this run.
	Sent, Queued int
	started      time.Time
}

func (r *Report) note(n i18n.Note) { r.Notes = append(r.Notes, n) }

// Failed reports whether something went wrong: a backup, a check, or the
// offsite copy.
func (r Report) Failed() bool {
	if r.Entry.Statut == journal.StatusFailed || r.Entry.Statut == journal.StatusPartial {
		return true
	}
	for _, b := range r.Backups {
		if !b.OK() {
			return true
		}
	}
	return r.remoteFailed()
}

// remoteFailed reports whether a copy, a re-reading or the connection to
// the offsite destination failed.
func (r Report) remoteFailed() bool {
	for _, b := range r.Backups {
		if b.Remote != nil && b.Remote.Status != remote.Validated {
			return true
		}
	}
	for _, s := range r.Outbox {
		if s.Result.Status != remote.Validated {
			return true
		}
	}
	for _, c := range r.Rechecked {
		if c.Err != nil {
			return true
		}
	}
	return r.RemoteErr != nil
}

var (
	msgBusy       = &i18n.Message{ID: "ServiceOccupe", Other: "Une sauvegarde automatique est déjà en cours sur ce poste."}
	msgSomeFailed = &i18n.Message{ID: "ServiceEchecs", Other: "La sauvegarde automatique a échoué (dossiers en échec : {{.Count}}) : voir l'Historique."}
	msgSuspicious = &i18n.Message{ID: "ServiceSuspectes", Other: "Sauvegarde faite, mais le contenu d'un dossier a changé de façon inquiétante (dossiers concernés : {{.Count}}) : voir l'Historique. Les sauvegardes précédentes sont conservées."}
	msgRemoteBad  = &i18n.Message{ID: "ServiceDistantEchec", Other: "La copie distante n'est pas validée : voir l'Historique."}
	msgNoDossier  = &i18n.Message{ID: "ServiceAucunDossier", Other: "Aucun dossier à sauvegarder dans la connexion « {{.Conn}} »."}
	msgMissing    = &i18n.Message{ID: "ServiceDossierAbsent", Other: "Le dossier {{.Numero}} choisi pour la sauvegarde automatique n'existe pas dans la connexion « {{.Conn}} » : il n'a pas été sauvegardé. Retirez-le de la liste des dossiers ou vérifiez la connexion."}
)

// Err is the run's outcome as one error for the command line: nil when
// everything was backed up, checked and copied.
func (r Report) Err() error {
	failed, flagged := 0, 0
	var errs []error
	for _, b := range r.Backups {
		switch {
		case b.Err != nil:
			failed++
			errs = append(errs, b.Err)
		case b.FullCheck != nil && b.FullCheck.Err != nil:
			failed++
			errs = append(errs, b.FullCheck.Err)
		case len(b.Changes) > 0:
			flagged++
		}
	}
	if failed > 0 {
		return i18n.E(msgSomeFailed, map[string]any{"Count": failed}, errors.Join(errs...))
	}
	if r.Entry.Statut == journal.StatusFailed {
		return i18n.E(msgSomeFailed, map[string]any{"Count": 1}, nil)
	}
	if flagged > 0 {
		return i18n.E(msgSuspicious, map[string]any{"Count": flagged}, dossier.ErrCorrupt)
	}
	if r.Failed() {
		return i18n.E(msgRemoteBad, nil, r.RemoteErr)
	}
	return nil
}

// RunOnce runs what is due now (everything with opt.Force) and returns
// what it did, in three steps: plan (settings, state, what is due), act
// (the backups, their checks, the offsite copies) and commit (rotation,
// state, run log, alerts). Errors that stop the whole run (configuration,
// connexion) are returned, logged and e-mailed too.
func (e *Engine) RunOnce(ctx context.Context, opt Options) (Report, error) {
	rep := Report{started: time.Now()}
	unlock, err := e.lock(ctx)
	if err != nil {
		return rep, err
	}
	defer unlock()
	fsutil.SweepTemp(e.Dir)

	p, err := e.plan(ctx, opt)
	if p != nil && p.store != nil {
		defer p.store.Close()
	}
	switch {
	case err != nil && p == nil:
		return rep, err
	case err != nil:
		return e.abort(ctx, p, &rep, err)
	case p.disabled:
		rep.Disabled = true
		return rep, nil
	case len(p.decisions) == 0 && len(p.missing) == 0 && len(p.unusable) == 0:
		e.idle(ctx, p, &rep)
		return rep, nil
	}
	rep.Ran = true
	rep.Entry = journal.Entry{Debut: p.now, Poste: e.Poste}
	if p.cfg.Email.Active {
		e.flushQueue(ctx, p.cfg, &rep)
	}
	e.act(ctx, p, &rep)
	e.offsite(ctx, p, &rep)
	e.commit(ctx, p, &rep)
	if err := e.Journal().Append(rep.Entry); err != nil {
		return rep, err
	}
	return rep, ctx.Err()
}

// abort logs and reports a run that could not start its backups.
func (e *Engine) abort(ctx context.Context, p *runPlan, rep *Report, cause error) (Report, error) {
	rep.Ran = true
	rep.Entry = journal.Entry{Debut: p.now, Fin: e.now(), Poste: e.Poste, Statut: journal.StatusFailed,
		Messages: []string{i18n.Describe(cause)}}
	if p.cfg.Email.Active {
		r := notify.Report{Kind: notify.BackupFailed, Poste: e.Poste, Debut: p.now, Destination: p.cfg.Auto.DestinationDir(),
			Dossiers: []notify.Dossier{{Numero: "—", Erreur: i18n.Describe(cause)}}}
		e.send(ctx, p.cfg, rep, r)
	}
	e.Journal().Append(rep.Entry)
	return *rep, cause
}

// idle is a run with nothing due: the waiting alerts are retried and the
// weekly digest sent when its day has come.
func (e *Engine) idle(ctx context.Context, p *runPlan, rep *Report) {
	if !p.cfg.Email.Active {
		return
	}
	e.flushQueue(ctx, p.cfg, rep)
	e.digest(ctx, p, rep)
	if err := p.st.Save(e.Dir); err != nil {
		rep.Entry.Note(i18n.NoteOf(err))
	}
}

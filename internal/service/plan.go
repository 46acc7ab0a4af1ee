package service

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"coffre/internal/config"
	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/schedule"
	"coffre/internal/store"
)

// runPlan is what a run works from: the settings, the remembered state and
// what is due now. The run's later steps only read and update it.
type runPlan struct {
	cfg      config.Config
	st       schedule.State
	reg      *register
	store    store.Store
	infos    map[string]dossier.Info
	now      time.Time
	disabled bool
	// decisions are the dossiers to back up now; missing the chosen ones
	// the connexion does not have.
	decisions []schedule.Decision
	missing   []string
	// unusable are the files that look like dossiers but cannot be backed
	// up (« non reconnu », two files of one number): reported as failed
	// dossiers of every run that backs up, never silently left out.
	unusable []dossier.Info

	slot time.Time // the daily slot this run handles (zero: none)
	dest string    // absolute folder of the local backups

	// passphrase or recipient encrypt the backups (chiffrement); encErr,
	// a passphrase that is not stored, fails each dossier in the report
	// rather than backing it up in clear.
	passphrase, recipient string
	encErr                error
}

// plan reads the settings and the state and decides what is due. It
// returns a nil plan with an error that stops the run before anything can
// be reported (configuration), a plan with an error for one that can be
// mailed (connexion).
func (e *Engine) plan(ctx context.Context, opt Options) (*runPlan, error) {
	cfg, err := config.Require(e.ConfigPath)
	if err != nil {
		return nil, err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	sched, err := schedule.FromConfig(cfg.Auto)
	if err != nil {
		return nil, err
	}
	st, err := schedule.LoadState(e.Dir)
	if err != nil {
		return nil, err
	}
	reg, err := loadRegister(e.Dir)
	if err != nil {
		return nil, err
	}
	p := &runPlan{cfg: cfg, st: st, reg: reg, now: e.now()}
	if !cfg.Auto.Active && !opt.Force {
		p.disabled = true
		return p, nil
	}
	p.passphrase, p.recipient, p.encErr = cfg.Auto.Encryption(e.Secrets)
	p.dest = cfg.Auto.DestinationDir()
	if cfg.Auto.Destination == "" {
		os.MkdirAll(p.dest, 0o755)
	}
	if abs, err := filepath.Abs(p.dest); err == nil {
		p.dest = abs
	}

	s, err := connexion.Open(cfg.Auto.Connexion)
	if err != nil {
		return p, err
	}
	p.store = s
	list, err := s.List(ctx)
	if err != nil {
		return p, err
	}
	chosen, err := p.choose(list)
	if err != nil {
		return p, err
	}
	if len(chosen) == 0 && len(p.missing) == 0 && len(p.unusable) == 0 {
		return p, i18n.E(msgNoDossier, map[string]any{"Conn": s.Describe().Location}, dossier.ErrNotFound)
	}
	counter := schedule.CountEntries(s)
	if !opt.Force {
		p.decisions, p.slot = schedule.Due(ctx, sched, st, p.now, chosen, counter)
		if len(p.decisions) == 0 && p.slot.IsZero() {
			// A missing dossier is reported when a run is due, not at every
			// look at the clock.
			p.missing, p.unusable = nil, nil
		}
		return p, nil
	}
	for _, n := range chosen {
		d := schedule.Decision{Numero: n, Reason: schedule.ReasonForced, MaxEntryID: -1}
		if _, max, ok, err := counter(ctx, n, 0); err == nil && ok {
			d.MaxEntryID = max
		}
		p.decisions = append(p.decisions, d)
	}
	return p, nil
}

// choose sorts the connexion's listing: the dossiers to consider (all, or
// those the configuration names), the named ones it does not have
// (missing) and the files that cannot be backed up (unusable).
func (p *runPlan) choose(list []dossier.Info) (chosen []string, err error) {
	p.infos = map[string]dossier.Info{}
	for _, d := range list {
		if !d.Usable() {
			p.unusable = append(p.unusable, d)
			continue
		}
		p.infos[d.Numero] = d
		chosen = append(chosen, d.Numero)
	}
	if len(p.cfg.Auto.Dossiers) == 0 {
		return chosen, nil
	}
	nums, err := dossier.ParseNumeros(strings.Join(p.cfg.Auto.Dossiers, ","))
	if err != nil {
		return nil, err
	}
	chosen = nil
	var named []dossier.Info
	for _, n := range nums {
		if _, ok := p.infos[n]; ok {
			chosen = append(chosen, n)
		} else if i := slices.IndexFunc(p.unusable, func(d dossier.Info) bool { return d.Numero == n }); i >= 0 {
			named = append(named, p.unusable[i])
		} else {
			p.missing = append(p.missing, n)
		}
	}
	p.unusable = named
	return chosen, nil
}

var (
	msgUnrecognised = &i18n.Message{ID: "ServiceNonReconnu", Other: "« {{.File}} » ressemble à un dossier mais n'est pas reconnu, il n'est pas sauvegardé : {{.Reason}}"}
	msgConflict     = &i18n.Message{ID: "ServiceNumeroConflit", Other: "« {{.File}} » porte le numéro {{.Numero}} comme {{.Others}} : aucun des deux n'est sauvegardé tant que l'un n'est pas renommé ou renuméroté."}
)

// unusableBackup is the failed backup that reports a listed file that
// cannot be backed up, and why.
func unusableBackup(d dossier.Info) Backup {
	b := Backup{Info: d}
	if len(d.Conflict) > 0 {
		b.Err = i18n.E(msgConflict, map[string]any{"Numero": d.Numero, "File": d.Fichier, "Others": strings.Join(d.Conflict, ", ")}, dossier.ErrExists)
	} else {
		b.Err = i18n.E(msgUnrecognised, map[string]any{"File": d.Fichier, "Reason": d.Error}, dossier.ErrNotFound)
	}
	if b.Info.Numero == "" {
		b.Info.Numero = "—"
	}
	return b
}

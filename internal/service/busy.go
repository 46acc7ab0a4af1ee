package service

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"time"

	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/notify"
)

// StuckAfter is how long a run may hold the service before the next one,
// refused « déjà en cours », says by mail that it seems stuck (a share that
// stopped answering, a program that keeps a dossier locked…).
const StuckAfter = 2 * time.Hour

// running is what the run holding the service wrote about itself.
type running struct {
	Debut time.Time `json:"debut"`
	PID   int       `json:"pid"`
	Poste string    `json:"poste"`
	// Signale is set once the run was reported stuck (one mail per run).
	Signale bool `json:"signale,omitempty"`
}

const runningFile = "en-cours.json"

var (
	msgBusySince = &i18n.Message{ID: "ServiceOccupeDepuis", Other: "Une sauvegarde automatique est déjà en cours sur ce poste depuis le {{.Since}} (processus {{.PID}})."}
	msgStuck     = &i18n.Message{ID: "ServiceBloque", Other: "La sauvegarde automatique commencée le {{.Since}} (processus {{.PID}}) n'est toujours pas terminée : les sauvegardes suivantes ne peuvent pas se faire."}
)

// lock takes the service for a run, recording who holds it; when another
// run holds it, the error says since when, and a run held longer than
// StuckAfter is mailed once.
func (e *Engine) lock(ctx context.Context) (unlock func(), err error) {
	if err := os.MkdirAll(e.Dir, 0o700); err != nil {
		return nil, err
	}
	path := filepath.Join(e.Dir, runningFile)
	release, err := fsutil.Lock(filepath.Join(e.Dir, ".service.lock"), 0)
	if err != nil {
		return nil, e.busy(ctx, path)
	}
	b, _ := json.Marshal(running{Debut: e.now(), PID: os.Getpid(), Poste: e.Poste})
	os.WriteFile(path, b, 0o600)
	return func() {
		os.Remove(path)
		release()
	}, nil
}

func (e *Engine) busy(ctx context.Context, path string) error {
	var r running
	b, err := os.ReadFile(path)
	if err != nil || json.Unmarshal(b, &r) != nil || r.Debut.IsZero() {
		return i18n.E(msgBusy, nil, dossier.ErrInUse)
	}
	data := map[string]any{"Since": i18n.DateTime(r.Debut), "PID": r.PID}
	if !r.Signale && e.now().Sub(r.Debut) > StuckAfter {
		if cfg, err := config.Require(e.ConfigPath); err == nil && cfg.Email.Active {
			var rep Report
			e.send(ctx, cfg, &rep, notify.Report{Kind: notify.BackupStuck, Poste: e.Poste, Debut: r.Debut,
				Dossiers: []notify.Dossier{{Numero: "—", Erreur: i18n.T(msgStuck, data)}}})
			r.Signale = true
			if b, err := json.Marshal(r); err == nil {
				os.WriteFile(path, b, 0o600)
			}
		}
	}
	return i18n.E(msgBusySince, data, dossier.ErrInUse)
}

package schedule

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"coffre/internal/config"
	"coffre/internal/fsutil"
	"coffre/internal/ledger"
	"coffre/internal/store"
)

// Plan is when backups are due.
type Plan struct {
	Daily        bool
	Hour, Minute int
	// Days of the daily run; empty means every day.
	Days          []time.Weekday
	EveryNDays    int
	AfterNEntries int
}

// FromConfig reads the plan of the automatic backup section.
func FromConfig(a config.Auto) (Plan, error) {
	h, m, ok, err := a.TimeOfDay()
	if err != nil {
		return Plan{}, err
	}
	days, err := a.Weekdays()
	if err != nil {
		return Plan{}, err
	}
	return Plan{Daily: ok, Hour: h, Minute: m, Days: days, EveryNDays: a.TousLesNJours, AfterNEntries: a.ApresNEcritures}, nil
}

func (p Plan) onDay(d time.Weekday) bool { return len(p.Days) == 0 || slices.Contains(p.Days, d) }

// LastSlot is the latest daily run time at or before now, zero without a
// daily run. Times are in now's location (the workstation's local time).
func (p Plan) LastSlot(now time.Time) time.Time {
	if !p.Daily {
		return time.Time{}
	}
	for i := 0; i <= 7; i++ {
		d := now.AddDate(0, 0, -i)
		t := time.Date(d.Year(), d.Month(), d.Day(), p.Hour, p.Minute, 0, 0, now.Location())
		if !t.After(now) && p.onDay(t.Weekday()) {
			return t
		}
	}
	return time.Time{}
}

// NextSlot is the first daily run time after now, zero without one.
func (p Plan) NextSlot(now time.Time) time.Time {
	if !p.Daily {
		return time.Time{}
	}
	for i := 0; i <= 7; i++ {
		d := now.AddDate(0, 0, i)
		t := time.Date(d.Year(), d.Month(), d.Day(), p.Hour, p.Minute, 0, 0, now.Location())
		if t.After(now) && p.onDay(t.Weekday()) {
			return t
		}
	}
	return time.Time{}
}

// Reason says why a dossier is backed up.
type Reason string

// The reasons, as written in the run log.
const (
	ReasonForced   Reason = "maintenant"   // --maintenant, « Sauvegarder maintenant »
	ReasonDaily    Reason = "heure"        // the daily time
	ReasonMissed   Reason = "rattrapage"   // a daily run missed while the computer was off
	ReasonEveryN   Reason = "jours"        // « tous les N jours »
	ReasonEntries  Reason = "ecritures"    // « après N nouvelles écritures »
	ReasonNeverRun Reason = "premiere"     // no backup recorded yet for a periodic trigger
	ReasonRetry    Reason = "nouvel_essai" // a dossier that failed earlier, tried again
)

// missedAfter is how late a daily run may start and still be « à l'heure ».
const missedAfter = 15 * time.Minute

// DossierState is what the service remembers of one dossier.
type DossierState struct {
	LastBackup time.Time `json:"derniere_sauvegarde"`
	// MaxEntryID is the highest entry id seen just before the last backup:
	// entries above it are new. Ids only grow, so archiving (which deletes
	// old entries) does not hide new ones.
	MaxEntryID int64 `json:"ecriture_max"`
	// Failures counts the failed attempts since the last trigger; RetryAt
	// is when the next one is due (zero: none).
	Failures int       `json:"echecs,omitempty"`
	RetryAt  time.Time `json:"nouvel_essai,omitzero"`
	// LastFullCheck is when the newest backup last passed the complete
	// verification.
	LastFullCheck time.Time `json:"controle_complet,omitzero"`
}

// RetryDelays are the waits before each new attempt at a dossier whose
// backup failed (a file locked for a while, a disk unplugged, the network
// down): bounded, so that a lasting fault is tried three more times, not all
// day. The next trigger starts over.
var RetryDelays = []time.Duration{15 * time.Minute, time.Hour, 4 * time.Hour}

// Failed records a failed attempt at now and schedules the next one, if any
// is left.
func (d *DossierState) Failed(now time.Time) {
	d.Failures++
	d.RetryAt = time.Time{}
	if d.Failures <= len(RetryDelays) {
		d.RetryAt = now.Add(RetryDelays[d.Failures-1])
	}
}

// Succeeded forgets the failures.
func (d *DossierState) Succeeded() { d.Failures, d.RetryAt = 0, time.Time{} }

// retryDue reports whether a new attempt is due at now. A retry time
// further ahead than any delay means the clock went back: it is due.
func (d DossierState) retryDue(now time.Time) bool {
	if d.RetryAt.IsZero() {
		return false
	}
	return !now.Before(d.RetryAt) || d.RetryAt.Sub(now) > RetryDelays[len(RetryDelays)-1]
}

// State is what the service remembers between runs, in the data folder.
type State struct {
	// SlotDone is the last daily slot already handled.
	SlotDone time.Time               `json:"creneau_traite"`
	LastRun  time.Time               `json:"derniere_execution"`
	Dossiers map[string]DossierState `json:"dossiers"`
	// LastDigest is when the weekly digest was last sent.
	LastDigest time.Time `json:"dernier_resume,omitzero"`
}

// StateFile is the state's file name in the service folder.
const StateFile = "etat.json"

// LoadState reads the state in dir; a missing file is an empty state.
func LoadState(dir string) (State, error) {
	st := State{Dossiers: map[string]DossierState{}}
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if errors.Is(err, fs.ErrNotExist) {
		return st, nil
	}
	if err != nil {
		return st, err
	}
	if err := json.Unmarshal(b, &st); err != nil {
		return State{Dossiers: map[string]DossierState{}}, err
	}
	if st.Dossiers == nil {
		st.Dossiers = map[string]DossierState{}
	}
	return st, nil
}

// Save writes the state atomically.
func (st State) Save(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := fsutil.CreateTemp(filepath.Join(dir, StateFile))
	if err != nil {
		return err
	}
	defer tmp.Abort()
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		return err
	}
	return tmp.Commit(true)
}

// Decision is one dossier to back up now.
type Decision struct {
	Numero     string
	Reason     Reason
	NewEntries int64 // with ReasonEntries
	MaxEntryID int64 // the baseline to remember once backed up (-1: unknown)
}

// Counter counts the entries of dossier numero with an id above since, and
// returns the highest id; ok is false for a dossier that has no entries
// table (not a management-software dossier).
type Counter func(ctx context.Context, numero string, since int64) (count, maxID int64, ok bool, err error)

// Due decides which of numeros are due at now. slot is the daily slot it
// handles (to record in State.SlotDone once run), zero if none. A counting
// error leaves that dossier to its other triggers.
//
// Times remembered later than now mean the clock went back (a flat
// battery, a wrong time server): they are treated as if they had not
// happened, so that the backups go on rather than wait for the clock to
// catch up.
func Due(ctx context.Context, p Plan, st State, now time.Time, numeros []string, count Counter) (out []Decision, slot time.Time) {
	var daily Reason
	done := st.SlotDone
	if done.After(now) {
		done = time.Time{}
	}
	if s := p.LastSlot(now); !s.IsZero() && s.After(done) {
		slot, daily = s, ReasonDaily
		if now.Sub(s) > missedAfter {
			daily = ReasonMissed
		}
	}
	for _, n := range numeros {
		d := Decision{Numero: n, MaxEntryID: -1}
		ds := st.Dossiers[n]
		if ds.LastBackup.After(now) {
			ds.LastBackup = time.Time{}
		}
		if p.AfterNEntries > 0 && count != nil {
			if c, max, ok, err := count(ctx, n, ds.MaxEntryID); err == nil && ok {
				d.MaxEntryID = max
				if c >= int64(p.AfterNEntries) {
					d.Reason, d.NewEntries = ReasonEntries, c
				}
			}
		}
		switch {
		case daily != "":
			d.Reason = daily
		case d.Reason != "":
		case ds.retryDue(now):
			d.Reason = ReasonRetry
		case p.EveryNDays > 0 && ds.LastBackup.IsZero():
			d.Reason = ReasonNeverRun
		case p.EveryNDays > 0 && !now.Before(ds.LastBackup.AddDate(0, 0, p.EveryNDays)):
			d.Reason = ReasonEveryN
		}
		if d.Reason != "" {
			out = append(out, d)
		}
	}
	return out, slot
}

// Next is when the service should look again: the next daily slot, or
// sooner when a trigger needs polling (entries, days).
func Next(p Plan, now time.Time, poll time.Duration) time.Time {
	next := p.NextSlot(now)
	if p.AfterNEntries > 0 || p.EveryNDays > 0 || next.IsZero() {
		if t := now.Add(poll); next.IsZero() || t.Before(next) {
			next = t
		}
	}
	return next
}

// CountEntries is the Counter of a connexion: it reads a snapshot, so it
// counts what is committed even while the management software writes.
func CountEntries(s store.Store) Counter {
	return func(ctx context.Context, numero string, since int64) (int64, int64, bool, error) {
		snap, err := s.Snapshot(ctx, numero, store.SnapshotOptions{})
		if err != nil {
			return 0, 0, false, err
		}
		defer snap.Close()
		if !ledger.IsV1(snap.Tables()) {
			return 0, 0, false, nil
		}
		var count int64
		var max sql.NullInt64
		q := snap.Querier()
		if err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM ecritures WHERE id > ?", since).Scan(&count); err != nil {
			return 0, 0, false, err
		}
		if err := q.QueryRowContext(ctx, "SELECT MAX(id) FROM ecritures").Scan(&max); err != nil {
			return 0, 0, false, err
		}
		return count, max.Int64, true, nil
	}
}

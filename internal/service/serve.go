package service

import (
	"context"
	"crypto/sha256"
	"os"
	"path/filepath"
	"time"

	"coffre/internal/config"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/schedule"
)

// Poll is how often the service looks at the triggers that are not a time
// of day (« tous les N jours », « après N nouvelles écritures »).
const Poll = 5 * time.Minute

// Tick is how often the foreground service looks at the wall clock and at
// the settings file. One long timer would not do: it counts the time the
// computer is awake, not the time of day, and wakes hours late after a
// suspend.
const Tick = time.Minute

// MaxMailWait is the longest wait between two attempts at the alerts that
// could not be sent (the wait doubles from one minute up to it).
const MaxMailWait = time.Hour

// Serve runs the service until ctx ends: a run at start (which catches up a
// run missed while the computer was off), then at each due time, looking
// at the clock every Tick; a value on now forces a run (« Sauvegarder
// maintenant »). A change to the settings file applies at once. done, if
// not nil, receives each run's report and each new error.
func (e *Engine) Serve(ctx context.Context, now <-chan struct{}, done func(Report, error)) error {
	t := time.NewTicker(Tick)
	defer t.Stop()
	return e.serve(ctx, t.C, now, done)
}

func (e *Engine) serve(ctx context.Context, ticks <-chan time.Time, now <-chan struct{}, done func(Report, error)) error {
	var l loop
	e.step(ctx, &l, false, done)
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-now:
			e.step(ctx, &l, true, done)
		case <-ticks:
			e.step(ctx, &l, false, done)
		}
	}
}

// loop is what the foreground service remembers between two looks at the
// clock.
type loop struct {
	stamp   [32]byte // the settings file as last read (hash; zero: never read)
	read    bool
	plan    schedule.Plan
	cfg     config.Config
	next    time.Time     // when a run is due to look again (zero: now)
	mailAt  time.Time     // when to try the waiting alerts again
	mailGap time.Duration // the current wait between two attempts
	lastErr string        // the last error reported, not repeated every minute
}

// reload re-reads the settings when the file changed, and says so.
func (l *loop) reload(path string) bool {
	b, err := os.ReadFile(path)
	sum := sha256.Sum256(b)
	if err != nil {
		sum = [32]byte{}
	}
	if l.read && sum == l.stamp {
		return false
	}
	l.read, l.stamp = true, sum
	if cfg, err := config.Load(path); err == nil {
		if plan, err := schedule.FromConfig(cfg.Auto); err == nil {
			l.cfg, l.plan = cfg, plan
		}
	}
	return true
}

// step is one look at the clock: a run when one is due (or forced, or the
// settings changed), otherwise another attempt at the waiting alerts when
// their back-off has passed.
func (e *Engine) step(ctx context.Context, l *loop, force bool, done func(Report, error)) {
	now := e.now()
	changed := l.reload(e.ConfigPath)
	if force || changed || !now.Before(l.next) {
		rep, err := e.RunOnce(ctx, Options{Force: force})
		msg := i18n.Describe(err)
		// The next look is decided from the clock at the end of the run,
		// before the report goes out (whoever reads it may act on the
		// clock at once: a test moving it, a user's next click).
		report := done != nil && (rep.Ran || (err != nil && msg != l.lastErr))
		l.lastErr = msg
		l.next = e.nextLook(l.plan, e.now())
		l.mailAt, l.mailGap = time.Time{}, 0
		if e.queue().Len() > 0 {
			l.backOff(e.now())
		}
		if report {
			done(rep, err)
		}
		return
	}
	if l.mailAt.IsZero() || now.Before(l.mailAt) || !l.cfg.Email.Active || e.queue().Len() == 0 {
		return
	}
	if e.retryMail(ctx, l.cfg) == 0 {
		l.mailAt, l.mailGap = time.Time{}, 0
		return
	}
	l.backOff(now)
}

// backOff schedules the next attempt at the alerts, waiting twice as long
// as last time.
func (l *loop) backOff(now time.Time) {
	l.mailGap = min(max(2*l.mailGap, Tick), MaxMailWait)
	l.mailAt = now.Add(l.mailGap)
}

// nextLook is when a run should look again: the next daily slot, the next
// poll of the other triggers, or a dossier's retry, whichever comes first.
func (e *Engine) nextLook(p schedule.Plan, now time.Time) time.Time {
	next := schedule.Next(p, now, Poll)
	if st, err := schedule.LoadState(e.Dir); err == nil {
		for _, d := range st.Dossiers {
			if !d.RetryAt.IsZero() && d.RetryAt.Before(next) {
				next = d.RetryAt
			}
		}
	}
	return next
}

// retryMail sends the waiting alerts, unless a run holds the service (it
// sends them itself), and returns how many still wait.
func (e *Engine) retryMail(ctx context.Context, cfg config.Config) int {
	unlock, err := fsutil.Lock(filepath.Join(e.Dir, ".service.lock"), 0)
	if err != nil {
		return e.queue().Len()
	}
	defer unlock()
	var rep Report
	e.flushQueue(ctx, cfg, &rep)
	return e.queue().Len()
}

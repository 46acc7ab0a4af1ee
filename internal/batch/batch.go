package batch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"coffre/internal/crash"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

// Status is what happened to one item.
type Status string

// The statuses of an item, as they appear in --json output.
const (
	Done    Status = "fait"
	Refused Status = "refuse"
	Failed  Status = "echec"
	Skipped Status = "rien_a_faire"
)

// ErrNothingToDo, wrapped by an operation's error, means the item needed no
// work: its outcome is Skipped, not Failed.
var ErrNothingToDo = errors.New("batch: nothing to do")

// ErrPartial is wrapped by Result.Err when some items were done and others
// refused or failed: the command line exits with its « partial » code.
var ErrPartial = errors.New("batch: partial failure")

// refusals are the sentinels whose errors are decisions, taken before
// anything was changed, that a person can act on.
var refusals = []error{
	dossier.ErrInUse, dossier.ErrNotFound, dossier.ErrExists, dossier.ErrSchema,
	dossier.ErrBadNumero, dossier.ErrSequence, dossier.ErrNotRestorable, dossier.ErrNewerFormat,
	dossier.ErrWrongPassphrase, dossier.ErrNeedPassphrase,
}

// Classify says which status an operation's error gives its item; a
// cancellation is not classified (Run stops on it).
func Classify(err error) Status {
	switch {
	case err == nil:
		return Done
	case errors.Is(err, ErrNothingToDo):
		return Skipped
	}
	for _, r := range refusals {
		if errors.Is(err, r) {
			return Refused
		}
	}
	return Failed
}

// Item is one thing the operation runs on.
type Item struct {
	// Key identifies the item for the operation: a dossier's numero, a
	// file's path.
	Key string `json:"cle"`
	// Label names it for people: « 001 SOC », « 001-SOC_20261121_2130.pbf ».
	Label string `json:"libelle"`
}

// Outcome is what happened to one item.
type Outcome[R any] struct {
	Item   Item
	Status Status
	// Result holds the operation's facts. Set when Done; an operation may
	// also return facts with an error (a safety backup already taken).
	Result R
	// Err is the reason (Refused), the cause (Failed) or the fact (Skipped).
	Err      error
	Duration time.Duration
}

// MarshalJSON gives the outcome with its error as code and sentence (the
// result only when the item was done).
func (o Outcome[R]) MarshalJSON() ([]byte, error) {
	v := struct {
		Item     Item        `json:"element"`
		Status   Status      `json:"statut"`
		Result   *R          `json:"resultat,omitempty"`
		Error    *i18n.Fault `json:"erreur,omitempty"`
		Duration int64       `json:"duree_ms"`
	}{Item: o.Item, Status: o.Status, Error: i18n.FaultOf(o.Err), Duration: o.Duration.Milliseconds()}
	if o.Status == Done {
		v.Result = &o.Result
	}
	return json.Marshal(v)
}

// Result is the whole run.
type Result[R any] struct {
	Outcomes []Outcome[R] `json:"elements"`
	// Total is the number of items asked for; fewer outcomes when Canceled.
	Total int `json:"total"`
	// Canceled: the context ended; the last item's work was undone and the
	// following ones did not start.
	Canceled bool `json:"annule"`
	// Cause is the cancellation's error (context.Canceled).
	Cause error `json:"-"`
}

// Count is the number of outcomes with status s.
func (r Result[R]) Count(s Status) int {
	n := 0
	for _, o := range r.Outcomes {
		if o.Status == s {
			n++
		}
	}
	return n
}

// Done lists the results of the items done.
func (r Result[R]) Done() []R {
	var out []R
	for _, o := range r.Outcomes {
		if o.Status == Done {
			out = append(out, o.Result)
		}
	}
	return out
}

var msgSomeFailed = &i18n.Message{ID: "LotNonTraites",
	One:   "{{.Count}} sur {{.Total}} n'a pas pu être traité ; {{.First}}",
	Other: "{{.Count}} sur {{.Total}} n'ont pas pu être traités ; le premier : {{.First}}"}
var msgFirst = &i18n.Message{ID: "LotPremierEchec", Other: "{{.Label}} : {{.Error}}"}

// Err is the run as one error, for a caller that needs one (the command
// line's exit code and last line): nil when nothing was refused or failed;
// the cancellation; the item's own error when there was one item;
// otherwise a summary naming the first problem, which wraps ErrPartial when
// some items were done.
func (r Result[R]) Err() error {
	if r.Canceled {
		return r.Cause
	}
	var bad []Outcome[R]
	for _, o := range r.Outcomes {
		if o.Status == Refused || o.Status == Failed {
			bad = append(bad, o)
		}
	}
	switch {
	case len(bad) == 0:
		return nil
	case r.Total == 1:
		return bad[0].Err
	}
	first := i18n.NewNote(msgFirst, map[string]any{"Label": bad[0].Item.Label, "Error": i18n.Described(bad[0].Err)})
	cause := bad[0].Err
	if r.Count(Done)+r.Count(Skipped) > 0 {
		cause = fmt.Errorf("%w: %w", ErrPartial, cause)
	}
	return i18n.E(msgSomeFailed, map[string]any{"Count": len(bad), "Total": r.Total, "First": first}, cause)
}

// Step is one progress event of a run: the engine's event for the item
// index (from 0) of total.
type Step struct {
	Index, Total int
	Item         Item
	Event        dossier.Event
}

// Fraction is the whole run's progress, from 0 to 1: the items done plus
// the current one's share.
func (s Step) Fraction() float64 {
	if s.Total <= 0 {
		return 0
	}
	f := 0.0
	if s.Event.Total > 0 {
		f = min(1, float64(s.Event.Done)/float64(s.Event.Total))
	}
	return (float64(s.Index) + f) / float64(s.Total)
}

// Options are the runner's hooks, all called on the working goroutine and
// all optional.
type Options[R any] struct {
	// Started is told that an item starts, before its first event.
	Started func(index, total int, it Item)
	// Progress receives every engine event of the operation.
	Progress func(Step)
	// Finished is told each outcome as soon as it is known (the command
	// line prints it, the log writes it).
	Finished func(index, total int, o Outcome[R])
	// Now is the clock (tests); nil is time.Now.
	Now func() time.Time
}

// Do runs the operation on one item; p forwards its engine events to
// Options.Progress.
type Do[R any] func(ctx context.Context, it Item, p dossier.Progress) (R, error)

// Run runs do for each item in turn. See the package comment for what it
// guarantees.
func Run[R any](ctx context.Context, items []Item, do Do[R], opt Options[R]) Result[R] {
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	res := Result[R]{Total: len(items)}
	for i, it := range items {
		if err := ctx.Err(); err != nil {
			res.Canceled, res.Cause = true, err
			return res
		}
		if opt.Started != nil {
			opt.Started(i, len(items), it)
		}
		var p dossier.Progress
		if opt.Progress != nil {
			p = func(e dossier.Event) { opt.Progress(Step{Index: i, Total: len(items), Item: it, Event: e}) }
		}
		start := now()
		r, err := guard(ctx, it, p, do)
		o := Outcome[R]{Item: it, Result: r, Err: err, Duration: now().Sub(start)}
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || (err != nil && ctx.Err() != nil) {
			res.Canceled, res.Cause = true, err
			return res
		}
		o.Status = Classify(err)
		res.Outcomes = append(res.Outcomes, o)
		if opt.Finished != nil {
			opt.Finished(i, len(items), o)
		}
	}
	return res
}

// guard runs do, turning a panic into an internal error with its report.
func guard[R any](ctx context.Context, it Item, p dossier.Progress, do Do[R]) (r R, err error) {
	defer crash.Recover(&err)
	return do(ctx, it, p)
}

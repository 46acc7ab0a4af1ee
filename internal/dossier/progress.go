package dossier

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"
)

// Phase names a step of an operation, shown to the user.
type Phase string

// The phases operations report. Their French labels live with the screens
// and the command line.
const (
	PhaseLecture      Phase = "lecture"      // reading a consistent snapshot
	PhaseCompression  Phase = "compression"  // packing and compressing
	PhaseVerification Phase = "verification" // re-reading and checking
	PhaseControle     Phase = "controle"     // database integrity, counts and totals
	PhaseExtraction   Phase = "extraction"   // unpacking a file
	PhaseSecurite     Phase = "securite"     // safety backup before replacing
	PhaseBascule      Phase = "bascule"      // switching the staged copy in
)

// Event is one progress report: the phase, the dossier it concerns, and how
// many bytes of how many are done (Total is 0 when unknown).
type Event struct {
	Phase   Phase
	Dossier string
	Done    int64
	Total   int64
}

// Progress receives an operation's events. It is called from the operation's
// goroutine, never concurrently with itself; it must return quickly (the UI
// hands events to its own goroutine). A nil Progress ignores everything.
type Progress func(Event)

// Report sends e to p if p is set.
func (p Progress) Report(e Event) {
	if p != nil {
		p(e)
	}
}

// Throttle returns a Progress that forwards at most one event per interval,
// but always the first event of each phase and every event that completes
// its phase, so a bar never stays stuck short of the end.
func Throttle(p Progress, interval time.Duration) Progress {
	if p == nil {
		return nil
	}
	var (
		mu    sync.Mutex
		last  time.Time
		phase Phase
	)
	return func(e Event) {
		mu.Lock()
		now := time.Now()
		send := e.Phase != phase || (e.Total > 0 && e.Done >= e.Total) || now.Sub(last) >= interval
		if send {
			last, phase = now, e.Phase
		}
		mu.Unlock()
		if send {
			p(e)
		}
	}
}

// Copy copies exactly size bytes of r to w, reporting them as phase events
// for label and stopping when ctx is cancelled. A source shorter than size
// is ErrTruncated; bytes beyond size are not read.
func Copy(ctx context.Context, w io.Writer, r io.Reader, size int64, p Progress, phase Phase, label string) (int64, error) {
	buf := make([]byte, 1<<20)
	lr := io.LimitReader(r, size)
	var done int64
	for {
		if err := ctx.Err(); err != nil {
			return done, err
		}
		n, err := lr.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return done, werr
			}
			done += int64(n)
			p.Report(Event{Phase: phase, Dossier: label, Done: done, Total: size})
		}
		if errors.Is(err, io.EOF) {
			if done != size {
				return done, fmt.Errorf("%d bytes of %d: %w", done, size, ErrTruncated)
			}
			return done, nil
		}
		if err != nil {
			return done, err
		}
	}
}

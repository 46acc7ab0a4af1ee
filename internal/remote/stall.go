package remote

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultStall is how long an offsite operation may go without progress
// before it is abandoned (copie_distante.blocage_secondes).
const DefaultStall = 60 * time.Second

// activity records when a backend's connection last moved bytes. A stalled
// server keeps its TCP connection open but moves nothing: that, not the
// length of a transfer, is what the stall guard measures, so that a large
// copy on a slow line still finishes.
type activity struct {
	last atomic.Int64
	sent atomic.Int64 // bytes written to the connections (tests measure a resume with it)
}

func (a *activity) touch() { a.last.Store(time.Now().UnixNano()) }

func (a *activity) since(t time.Time) time.Time {
	if l := time.Unix(0, a.last.Load()); l.After(t) {
		return l
	}
	return t
}

// activityConn is a connection that records its progress.
type activityConn struct {
	net.Conn
	act *activity
}

func (c activityConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.act.touch()
	}
	return n, err
}

func (c activityConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	if n > 0 {
		c.act.touch()
		c.act.sent.Add(int64(n))
	}
	return n, err
}

// activityReporter is a backend whose connection reports its progress; the
// others (a mounted folder) are judged on each call alone.
type activityReporter interface{ activity() *activity }

// Guard returns b with every operation (create, each write and read, close,
// rename, list, remove) under a stall timeout: when a call has moved no
// byte for stall, it fails with CauseStalled, b is closed (which interrupts
// its transfers) and every later call fails the same way. The caller never
// waits on a stalled server for more than stall plus a moment.
func Guard(b Backend, stall time.Duration) Backend {
	if stall <= 0 {
		stall = DefaultStall
	}
	g := &guarded{b: b, stall: stall}
	if r, ok := b.(activityReporter); ok {
		g.act = r.activity()
	}
	return g
}

type guarded struct {
	b     Backend
	stall time.Duration
	act   *activity // nil: no transport progress, each call alone

	mu   sync.Mutex
	dead error // the stall that closed b
}

// call runs fn and waits for it while it makes progress.
func (g *guarded) call(op Op, name string, fn func() error) error {
	g.mu.Lock()
	dead := g.dead
	g.mu.Unlock()
	if dead != nil {
		return dead
	}
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- fn() }()
	t := time.NewTimer(g.stall)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			return err
		case now := <-t.C:
			last := start
			if g.act != nil {
				last = g.act.since(start)
			}
			if left := last.Add(g.stall).Sub(now); left > 0 {
				t.Reset(left)
				continue
			}
			err := stalled(op, g.b.Describe(), name, g.stall)
			g.mu.Lock()
			if g.dead == nil {
				g.dead = err
				// Close may itself block on a hung mount: never wait for it.
				go g.b.Close()
			}
			g.mu.Unlock()
			// A closed connection usually ends the call at once; a hung
			// mount may not, and its goroutine is left behind.
			select {
			case <-done:
			case <-time.After(2 * time.Second):
			}
			return err
		}
	}
}

func (g *guarded) Describe() string { return g.b.Describe() }

func (g *guarded) Create(name string) (io.WriteCloser, error) {
	var w io.WriteCloser
	err := g.call(OpCreate, name, func() (err error) { w, err = g.b.Create(name); return })
	if err != nil {
		return nil, err
	}
	return &guardedWriter{g: g, w: w, name: name}, nil
}

func (g *guarded) CreateSized(name string, size int64) (io.WriteCloser, error) {
	sc, ok := g.b.(sizedCreator)
	if !ok {
		return g.Create(name)
	}
	var w io.WriteCloser
	err := g.call(OpCreate, name, func() (err error) { w, err = sc.CreateSized(name, size); return })
	if err != nil {
		return nil, err
	}
	return &guardedWriter{g: g, w: w, name: name}, nil
}

func (g *guarded) resumeFrom(tmp string, size int64, src io.ReaderAt) (int64, error) {
	r, ok := g.b.(resumer)
	if !ok {
		return 0, nil
	}
	var off int64
	err := g.call(OpRead, tmp, func() (err error) { off, err = r.resumeFrom(tmp, size, src); return })
	return off, err
}

func (g *guarded) createFrom(tmp string, size, off int64) (io.WriteCloser, error) {
	r, ok := g.b.(resumer)
	if !ok {
		return g.CreateSized(tmp, size)
	}
	var w io.WriteCloser
	err := g.call(OpCreate, tmp, func() (err error) { w, err = r.createFrom(tmp, size, off); return })
	if err != nil {
		return nil, err
	}
	return &guardedWriter{g: g, w: w, name: tmp}, nil
}

func (g *guarded) discard(tmp string) error {
	r, ok := g.b.(resumer)
	if !ok {
		return nil
	}
	return g.call(OpRemove, tmp, func() error { return r.discard(tmp) })
}

func (g *guarded) sweepIncomplete(age time.Duration, now time.Time) {
	if s, ok := g.b.(incompleteSweeper); ok {
		g.call(OpRemove, "", func() error { s.sweepIncomplete(age, now); return nil })
	}
}

func (g *guarded) Open(name string) (io.ReadCloser, error) {
	var r io.ReadCloser
	err := g.call(OpRead, name, func() (err error) { r, err = g.b.Open(name); return })
	if err != nil {
		return nil, err
	}
	return &guardedReader{g: g, r: r, name: name}, nil
}

func (g *guarded) Rename(from, to string) error {
	return g.call(OpRename, to, func() error { return g.b.Rename(from, to) })
}

func (g *guarded) Remove(name string) error {
	return g.call(OpRemove, name, func() error { return g.b.Remove(name) })
}

func (g *guarded) List() ([]File, error) {
	var out []File
	err := g.call(OpList, "", func() (err error) { out, err = g.b.List(); return })
	if errors.Is(err, errStalled) {
		return nil, err // out may still be written by the abandoned call
	}
	return out, err
}

func (g *guarded) Close() error {
	g.mu.Lock()
	dead := g.dead
	g.mu.Unlock()
	if dead != nil {
		return nil // already closed by the guard
	}
	return g.b.Close()
}

// guardedWriter is deliberately only an io.Writer (no ReadFrom): io.Copy
// then hands it one buffer at a time, each call under the guard.
type guardedWriter struct {
	g    *guarded
	w    io.WriteCloser
	name string
}

func (w *guardedWriter) Write(p []byte) (int, error) {
	var n int
	err := w.g.call(OpWrite, w.name, func() (err error) { n, err = w.w.Write(p); return })
	if errors.Is(err, errStalled) {
		return 0, err
	}
	return n, err
}

func (w *guardedWriter) Close() error {
	return w.g.call(OpWrite, w.name, w.w.Close)
}

func (w *guardedWriter) abort(err error) {
	w.g.call(OpWrite, w.name, func() error { abort(w.w, err); return nil })
}

type guardedReader struct {
	g    *guarded
	r    io.ReadCloser
	name string
}

func (r *guardedReader) Read(p []byte) (int, error) {
	var n int
	err := r.g.call(OpRead, r.name, func() (err error) { n, err = r.r.Read(p); return })
	if errors.Is(err, errStalled) {
		return 0, err
	}
	return n, err
}

func (r *guardedReader) Close() error { return r.g.call(OpRead, r.name, r.r.Close) }

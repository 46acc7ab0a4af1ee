package service

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/schedule"
)

// steps drives the foreground service's loop by hand: one look at the
// clock per call, synchronously (no timer, no sleep).
type steps struct {
	w    *world
	l    loop
	runs []Report
}

func (s *steps) at(t *testing.T, when time.Time) (ran bool) {
	t.Helper()
	s.w.clock = when
	n := len(s.runs)
	s.w.eng.step(t.Context(), &s.l, false, func(r Report, err error) {
		if err != nil {
			t.Errorf("run at %s: %v", when, err)
		}
		s.runs = append(s.runs, r)
	})
	return len(s.runs) > n
}

// #11.8: a changed « heure » applies at once, not when the old time comes
// round: the loop re-reads the settings when the file changes.
func TestServeRereadsChangedSettings(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	w.save(t)
	s := &steps{w: w}
	day := func(h, m int) time.Time { return time.Date(2026, 3, 3, h, m, 0, 0, time.Local) }
	if !s.at(t, day(9, 0)) {
		t.Fatal("the run missed yesterday evening was not caught up at start")
	}
	if s.at(t, day(10, 0)) {
		t.Fatal("ran at 10:00 with the backup set for 21:30")
	}
	w.cfg.Auto.Heure = "10:05"
	w.save(t)
	s.at(t, day(10, 1)) // the file changed: re-read, nothing due yet
	if !s.at(t, day(10, 6)) {
		t.Fatal("the new time 10:05 was ignored")
	}
	if r := s.runs[len(s.runs)-1]; r.Backups[0].Reason != schedule.ReasonDaily {
		t.Errorf("reason %s, want the daily time", r.Backups[0].Reason)
	}
	for m := 7; m < 60; m++ {
		if s.at(t, day(10, m)) {
			t.Fatalf("ran again at 10:%02d", m)
		}
	}
}

// #11.8: after a suspend the wall clock is what counts: the first look at
// the clock after waking runs what came due meanwhile.
func TestServeCatchesUpAfterSleep(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	w.save(t)
	s := &steps{w: w}
	s.at(t, time.Date(2026, 3, 3, 8, 0, 0, 0, time.Local)) // catches up Monday
	if s.at(t, time.Date(2026, 3, 3, 21, 0, 0, 0, time.Local)) {
		t.Fatal("ran before its time")
	}
	// The computer slept from 21:01 to 23:40: no tick in between.
	if !s.at(t, time.Date(2026, 3, 3, 23, 40, 0, 0, time.Local)) {
		t.Fatal("the 21:30 backup was not run at the first look after waking")
	}
	if r := s.runs[len(s.runs)-1]; r.Backups[0].Reason != schedule.ReasonMissed {
		t.Errorf("reason %s", r.Backups[0].Reason)
	}
}

// #11.8: a dossier whose backup failed is tried again the same evening —
// 15 min, 1 h and 4 h later — and then not until its next time.
func TestFailedDossierRetriedBoundedTimes(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"001", "002"}
	w.save(t)
	start := time.Date(2026, 3, 2, 21, 30, 0, 0, time.Local)
	w.clock = start.Add(-time.Hour)
	run(t, w, true) // a first backup of both, an hour before
	// Another Coffre operation holds 002 all night (a restore, an archive
	// of a big dossier…).
	conn, err := connexion.Open(w.conn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	unlock, err := conn.Lock(t.Context(), "002")
	if err != nil {
		t.Fatal(err)
	}
	var tried []time.Duration
	for at := start; at.Before(start.Add(24 * time.Hour)); at = at.Add(5 * time.Minute) {
		w.clock = at
		rep := run(t, w, false)
		for _, b := range rep.Backups {
			if b.Info.Numero == "002" {
				tried = append(tried, at.Sub(start))
			} else if at != start {
				t.Errorf("001, backed up fine, was redone at %s", at.Format("15:04"))
			}
		}
	}
	want := []time.Duration{0, 15 * time.Minute, 75 * time.Minute, 315 * time.Minute}
	if len(tried) != len(want) {
		t.Fatalf("002 tried at %v, want %v", tried, want)
	}
	for i := range want {
		if tried[i] != want[i] {
			t.Fatalf("002 tried at %v, want %v", tried, want)
		}
	}
	// Released: the next evening succeeds, and the retries stop.
	unlock()
	w.clock = start.Add(24 * time.Hour)
	if rep := run(t, w, false); rep.Err() != nil || len(rep.Backups) != 2 {
		t.Fatalf("next evening: %v", rep.Entry.Lines())
	}
	w.clock = w.clock.Add(15 * time.Minute)
	if rep := run(t, w, false); rep.Ran {
		t.Errorf("retried after a success: %v", rep.Entry.Lines())
	}
}

// forward listens on port and relays each connection to target, as an SMTP
// server coming back.
func forward(t *testing.T, port int, target string) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				s, err := net.Dial("tcp", target)
				if err != nil {
					return
				}
				defer s.Close()
				go io.Copy(s, c)
				io.Copy(c, s)
			}()
		}
	}()
}

// #11.8: alerts that could not be sent are retried by the loop with a
// back-off (1 min, then 2, 4… up to an hour), not at the next run only.
func TestServeRetriesMailWithBackOff(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	w.withSMTP(t)
	real := net.JoinHostPort(w.cfg.Email.Hote, strconv.Itoa(w.cfg.Email.Port))
	w.cfg.Email.Port = closedPort(t)
	w.save(t)
	s := &steps{w: w}
	t0 := time.Date(2026, 3, 2, 21, 30, 0, 0, time.Local)
	if !s.at(t, t0) || s.runs[0].Queued != 1 {
		t.Fatalf("the run with SMTP down: %+v", s.runs)
	}
	s.at(t, t0.Add(time.Minute)) // first retry: still down; next in 2 min
	if n := w.eng.queue().Len(); n != 1 {
		t.Fatalf("%d waiting, want 1", n)
	}
	forward(t, w.cfg.Email.Port, real) // the SMTP server is back
	s.at(t, t0.Add(2*time.Minute))
	if n := w.eng.queue().Len(); n != 1 {
		t.Fatalf("retried before its back-off: %d waiting", n)
	}
	s.at(t, t0.Add(3*time.Minute))
	if n := w.eng.queue().Len(); n != 0 {
		t.Fatalf("still %d waiting 3 min after the run, the server back", n)
	}
	if got := subjects(t, w.rcpt[0]); len(got) != 1 || len(s.runs) != 1 {
		t.Errorf("received %v after %d runs, want the one alert and no new run", got, len(s.runs))
	}
}

// Serve itself: the ticker's ticks and « Sauvegarder maintenant » reach the
// loop, and it stops with its context.
func TestServeLoop(t *testing.T) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	w.save(t)
	var mu sync.Mutex
	clock := time.Date(2026, 3, 3, 12, 0, 0, 0, time.Local)
	w.eng.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	ctx, cancel := context.WithCancel(t.Context())
	ticks := make(chan time.Time)
	now := make(chan struct{})
	reports := make(chan Report, 4)
	ended := make(chan error, 1)
	go func() {
		ended <- w.eng.serve(ctx, ticks, now, func(r Report, err error) { reports <- r })
	}()
	wait := func(what string) Report {
		select {
		case r := <-reports:
			return r
		case <-time.After(time.Minute):
			t.Fatalf("no run after %s", what)
		}
		return Report{}
	}
	if r := wait("start"); r.Backups[0].Reason != schedule.ReasonMissed {
		t.Errorf("at start: %s", r.Backups[0].Reason)
	}
	now <- struct{}{}
	if r := wait("« Sauvegarder maintenant »"); r.Backups[0].Reason != schedule.ReasonForced {
		t.Errorf("forced: %s", r.Backups[0].Reason)
	}
	mu.Lock()
	clock = time.Date(2026, 3, 3, 21, 31, 0, 0, time.Local)
	mu.Unlock()
	ticks <- clock
	if r := wait("the 21:30 tick"); r.Backups[0].Reason != schedule.ReasonDaily {
		t.Errorf("21:31: %s", r.Backups[0].Reason)
	}
	cancel()
	if err := <-ended; err != context.Canceled {
		t.Errorf("Serve ended with %v", err)
	}
}

// #11.3: a run that holds the service for hours (a share that stopped
// answering) does not silently refuse every later run: the first one
// refused after StuckAfter says so by mail, once.
func TestStuckRunIsMailed(t *testing.T) {
	w := newWorld(t)
	w.withSMTP(t)
	w.save(t)
	// Another process's run, started at 18:00, still holds the service.
	os.MkdirAll(w.eng.Dir, 0o700)
	release, err := fsutil.Lock(filepath.Join(w.eng.Dir, ".service.lock"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	start := time.Date(2026, 3, 2, 18, 0, 0, 0, time.Local)
	os.WriteFile(filepath.Join(w.eng.Dir, runningFile), []byte(`{"debut":"`+start.Format(time.RFC3339)+`","pid":4312,"poste":"POSTE-TEST"}`), 0o600)
	for _, at := range []time.Time{start.Add(time.Hour), start.Add(3 * time.Hour), start.Add(4 * time.Hour)} {
		w.clock = at
		_, err := w.eng.RunOnce(t.Context(), Options{Force: true})
		if !errors.Is(err, dossier.ErrInUse) || !strings.Contains(err.Error(), "depuis le 02/03/2026 18:00 (processus 4312)") {
			t.Fatalf("at %s: %v", at.Format("15:04"), err)
		}
	}
	got := subjects(t, w.rcpt[0])
	if len(got) != 1 || got[0] != "[Coffre] Sauvegarde automatique bloquée depuis le 02/03/2026 18:00 (POSTE-TEST)" {
		t.Errorf("mails %v, want one « bloquée »", got)
	}
}

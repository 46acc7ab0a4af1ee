package app

import (
	"context"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/store"
)

// slowStore is a real connexion whose listing waits for release (or for its
// context): a network share that takes its time.
type slowStore struct {
	store.Store
	release <-chan struct{}
	closed  *bool
}

func (s slowStore) List(ctx context.Context) ([]dossier.Info, error) {
	select {
	case <-s.release:
		return s.Store.List(ctx)
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (s slowStore) Close() error { *s.closed = true; return s.Store.Close() }

func TestWindowStaysResponsiveWhileTheConnexionIsRead(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	w := newTestWizard(t, conn)
	release := make(chan struct{})
	closed := false
	w.openStore = func(ctx context.Context, spec connexion.Spec) (store.Store, error) {
		s, err := spec.Open(ctx)
		return slowStore{s, release, &closed}, err
	}
	var done chan struct{}
	w.goWork = func(f func()) {
		done = make(chan struct{})
		go func() { defer close(done); f() }()
	}
	// Suivant must return while the listing waits; on main it blocked the
	// UI goroutine until the share answered.
	returned := make(chan struct{})
	go func() { press(w.win, fyne.KeyReturn); close(returned) }()
	select {
	case <-returned:
	case <-time.After(5 * time.Second):
		close(release)
		t.Fatal("Suivant blocked the window while the connexion was read")
	}
	if !w.busyBox.Visible() || !w.next.Disabled() || w.cur != stepIdxConnexion {
		t.Fatalf("while reading: spinner %v, Suivant disabled %v, step %d", w.busyBox.Visible(), w.next.Disabled(), w.cur)
	}
	// The window answers keys meanwhile: Escape is « Annuler », which
	// interrupts the reading and stays on Connexion.
	press(w.win, fyne.KeyEscape)
	<-done
	if w.cur != stepIdxConnexion || w.busyBox.Visible() || w.next.Disabled() || w.reasonBox.Visible() {
		t.Fatalf("after Annuler: step %d, spinner %v, Suivant disabled %v, reason %q", w.cur, w.busyBox.Visible(), w.next.Disabled(), w.reason.Text)
	}
	if !closed || w.store != nil {
		t.Fatalf("the interrupted connexion was kept open (closed %v)", closed)
	}
	if top(w.win) != nil {
		t.Fatal("Escape during the reading opened a dialog instead of interrupting it")
	}
	// Again, and let the share answer.
	press(w.win, fyne.KeyReturn)
	close(release)
	<-done
	if w.cur != stepIdxOperation || len(w.dossiers) != 2 {
		t.Fatalf("after the listing: step %d, %d dossiers", w.cur, len(w.dossiers))
	}
}

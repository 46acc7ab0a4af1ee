package storetest

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/store"
)

// Run runs the conformance suite. newStore returns an empty connexion for
// each subtest; the suite fills it through the store's own Stage and Commit.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	ctx := context.Background()

	t.Run("Empty", func(t *testing.T) {
		s := newStore(t)
		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 0 {
			t.Fatalf("empty connexion lists %d dossiers", len(list))
		}
		if _, err := s.Snapshot(ctx, "001", store.SnapshotOptions{}); !errors.Is(err, dossier.ErrNotFound) {
			t.Fatalf("snapshot of a missing dossier: %v, want ErrNotFound", err)
		}
	})

	t.Run("StageListSnapshot", func(t *testing.T) {
		s := newStore(t)
		src := filepath.Join(t.TempDir(), "001SOC.db")
		dossiertest.BuildV1(t, src, dossiertest.WithSession("POSTE-2", "Marie", "Compta"))
		Put(t, s, "001", "SOC", src)

		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 {
			t.Fatalf("%d dossiers listed, want 1", len(list))
		}
		d := list[0]
		if d.Numero != "001" || d.Nom != "SOC" || d.Schema != "v1" || d.Error != "" {
			t.Fatalf("listed %+v", d)
		}
		if d.Exercices != 12 || d.PremierExercice != "2014" || d.DernierExercice != "2025" || d.RaisonSociale == "" || d.Taille <= 0 {
			t.Fatalf("listing line %+v", d)
		}

		snap, err := s.Snapshot(ctx, "001", store.SnapshotOptions{TempDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		if id := snap.Identity(); id.Numero != "001" || id.Nom != "SOC" || id.Identifiant == "" {
			t.Fatalf("identity %+v", id)
		}
		sessions, err := snap.Sessions(ctx)
		if err != nil || len(sessions) != 1 || sessions[0].Poste != "POSTE-2" {
			t.Fatalf("sessions %+v, %v", sessions, err)
		}
		st, err := snap.Stats(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Exercices) != 12 || st.Unbalanced != 0 {
			t.Fatalf("stats %+v", st)
		}
		for _, e := range st.Exercices {
			if e.Debit != e.Credit {
				t.Fatalf("exercice %s: debit %d credit %d", e.Code, e.Debit, e.Credit)
			}
		}
		r, size, err := snap.Database(ctx)
		if err != nil {
			t.Fatal(err)
		}
		img := filepath.Join(t.TempDir(), "image.db")
		f, err := os.Create(img)
		if err != nil {
			t.Fatal(err)
		}
		n, err := io.Copy(f, r)
		f.Close()
		r.Close()
		if err != nil || n != size {
			t.Fatalf("image: %d of %d bytes, %v", n, size, err)
		}
		if diff := dossiertest.Diff(dossiertest.Dump(t, src), dossiertest.Dump(t, img)); diff != "" {
			t.Fatalf("snapshot image differs from the dossier: %s", diff)
		}
	})

	t.Run("PlainDatabase", func(t *testing.T) {
		s := newStore(t)
		src := filepath.Join(t.TempDir(), "plain.db")
		dossiertest.BuildPlain(t, src)
		Put(t, s, "007", "BASE", src)
		snap, err := s.Snapshot(ctx, "007", store.SnapshotOptions{})
		if err != nil {
			t.Fatal(err)
		}
		defer snap.Close()
		if snap.Schema() != "" {
			t.Fatalf("schema %q for a plain database", snap.Schema())
		}
		st, err := snap.Stats(ctx)
		if err != nil || len(st.Tables) == 0 || len(st.Exercices) != 0 {
			t.Fatalf("stats %+v, %v", st, err)
		}
	})

	t.Run("CommitRefusesToReplace", func(t *testing.T) {
		s := newStore(t)
		a := filepath.Join(t.TempDir(), "a.db")
		dossiertest.BuildV1(t, a, dossiertest.WithIdentifiant("11111111-1111-4111-8111-111111111111"))
		b := filepath.Join(t.TempDir(), "b.db")
		dossiertest.BuildV1(t, b, dossiertest.WithIdentifiant("22222222-2222-4222-8222-222222222222"))
		Put(t, s, "001", "SOC", a)

		st, err := s.Stage(ctx, "001", "SOC")
		if err != nil {
			t.Fatal(err)
		}
		copyFile(t, b, st.Path())
		if ok, err := st.Exists(ctx); err != nil || !ok {
			t.Fatalf("Exists = %v, %v", ok, err)
		}
		if err := st.Commit(ctx, false); !errors.Is(err, dossier.ErrExists) {
			t.Fatalf("commit over an existing dossier: %v, want ErrExists", err)
		}
		st.Abort()
		if got := identifiant(t, s, "001"); got != "11111111-1111-4111-8111-111111111111" {
			t.Fatalf("dossier changed by a refused commit: %s", got)
		}

		st, err = s.Stage(ctx, "001", "SOC")
		if err != nil {
			t.Fatal(err)
		}
		copyFile(t, b, st.Path())
		if err := st.Commit(ctx, true); err != nil {
			t.Fatal(err)
		}
		if got := identifiant(t, s, "001"); got != "22222222-2222-4222-8222-222222222222" {
			t.Fatalf("replace did not take: %s", got)
		}
	})

	t.Run("AbortLeavesNothing", func(t *testing.T) {
		s := newStore(t)
		src := filepath.Join(t.TempDir(), "a.db")
		dossiertest.BuildV1(t, src)
		st, err := s.Stage(ctx, "003", "SOC")
		if err != nil {
			t.Fatal(err)
		}
		copyFile(t, src, st.Path())
		st.Abort()
		st.Abort()
		list, err := s.List(ctx)
		if err != nil || len(list) != 0 {
			t.Fatalf("after abort: %v, %v", list, err)
		}
	})

	t.Run("Lock", func(t *testing.T) {
		s := newStore(t)
		unlock, err := s.Lock(ctx, "001")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Lock(ctx, "001"); !errors.Is(err, dossier.ErrInUse) {
			t.Fatalf("second lock: %v, want ErrInUse", err)
		}
		other, err := s.Lock(ctx, "002")
		if err != nil {
			t.Fatalf("lock of another dossier: %v", err)
		}
		other()
		unlock()
		again, err := s.Lock(ctx, "001")
		if err != nil {
			t.Fatalf("lock after unlock: %v", err)
		}
		again()
	})
}

// Put stores the SQLite database at src as dossier numero/nom of s, through
// the store's own staging.
func Put(tb testing.TB, s store.Store, numero, nom, src string) {
	tb.Helper()
	st, err := s.Stage(context.Background(), numero, nom)
	if err != nil {
		tb.Fatal(err)
	}
	defer st.Abort()
	copyFile(tb, src, st.Path())
	if err := st.Commit(context.Background(), false); err != nil {
		tb.Fatal(err)
	}
}

func copyFile(tb testing.TB, from, to string) {
	tb.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func identifiant(tb testing.TB, s store.Store, numero string) string {
	tb.Helper()
	snap, err := s.Snapshot(context.Background(), numero, store.SnapshotOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	defer snap.Close()
	return snap.Identity().Identifiant
}

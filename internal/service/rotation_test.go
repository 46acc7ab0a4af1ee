package service

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"coffre/internal/config"
	"coffre/internal/journal"
	"coffre/internal/remote"
)

// destinations are the offsite kinds a rotation test runs against: a
// network folder and the real SFTP server.
var destinations = []struct {
	name string
	set  func(t *testing.T, w *world) string // returns the folder to look in
}{
	{"dossier-reseau", func(t *testing.T, w *world) string {
		dir := filepath.Join(w.root, "nas")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		w.cfg.Distant = config.Distant{Type: config.DistantDossier, Dossier: dir, Conserver: 7}
		return dir
	}},
	{"sftp", func(t *testing.T, w *world) string {
		dir, _ := w.withSFTP(t)
		return dir
	}},
}

// runsWritten runs the service n times (forced), the clock moving by step
// between runs, and returns the base names written in order.
func runsWritten(t *testing.T, w *world, n int, step time.Duration) []string {
	t.Helper()
	var out []string
	for i := 0; i < n; i++ {
		rep := run(t, w, true)
		if len(rep.Backups) != 1 || rep.Backups[0].Err != nil {
			t.Fatalf("run %d: %v", i+1, rep.Entry.Lines())
		}
		b := rep.Backups[0]
		if b.Remote == nil || b.Remote.Status != remote.Validated {
			t.Fatalf("run %d: offsite copy %+v\n%v", i+1, b.Remote, rep.Entry.Lines())
		}
		if rep.Entry.Statut != journal.StatusOK {
			t.Fatalf("run %d: %s %v", i+1, rep.Entry.Statut, rep.Entry.Lines())
		}
		out = append(out, filepath.Base(b.Result.Path))
		w.clock = w.clock.Add(step)
	}
	return out
}

// nonForeign lists the backups of prefix in dir, leaving out the foreign
// files a test put there.
func ours(t *testing.T, dir, prefix string, foreign []string) []string {
	t.Helper()
	return slices.DeleteFunc(pbfs(t, dir, prefix), func(s string) bool { return slices.Contains(foreign, s) })
}

// oursAt is ours for an offsite destination.
func oursAt(t *testing.T, o offsite, prefix string, foreign []string) []string {
	t.Helper()
	return slices.DeleteFunc(o.list(t), func(s string) bool { return !strings.HasPrefix(s, prefix) || slices.Contains(foreign, s) })
}

// #11.1: more runs per minute than either side keeps, then across days, with
// foreign files in both folders. Each side keeps exactly the newest copies it
// should — the one just validated always among them — whatever their names
// (« _10 » sorts before « _9 »), and never a file it did not write.
// Local keep 10 is the default of the field report (12 runs left the server
// without its 3 newest copies); keep 3 also has names given twice.
func TestRotationKeepsNewestWhateverTheNames(t *testing.T) {
	for _, d := range allDestinations {
		for _, keep := range []int{10, 3} {
			t.Run(fmt.Sprintf("%s/conserver-%d", d.name, keep), func(t *testing.T) {
				rotationRuns(t, d.set, keep)
			})
		}
	}
}

func rotationRuns(t *testing.T, set func(*testing.T, *world) offsite, keep int) {
	w := newWorld(t)
	w.cfg.Auto.Dossiers = []string{"002"}
	w.cfg.Auto.Conserver = keep
	dest := set(t, w)
	w.cfg.Distant.Conserver = 7
	w.save(t)
	// Foreign files named like backups of the same dossier, some of the
	// same minute, in both folders.
	foreign := []string{"002-BOULANG_20260302_2130_50.pbf", "002-BOULANG_20260302_2130_7.pbf", "002-BOULANG_20200101_0900.pbf"}
	for _, f := range foreign {
		if err := os.WriteFile(filepath.Join(w.dest, f), []byte("pas à Coffre"), 0o644); err != nil {
			t.Fatal(err)
		}
		dest.put(t, f, []byte("pas à Coffre"))
	}
	var written []string
	check := func(stage string) {
		t.Helper()
		if got, want := ours(t, w.dest, "002-", foreign), sorted(written[max(0, len(written)-keep):]); !slices.Equal(got, want) {
			t.Errorf("%s: local %v, want the %d newest %v", stage, got, keep, want)
		}
		if got, want := oursAt(t, dest, "002-", foreign), sorted(written[max(0, len(written)-7):]); !slices.Equal(got, want) {
			t.Errorf("%s: offsite %v, want the 7 newest %v", stage, got, want)
		}
		there := dest.list(t)
		for _, f := range foreign {
			if _, err := os.Stat(filepath.Join(w.dest, f)); err != nil {
				t.Errorf("%s: foreign %s removed locally", stage, f)
			}
			if !slices.Contains(there, f) {
				t.Errorf("%s: foreign %s removed offsite", stage, f)
			}
		}
		if seen := uniq(written); len(seen) != len(written) {
			t.Errorf("%s: a name was given twice: %v", stage, written)
		}
		verified(t, dest.fetch(t, written[len(written)-1]))
	}
	// 12 runs within one minute: names _2 … _13 (_7 is taken).
	written = append(written, runsWritten(t, w, 12, 4*time.Second)...)
	check("12 runs in one minute")
	// Across days: the next evening, 5 more runs in its minute.
	w.clock = time.Date(2026, 3, 3, 21, 30, 0, 0, time.Local)
	written = append(written, runsWritten(t, w, 5, time.Second)...)
	check("next day")
}

// #11.2: a clock set back (flat CMOS battery, wrong NTP) must not make the
// backup just written the « oldest » one: it is kept, here and offsite, the
// oldest of the earlier ones goes, and the run warns about the clock.
func TestClockSetBackKeepsTheNewBackup(t *testing.T) {
	for _, d := range allDestinations {
		t.Run(d.name, func(t *testing.T) {
			w := newWorld(t)
			w.cfg.Auto.Dossiers = []string{"002"}
			w.cfg.Auto.Conserver = 3
			dest := d.set(t, w)
			w.cfg.Distant.Conserver = 3
			w.save(t)
			written := runsWritten(t, w, 3, 24*time.Hour)
			// The battery dies: the clock says 1 January 2000.
			w.clock = time.Date(2000, 1, 1, 0, 5, 0, 0, time.Local)
			rep := run(t, w, true)
			b := rep.Backups[0]
			if b.Err != nil || b.Remote == nil || b.Remote.Status != remote.Validated {
				t.Fatalf("run with the clock back: %v", rep.Entry.Lines())
			}
			newest := filepath.Base(b.Result.Path)
			written = append(written, newest)
			want := sorted(written[1:])
			if got := ours(t, w.dest, "002-", nil); !slices.Equal(got, want) {
				t.Errorf("local %v, want %v (the new one kept, the oldest removed)", got, want)
			}
			if got := oursAt(t, dest, "002-", nil); !slices.Equal(got, want) {
				t.Errorf("offsite %v, want %v", got, want)
			}
			text := strings.Join(rep.Entry.Lines(), "\n")
			if !strings.Contains(text, "horloge") {
				t.Errorf("no warning about the clock:\n%s", text)
			}
			// And the next run, the clock still wrong, keeps the two newest.
			w.clock = w.clock.Add(time.Minute)
			written = append(written, runsWritten(t, w, 1, time.Minute)...)
			if got, want := ours(t, w.dest, "002-", nil), sorted(written[len(written)-3:]); !slices.Equal(got, want) {
				t.Errorf("second run with the clock back: local %v, want %v", got, want)
			}
		})
	}
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func uniq(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}

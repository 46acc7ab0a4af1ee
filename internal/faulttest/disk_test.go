//go:build linux

package faulttest

import (
	"os"
	"slices"
	"strings"
	"testing"

	"coffre/internal/faults"
	"coffre/internal/fsutil"
)

// diskFullCase puts one folder of the world on a nearly full disk.
type diskFullCase struct {
	op     string
	folder string // "dest", "tmp", "conn", "securite" or "sortie"
	// free is how many bytes are left on that disk once its files are
	// copied there; b is the size of the dossier file, p of a backup.
	free func(b, p int64) int64
	// long: only in make test-long (the same fault nearer the boundary).
	long bool
}

var diskFullCases = []diskFullCase{
	{"sauvegarder", "dest", func(b, p int64) int64 { return 16 << 10 }, false},
	{"sauvegarder", "dest", func(b, p int64) int64 { return p / 2 }, true},
	{"sauvegarder", "dest", func(b, p int64) int64 { return p - 16<<10 }, true},
	{"verifier", "tmp", func(b, p int64) int64 { return 16 << 10 }, false},
	{"verifier", "tmp", func(b, p int64) int64 { return b / 2 }, true},
	{"verifier", "tmp", func(b, p int64) int64 { return b - 16<<10 }, true},
	{"restaurer", "conn", func(b, p int64) int64 { return 16 << 10 }, false},
	{"restaurer", "conn", func(b, p int64) int64 { return b / 2 }, true},
	{"restaurer", "conn", func(b, p int64) int64 { return b - 16<<10 }, true},
	{"restaurer", "securite", func(b, p int64) int64 { return 16 << 10 }, false},
	{"restaurer", "securite", func(b, p int64) int64 { return p - 16<<10 }, true},
	{"restaurer-nouveau-numero", "conn", func(b, p int64) int64 { return b / 2 }, false},
	{"exporter", "sortie", func(b, p int64) int64 { return b / 2 }, false},
	{"transfert-export", "sortie", func(b, p int64) int64 { return p / 2 }, false},
	{"transfert-import", "conn", func(b, p int64) int64 { return 16 << 10 }, false},
	{"archiver", "sortie", func(b, p int64) int64 { return 16 << 10 }, false},
	{"archiver", "conn", func(b, p int64) int64 { return 16 << 10 }, false},
	{"desarchiver", "conn", func(b, p int64) int64 { return 16 << 10 }, false},
	{"administration", "sortie", func(b, p int64) int64 { return b / 2 }, false},
	{"decouper", "sortie", func(b, p int64) int64 { return b / 4 }, false},
	{"decouper", "conn", func(b, p int64) int64 { return 16 << 10 }, false},
	{"sauvegarder-access", "dest", func(b, p int64) int64 { return 16 << 10 }, false},
	{"restaurer-access", "conn", func(b, p int64) int64 { return 16 << 10 }, false},
}

// TestFaultDiskFull runs each operation with one of its folders on a small
// tmpfs: it fails with « Espace disque insuffisant », leaves no temp file
// and no half-written file, and the dossier and earlier backups are intact.
func TestFaultDiskFull(t *testing.T) {
	for _, c := range diskFullCases {
		if c.long && !testingLong() {
			continue
		}
		op := findOp(t, c.op)
		ref := op.reference(t)
		w := op.newWorld(t)
		sized := op.targetPath(w) // the file the operation works on, or the dossier
		if !exists(sized) {
			sized = w.dossier()
		}
		dbSize, pbfSize := fileSize(t, sized), fileSize(t, w.earlier())
		free := c.free(dbSize, pbfSize)
		t.Run(c.op+"/"+c.folder+"-libre-"+itoa(int(free>>10))+"Kio", func(t *testing.T) {
			t.Parallel()
			w.t = t
			field := map[string]*string{"dest": &w.dest, "tmp": &w.tmp, "conn": &w.conn, "securite": &w.safety, "sortie": &w.out}[c.folder]
			used := dirSize(t, *field)
			disk := faults.SmallDisk(t, used+free)
			copyDir(t, *field, disk)
			*field = disk
			w.env = worldEnv(w)
			outputs := map[string][]string{w.out: listNames(w.out), w.dest: listNames(w.dest)}
			code, out, errOut := w.run(op.args(w)...)
			if code != 1 || !strings.Contains(errOut, "Espace disque insuffisant") {
				t.Fatalf("exit %d, want 1 and « Espace disque insuffisant »:\n%s%s", code, out, errOut)
			}
			if got := op.checkAfterFault(w, ref); got != ref.before {
				t.Fatalf("a failed %s changed the dossier", op.name)
			}
			// What the failed operation wrote is gone: « nothing was
			// changed » is true, and the next run is numbered as this one.
			for dir, before := range outputs {
				if now := listNames(dir); !slices.Equal(now, before) {
					t.Fatalf("a failed %s left files behind in %s: %v, before %v", op.name, dir, now, before)
				}
			}
			w.noTemp()
		})
	}
}

func findOp(t *testing.T, name string) operation {
	t.Helper()
	for _, op := range operations {
		if op.name == name {
			return op
		}
	}
	t.Fatalf("no operation %q", name)
	return operation{}
}

// listNames lists the files of dir, sorted, Coffre's temp files left out
// (w.noTemp checks those).
func listNames(dir string) []string {
	entries, _ := os.ReadDir(dir)
	var out []string
	for _, e := range entries {
		if !fsutil.IsTemp(e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

func fileSize(t testing.TB, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func dirSize(t testing.TB, dir string) int64 {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	var n int64
	for _, e := range entries {
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() {
			n += (fi.Size() + 4095) &^ 4095
		}
	}
	return n
}

//go:build unix

package faulttest

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"coffre/internal/pack"
)

// operation is one row of the matrix: covering a new operation is adding
// a row here — its command line, the model its world starts from, and
// what it may leave behind.
type operation struct {
	name string
	// model is where the world's folders come from (nil: the default one).
	model func(t testing.TB) model
	args  func(w *world) []string
	// again is what the user runs after a fault (nil: args again); it must
	// succeed, or refuse clearly when the fault came after the change
	// (againMayRefuse), and sweep every temp file.
	again          func(w *world) []string
	againMayRefuse bool
	// target is the dossier file the operation may change (default
	// conn/001SOC.db); it ends in its before state or in the after state a
	// complete run leaves ("" = absent). fixedAfter, when set, gives that
	// state instead of the reference run.
	target     func(w *world) string
	fixedAfter func(w *world) string
	// hash reads the target's state (nil: checkedHash, for SQLite).
	hash func(tb testing.TB, path string) string
	// copyOf is the number of a dossier the operation restores as a copy
	// beside dossier 001: its state is read by copyHash.
	copyOf string
	// outputs are the files written under a final name: after a fault,
	// each is absent or complete (checkOutputs); consistent checks what
	// goes with the after state (a cut dossier has its cut file…).
	consistent func(w *world, state string)
	// locks says the operation holds the dossier lock, so that a second
	// Coffre on the same dossier must refuse.
	locks bool
	// remoteTemp: an interrupted upload may stay in the offsite folder for
	// a day — another workstation's copy may be under way there, which no
	// lock across machines can tell — and the next run removes it then.
	remoteTemp bool
}

func (op operation) targetPath(w *world) string {
	if op.target == nil {
		return w.dossier()
	}
	return op.target(w)
}

func (op operation) state(tb testing.TB, path string) string {
	tb.Helper()
	if op.hash != nil {
		return op.hash(tb, path)
	}
	if op.copyOf != "" {
		return copyHash(op.copyOf)(tb, path)
	}
	return checkedHash(tb, path)
}

func (op operation) againArgs(w *world) []string {
	if op.again != nil {
		return op.again(w)
	}
	return op.args(w)
}

// earlier is the backup every world starts with.
func (w *world) earlier() string { return filepath.Join(w.dest, "001-SOC_20250101_0900.pbf") }

// only returns the one file of dir ending in ext.
func only(w *world, dir, ext string) string {
	w.t.Helper()
	var found []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ext) && !strings.HasPrefix(e.Name(), ".") {
			found = append(found, filepath.Join(dir, e.Name()))
		}
	}
	if len(found) != 1 {
		w.t.Fatalf("want one %s file in %s, found %v", ext, dir, found)
	}
	return found[0]
}

func conn(w *world) []string { return []string{"--connexion", w.conn, "--dossier", "1"} }

func cmd(verb string, parts ...[]string) []string {
	out := []string{verb}
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func args(a ...string) []string { return a }

var operations = []operation{
	{
		name:  "sauvegarder",
		args:  func(w *world) []string { return cmd("sauvegarder", conn(w), args("--vers", w.dest, "--verifier")) },
		locks: true,
	},
	{
		name: "verifier",
		args: func(w *world) []string { return args("verifier", w.earlier(), "--complet") },
	},
	{
		name: "restaurer",
		args: func(w *world) []string {
			return args("restaurer", filepath.Join(w.in, "apres.pbf"), "--connexion", w.conn, "--remplacer", "--securite", w.safety)
		},
		fixedAfter: func(w *world) string { return w.after }, locks: true,
	},
	{
		name: "restaurer-nouveau-numero",
		args: func(w *world) []string {
			return args("restaurer", filepath.Join(w.in, "apres.pbf"), "--connexion", w.conn, "--numero", "5", "--securite", w.safety)
		},
		again: func(w *world) []string {
			return args("restaurer", filepath.Join(w.in, "apres.pbf"), "--connexion", w.conn, "--numero", "5", "--remplacer", "--securite", w.safety)
		},
		// A copy beside 001: number 005 in its row, an identity of its own.
		target:     func(w *world) string { return filepath.Join(w.conn, "005SOC.db") },
		copyOf:     "005",
		fixedAfter: func(w *world) string { return copyAfter(w.t, "005") }, locks: true,
	},
	{
		name:  "exporter",
		args:  func(w *world) []string { return cmd("exporter", conn(w), args("--vers", w.out)) },
		again: func(w *world) []string { return cmd("exporter", conn(w), args("--vers", w.out, "--remplacer")) },
		consistent: func(w *world, _ string) {
			if p := filepath.Join(w.out, "E001SOC.db"); exists(p) {
				w.checkDossier(p, w.before)
			}
		},
		locks: true,
	},
	{
		name: "transfert-export",
		args: func(w *world) []string {
			return cmd("transfert-export", conn(w), args("--vers", w.out, "--etat", w.state))
		},
		locks: true,
	},
	{
		name:  "transfert-export-ptf",
		model: func(t testing.TB) model { f := fiscalModels(t); return model{conn: f.siteA2, state: f.state0} },
		args: func(w *world) []string {
			return cmd("transfert-export", conn(w), args("--vers", w.out, "--etat", w.state))
		},
		consistent: ptfCarriesTheChange,
		locks:      true,
	},
	{
		name:  "transfert-import",
		model: func(t testing.TB) model { f := fiscalModels(t); return model{conn: f.siteB, in: f.ptf} },
		args: func(w *world) []string {
			return cmd("transfert-import", args(only(w, w.in, ".ptf")), conn(w), args("--securite", w.safety))
		},
		againMayRefuse: true, locks: true,
	},
	{
		name: "archiver",
		args: func(w *world) []string {
			return cmd("archiver", conn(w), args("--exercices", "2014,2015", "--vers", w.out, "--securite", w.safety))
		},
		againMayRefuse: true,
		consistent: func(w *world, state string) {
			if state != w.before && !some(w.out, ".paf") {
				w.t.Fatal("the exercices are archived but their PAF is nowhere")
			}
		},
		locks: true,
	},
	{
		name:  "desarchiver",
		model: func(t testing.TB) model { f := fiscalModels(t); return model{conn: f.archived, in: f.paf} },
		args: func(w *world) []string {
			return cmd("desarchiver", args(only(w, w.in, ".paf")), conn(w), args("--securite", w.safety))
		},
		againMayRefuse: true, locks: true,
	},
	{
		name: "administration",
		args: func(w *world) []string {
			return cmd("administration", conn(w), args("--exercices", "2023", "--vers", w.out, "--fec", "--annexes"))
		},
		// A FEC already written is not overwritten: the rerun says so.
		againMayRefuse: true, locks: true,
	},
	{
		name: "decouper",
		args: func(w *world) []string {
			return cmd("decouper", conn(w), args("--premier-exercice", "2020", "--vers", w.out, "--securite", w.safety))
		},
		againMayRefuse: true,
		consistent: func(w *world, state string) {
			if state != w.before && !exists(filepath.Join(w.out, "001SOC_CUT001.db")) {
				w.t.Fatal("the dossier is cut but its older exercices are nowhere")
			}
		},
		locks: true,
	},
	{
		name:  "sauvegarder-access",
		model: accessModel,
		args: func(w *world) []string {
			return args("sauvegarder", "--fichier", filepath.Join(w.conn, "Compta.mdb"), "--vers", w.dest, "--verifier")
		},
		target: func(w *world) string { return filepath.Join(w.conn, "Compta.mdb") },
		hash:   fileHash, locks: true,
	},
	{
		name:  "restaurer-access",
		model: accessModel,
		args: func(w *world) []string {
			return args("restaurer", only(w, w.in, ".pbf"), "--connexion", w.conn, "--remplacer", "--securite", w.safety)
		},
		target: func(w *world) string { return filepath.Join(w.conn, "Compta.mdb") },
		hash:   fileHash, locks: true,
	},
	{
		name: "service-copie-distante",
		args: func(w *world) []string {
			return args("service", "--une-fois", "--maintenant", "--sans-icone", "--config", serviceConfig(w))
		},
		locks: true, remoteTemp: true,
	},
}

// serviceConfig writes the automatic service's settings for w: dossier
// 001 backed up into dest, copied to a network folder (out).
func serviceConfig(w *world) string {
	p := filepath.Join(w.config, "coffre.toml")
	writeFile(w.t, p, []byte(`[sauvegarde_automatique]
active = true
connexion = "`+w.conn+`"
dossiers = ["001"]
destination = "`+w.dest+`"
conserver = 3

[copie_distante]
type = "dossier"
dossier = "`+w.out+`"
conserver = 2
`))
	return p
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// some reports whether dir holds a file ending in ext under a final name.
func some(dir, ext string) bool {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ext) && !strings.HasPrefix(e.Name(), ".") {
			return true
		}
	}
	return false
}

// reference is what a complete run of op does on a fresh world.
type reference struct {
	events int
	before string // the target's state in a fresh world
	after  string // the target's state after a complete run
}

var references sync.Map

func (op operation) newWorld(t testing.TB) *world {
	t.Helper()
	if op.model == nil {
		return newWorld(t)
	}
	tp := theTemplate(t)
	m := op.model(t)
	before := ""
	if exists(filepath.Join(m.conn, "001SOC.db")) {
		before = checkedHash(t, filepath.Join(m.conn, "001SOC.db"))
	}
	return worldOf(t, m, before, tp.after)
}

// reference runs op once to its end on a fresh world.
func (op operation) reference(t *testing.T) reference {
	t.Helper()
	if r, ok := references.Load(op.name); ok {
		return r.(reference)
	}
	w := op.newWorld(t)
	var r reference
	if exists(op.targetPath(w)) {
		r.before = op.state(t, op.targetPath(w))
	}
	p := w.start(op.args(w)...)
	if code := p.Wait(); code != 0 {
		t.Fatalf("%s: exit %d\n%s", op.name, code, p.Stderr.String())
	}
	r.events = len(p.Events)
	r.after = op.state(t, op.targetPath(w))
	if op.fixedAfter != nil && r.after != op.fixedAfter(w) {
		t.Fatalf("%s: a complete run does not reach the expected state", op.name)
	}
	w.checkOutputs()
	references.Store(op.name, r)
	return r
}

// checkAfterFault checks what must hold after any fault in op: the target
// in its before or after state, dossier 001 sound, every backup and every
// output under a final name complete. It returns the state found.
func (op operation) checkAfterFault(w *world, ref reference) string {
	w.t.Helper()
	target := op.targetPath(w)
	var got string
	if !exists(target) {
		if ref.before != "" && ref.after != "" {
			w.t.Fatalf("%s is gone", filepath.Base(target))
		}
	} else {
		got = op.state(w.t, target)
		if got != ref.before && got != ref.after {
			w.t.Fatalf("%s is in neither its before nor its after state", filepath.Base(target))
		}
	}
	if target != w.dossier() && exists(w.dossier()) {
		w.checkDossier(w.dossier(), w.before)
	}
	if op.consistent != nil {
		op.consistent(w, got)
	}
	w.checkOutputs()
	return got
}

// recover runs what the user runs next: it succeeds (or, after a fault
// that came once the change was made, may refuse with a French message),
// sweeps every temp file and leaves the target in its after state.
func (op operation) recover(w *world, ref reference, state string) {
	w.t.Helper()
	code, out, errOut := w.run(op.againArgs(w)...)
	switch {
	case code == 0:
	case code == 1 && op.againMayRefuse && state == ref.after && !strings.Contains(errOut, "Erreur inattendue"):
	default:
		w.t.Fatalf("after the fault, %s: exit %d\n%s%s", op.name, code, out, errOut)
	}
	if ref.after != "" {
		if op.state(w.t, op.targetPath(w)) != ref.after {
			w.t.Fatalf("%s is not in its after state", filepath.Base(op.targetPath(w)))
		}
	}
	if op.consistent != nil {
		op.consistent(w, ref.after)
	}
	w.checkOutputs()
	if op.remoteTemp {
		w.noTemp(w.out)
	} else {
		w.noTemp()
	}
}

// checkOutputs: every backup (verified, complete level), transfer or
// archive (read whole) and database under a final name in the world is
// complete, and the earlier backup is still there.
func (w *world) checkOutputs() {
	w.t.Helper()
	w.checkBackups(w.dest, w.safety, w.in, w.out)
	for _, dir := range []string{w.out, w.in} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			switch {
			case strings.HasPrefix(e.Name(), "."):
			case strings.HasSuffix(e.Name(), ".ptf"), strings.HasSuffix(e.Name(), ".paf"):
				if _, err := pack.Read(context.Background(), p, pack.ReadOptions{}, func(_ pack.Part, r io.Reader) error {
					_, err := io.Copy(io.Discard, r)
					return err
				}); err != nil {
					w.t.Fatalf("%s under its final name does not read: %v", e.Name(), err)
				}
			case strings.HasSuffix(e.Name(), ".db"):
				checkedHash(w.t, p)
			case strings.HasSuffix(e.Name(), ".txt"):
				b, err := os.ReadFile(p)
				if err != nil || len(b) == 0 || !strings.HasSuffix(string(b), "\r\n") {
					w.t.Fatalf("FEC %s under its final name is incomplete", e.Name())
				}
			}
		}
	}
}

// killPoints are the events to kill at: a handful spread over the whole
// operation in make test, every one with COFFRE_LONG=1 (make test-long).
func killPoints(total int) []int {
	if os.Getenv("COFFRE_LONG") != "" {
		out := make([]int, total)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	seen := map[int]bool{}
	var out []int
	for _, n := range []int{1, total / 2, total} {
		if n >= 1 && n <= total && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

func itoa(n int) string { return strconv.Itoa(n) }

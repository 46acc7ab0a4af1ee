//go:build unix

package faulttest

import (
	"crypto/sha256"
	"fmt"
	"math/rand"
	"os"

	"coffre/internal/dossiertest"
	"path/filepath"
	"sync"
	"testing"
)

// fiscal are the models of the fiscal-year operations, made once with the
// real binary from the default model.
type fiscal struct {
	archived, paf  string // conn with 2014 and 2015 archived; in/ with their PAF
	siteA2, state0 string // transfer source after one more entry; its state as of the base
	siteB, ptf     string // receiving site restored from the base; in/ with the PTF
	state1         string // the source's transfer state once that PTF was written
}

var (
	fiscalOnce sync.Once
	fiscalDirs *fiscal
)

func fiscalModels(t testing.TB) *fiscal {
	t.Helper()
	fiscalOnce.Do(func() {
		tp := theTemplate(t)
		root := filepath.Join(workDir, "fiscal")
		f := &fiscal{
			archived: filepath.Join(root, "archive", "conn"), paf: filepath.Join(root, "archive", "in"),
			siteA2: filepath.Join(root, "siteA2"), state0: filepath.Join(root, "etat0"),
			siteB: filepath.Join(root, "siteB"), ptf: filepath.Join(root, "ptf"), state1: filepath.Join(root, "etat1"),
		}
		for _, d := range []string{f.archived, f.paf, f.siteA2, f.state0, f.siteB, f.ptf, f.state1} {
			mkdir(t, d)
		}
		w := newWorld(t)
		w.mustRun(cmd("archiver", conn(w), args("--exercices", "2014,2015", "--vers", w.out, "--securite", w.safety))...)
		copyDir(t, w.conn, f.archived)
		copyDir(t, w.out, f.paf)

		w = newWorld(t)
		w.mustRun(cmd("transfert-export", conn(w), args("--vers", w.out, "--etat", w.state))...)
		copyTree(t, w.state, f.state0)
		copyFile(t, filepath.Join(tp.dir, "apres", "001SOC.db"), filepath.Join(f.siteA2, "001SOC.db"))
		a2 := filepath.Join(w.root, "siteA2")
		mkdir(t, a2)
		copyDir(t, f.siteA2, a2)
		w.mustRun("transfert-export", "--connexion", a2, "--dossier", "1", "--vers", f.ptf, "--etat", w.state)
		copyTree(t, w.state, f.state1)
		w.mustRun("restaurer", only(w, w.out, ".pbf"), "--connexion", f.siteB)
		fiscalDirs = f
	})
	if fiscalDirs == nil {
		t.Fatal("fiscal models failed in an earlier test")
	}
	return fiscalDirs
}

// ptfCarriesTheChange: a PTF under its final name, imported at the
// receiving site, gives it exactly the source's dossier — a transfer
// killed half-way never loses or repeats a change.
func ptfCarriesTheChange(w *world, _ string) {
	w.t.Helper()
	entries, _ := os.ReadDir(w.out)
	for _, e := range entries {
		if filepath.Ext(e.Name()) != ".ptf" || e.Name()[0] == '.' {
			continue
		}
		site := filepath.Join(w.root, "site-recepteur")
		os.RemoveAll(site)
		mkdir(w.t, site)
		copyDir(w.t, fiscalModels(w.t).siteB, site)
		w.mustRun("transfert-import", filepath.Join(w.out, e.Name()), "--connexion", site, "--dossier", "1", "--securite", filepath.Join(w.root, "securite-recepteur"))
		got := dossiertest.Dump(w.t, filepath.Join(site, "001SOC.db"))
		want := dossiertest.Dump(w.t, w.dossier())
		delete(got, "transferts") // each site's own record of what it applied
		delete(want, "transferts")
		if diff := dossiertest.Diff(want, got); diff != "" {
			w.t.Fatalf("the PTF does not carry the source's dossier: %s", diff)
		}
	}
}

var (
	accessOnce sync.Once
	accessDir  string
)

// accessModel is an Access database (Compta.mdb: Coffre packs it whole,
// so any bytes do) and, in in/, a backup of another version of it.
func accessModel(t testing.TB) model {
	t.Helper()
	accessOnce.Do(func() {
		dir := filepath.Join(workDir, "access")
		w := newWorld(t)
		noise := func(seed int64) []byte {
			b := make([]byte, 3<<20)
			rand.New(rand.NewSource(seed)).Read(b)
			return b
		}
		other := filepath.Join(w.root, "autre")
		mkdir(t, other)
		writeFile(t, filepath.Join(other, "Compta.mdb"), noise(2))
		for _, d := range []string{"conn", "in"} {
			mkdir(t, filepath.Join(dir, d))
		}
		w.mustRun("sauvegarder", "--fichier", filepath.Join(other, "Compta.mdb"), "--vers", filepath.Join(dir, "in"), "--nom", "Compta-apres")
		writeFile(t, filepath.Join(dir, "conn", "Compta.mdb"), noise(1))
		accessDir = dir
	})
	if accessDir == "" {
		t.Fatal("Access model failed in an earlier test")
	}
	return model{conn: filepath.Join(accessDir, "conn"), in: filepath.Join(accessDir, "in")}
}

// fileHash is the SHA-256 of a file taken whole (an Access database).
func fileHash(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("%x", sha256.Sum256(b))
}

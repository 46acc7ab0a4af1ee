//go:build unix

package faulttest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/cli"
	"coffre/internal/dossiertest"
	"coffre/internal/faults"
	"coffre/internal/store/sqlitestore"
)

// TestFaultConcurrent starts a second Coffre on the same dossier while the
// first is stopped inside its first progress event: the second refuses
// with « déjà en cours » and changes nothing, the first then completes.
// Two verifications of one file need no lock and both succeed.
func TestFaultConcurrent(t *testing.T) {
	for _, pair := range [][2]string{
		{"sauvegarder", "sauvegarder"},
		{"sauvegarder", "restaurer"},
		{"restaurer", "sauvegarder"},
		{"restaurer", "restaurer"},
		{"verifier", "verifier"},
		{"archiver", "sauvegarder"},
		{"decouper", "exporter"},
		{"transfert-export", "archiver"},
		{"administration", "decouper"},
		{"desarchiver", "sauvegarder"},
		{"transfert-import", "exporter"},
		{"restaurer-access", "sauvegarder-access"},
	} {
		first, second := findOp(t, pair[0]), findOp(t, pair[1])
		ref := first.reference(t)
		t.Run(first.name+"+"+second.name, func(t *testing.T) {
			t.Parallel()
			w := first.newWorld(t)
			p := w.start(first.args(w)...)
			if _, ok := p.Next(); !ok {
				t.Fatalf("%s ended at once: %s", first.name, p.Stderr.String())
			}
			code, out, errOut := w.run(second.args(w)...)
			if first.locks && second.locks {
				if code != cli.ExitInUse || !strings.Contains(errOut, "déjà en cours") {
					t.Fatalf("second %s: exit %d, want 10 (cli.ExitInUse) and « déjà en cours »:\n%s%s", second.name, code, out, errOut)
				}
			} else if code != 0 {
				t.Fatalf("second %s: exit %d:\n%s", second.name, code, errOut)
			}
			p.Ack()
			if code := p.Wait(); code != 0 {
				t.Fatalf("first %s: exit %d:\n%s", first.name, code, p.Stderr.String())
			}
			if got := first.checkAfterFault(w, ref); got != ref.after {
				t.Fatalf("%s did not reach its after state", first.name)
			}
			w.noTemp()
		})
	}
}

// TestFaultStaleSidecars leaves garbage -wal, -shm and -journal files next
// to the dossier (and next to where a restore will put one) before each
// operation: they are never replayed, the operation succeeds, and a
// restore removes them.
func TestFaultStaleSidecars(t *testing.T) {
	for _, op := range operations {
		if op.hash != nil {
			continue // not a SQLite database: no SQLite journal to meet
		}
		t.Run(op.name, func(t *testing.T) {
			t.Parallel()
			ref := op.reference(t)
			w := op.newWorld(t)
			garbage := bytes.Repeat([]byte("pas un journal SQLite \xff\x00"), 400)
			targets := []string{w.dossier(), op.targetPath(w)}
			for _, db := range targets {
				for _, s := range []string{"-wal", "-shm", "-journal"} {
					if err := os.WriteFile(db+s, garbage, 0o644); err != nil {
						t.Fatal(err)
					}
				}
			}
			code, out, errOut := w.run(op.args(w)...)
			if code != 0 {
				t.Fatalf("exit %d:\n%s%s", code, out, errOut)
			}
			if got := op.checkAfterFault(w, ref); got != ref.after {
				t.Fatalf("not in its after state")
			}
			if ref.after != ref.before || op.target != nil {
				for _, s := range []string{"-wal", "-shm", "-journal"} {
					if _, err := os.Stat(op.targetPath(w) + s); err == nil {
						t.Errorf("stale %s left next to the restored dossier", s)
					}
				}
			}
			for _, pbf := range newBackups(t, w.dest) {
				if got := pbfHash(t, pbf); got != ref.before {
					t.Fatalf("backup %s does not hold the dossier as it was", filepath.Base(pbf))
				}
			}
			w.noTemp()
		})
	}
}

// newBackups lists the backups in dir other than the earlier one.
func newBackups(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".pbf") && !strings.HasPrefix(e.Name(), ".") && e.Name() != "001-SOC_20250101_0900.pbf" {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	return out
}

// hashWith is the RowHash dossier 001 of the template has once n entries
// are added, as the management software adds them.
func hashWith(t testing.TB, dir string, n int) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "001SOC.db")
	copyFile(t, filepath.Join(dir, "conn", "001SOC.db"), p)
	if _, err := os.Stat(filepath.Join(dir, "conn", "001SOC.db-wal")); err == nil {
		copyFile(t, filepath.Join(dir, "conn", "001SOC.db-wal"), p+"-wal")
	}
	addEntry(t, p, n)
	return checkedHash(t, p)
}

// TestFaultSourceModified commits entries into the dossier while an
// operation is stopped at its k-th event, as the management software
// would: a backup holds the dossier exactly as it was before or after the
// write (rollback-journal and WAL modes), a restore's safety backup holds
// what it replaced, and nothing is corrupted.
func TestFaultSourceModified(t *testing.T) {
	t.Parallel()
	type row struct {
		name string
		op   string
		wal  bool
		at   int // event at which the write starts; ≤ 0: counted from the end
	}
	for _, r := range []row{
		{"sauvegarder-journal", "sauvegarder", false, 2},
		{"sauvegarder-journal-fin", "sauvegarder", false, -2},
		{"sauvegarder-wal", "sauvegarder", true, 2},
		{"sauvegarder-wal-fin", "sauvegarder", true, -2},
		{"restaurer", "restaurer", false, 2},
	} {
		t.Run(r.name, func(t *testing.T) {
			op := findOp(t, r.op)
			var w *world
			var dir string
			if r.wal {
				dir = walTemplate(t)
				w = worldFrom(t, dir, checkedHash(t, filepath.Join(dir, "conn", "001SOC.db")), "")
			} else {
				w, dir = newWorld(t), theTemplate(t).dir
			}
			written := hashWith(t, dir, 2)
			if r.at <= 0 {
				r.at += op.reference(t).events
			}
			p := w.start(op.args(w)...)
			for i := 1; i <= r.at; i++ {
				if _, ok := p.Next(); !ok {
					t.Fatalf("ended before event %d", r.at)
				}
				if i < r.at {
					p.Ack()
				}
			}
			// The writer may wait for the backup's read lock: it runs
			// beside the operation, which goes on.
			done := make(chan error, 1)
			go func() { done <- writeTo(w.dossier(), 2) }()
			p.Ack()
			code := p.Wait()
			if err := <-done; err != nil {
				t.Fatalf("management software's write failed: %v", err)
			}
			if code != 0 {
				t.Fatalf("exit %d:\n%s", code, p.Stderr.String())
			}
			switch r.op {
			case "sauvegarder":
				w.checkDossier(w.dossier(), written)
				for _, pbf := range newBackups(t, w.dest) {
					if got := pbfHash(t, pbf); got != w.before && got != written {
						t.Fatalf("backup holds neither the dossier before nor after the write")
					}
				}
			case "restaurer":
				w.checkDossier(w.dossier(), w.after)
				safety := newBackups(t, w.safety)
				if len(safety) != 1 {
					t.Fatalf("safety backups: %v", safety)
				}
				if got := pbfHash(t, safety[0]); got != w.before && got != written {
					t.Fatal("safety backup holds neither the replaced dossier before nor after the write")
				}
			}
			w.checkBackups(w.dest, w.safety, w.in)
			w.noTemp()
		})
	}
}

func writeTo(path string, n int) error {
	db, err := sqlitestore.OpenRW(path)
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec("PRAGMA busy_timeout = 120000"); err != nil {
		return err
	}
	return writeEntries(db, n)
}

// walTemplate is the template with the dossier in WAL mode.
func walTemplate(t testing.TB) string {
	t.Helper()
	walOnce.Do(func() { walDir = buildTemplate(t, true) })
	if walDir == "" {
		t.Fatal("WAL template failed in an earlier test")
	}
	return walDir
}

// TestFaultModifiedFile flips a bit of the backup being verified or
// restored while the operation runs: it either completes (the bit was
// already read and checked) or refuses with a French message, and the
// dossier is never touched by a refused restore.
func TestFaultModifiedFile(t *testing.T) {
	t.Parallel()
	for _, opName := range []string{"verifier", "restaurer"} {
		for _, at := range []int{1, 3} {
			t.Run(opName+"/evenement-"+itoa(at), func(t *testing.T) {
				w := newWorld(t)
				file := filepath.Join(w.root, "copie.pbf")
				copyFile(t, filepath.Join(w.in, "apres.pbf"), file)
				args := []string{"verifier", file, "--complet"}
				if opName == "restaurer" {
					args = []string{"restaurer", file, "--connexion", w.conn, "--remplacer", "--securite", w.safety}
				}
				p := w.start(args...)
				for i := 1; i < at; i++ {
					p.Next()
					p.Ack()
				}
				p.Next()
				if err := faults.FlipFile(file, fileSize(t, file)/2, 0x10); err != nil {
					t.Fatal(err)
				}
				p.Ack()
				code := p.Wait()
				errOut := p.Stderr.String()
				if code != 0 && (!strings.Contains(errOut, "endommag") || strings.Contains(errOut, "Erreur inattendue")) {
					t.Fatalf("exit %d without a clear message:\n%s", code, errOut)
				}
				state := w.checkDossier(w.dossier(), w.before, w.after)
				if code != 0 && state != w.before {
					t.Fatal("a refused restore changed the dossier")
				}
				w.checkBackups(w.dest, w.safety, w.in)
				w.noTemp()
			})
		}
	}
}

// TestHostileRestore: a backup of another company refused over a dossier
// unless confirmed, then taken only after a safety backup; a file from a
// newer Coffre refused by verifier and restaurer with « mettez Coffre à
// jour ».
func TestHostileRestore(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	other := filepath.Join(t.TempDir(), "001SOC.db")
	dossiertest.BuildV1(t, other, dossiertest.WithIdentifiant("0b5e8f3a-1111-4c3e-8a21-000000000000"))
	otherHash := checkedHash(t, other)
	res, err := backup.Run(context.Background(), backup.Request{Source: sqlitestore.File(other), DestDir: w.root, Name: "autre"})
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"restaurer", res.Path, "--connexion", w.conn, "--remplacer", "--securite", w.safety}
	code, _, errOut := w.run(args...)
	if code != 1 || !strings.Contains(errOut, "n'est pas le même dossier") || !strings.Contains(errOut, "--autre-dossier") {
		t.Fatalf("restore over another company: exit %d\n%s", code, errOut)
	}
	w.checkDossier(w.dossier(), w.before)
	if len(newBackups(t, w.safety)) != 0 {
		t.Fatal("a refused restore left a safety backup")
	}
	out := w.mustRun(append(args, "--autre-dossier")...)
	safety := newBackups(t, w.safety)
	if len(safety) != 1 || !strings.Contains(out, filepath.Base(safety[0])) || pbfHash(t, safety[0]) != w.before {
		t.Fatalf("confirmed restore: no safety backup of the replaced dossier named in\n%s", out)
	}
	w.checkDossier(w.dossier(), otherHash)
	w.noTemp()

	newer := filepath.Join(w.root, "futur.pbf")
	b, err := os.ReadFile(w.earlier())
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(b[:64], []byte(`"format":1`))
	if i < 0 {
		t.Fatalf("no format in the marker: %q", b[:64])
	}
	b[i+len(`"format":`)] = '2'
	if err := os.WriteFile(newer, b, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"verifier", newer},
		{"contenu", newer},
		{"restaurer", newer, "--connexion", w.conn, "--remplacer", "--autre-dossier", "--securite", w.safety},
	} {
		code, _, errOut := w.run(args...)
		if code != 1 || !strings.Contains(errOut, "plus récent") || !strings.Contains(errOut, "mettez Coffre à jour") {
			t.Fatalf("%s of a newer format: exit %d\n%s", args[0], code, errOut)
		}
	}
	w.checkDossier(w.dossier(), otherHash)
}

// TestFaultHotJournal backs up a dossier whose management software died in
// the middle of a write: the file and its -journal are copied while a big
// transaction has already spilled pages into the file. The backup holds
// the dossier as it was before that transaction (SQLite rolls it back),
// never half of it.
func TestFaultHotJournal(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	db, err := sqlitestore.OpenRW(w.dossier())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{"PRAGMA cache_size = 10", "BEGIN", "UPDATE annexes SET contenu = zeroblob(length(contenu))", "DELETE FROM lignes WHERE id % 2 = 0"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	crash := filepath.Join(w.root, "crash")
	mkdir(t, crash)
	copyFile(t, w.dossier(), filepath.Join(crash, "001SOC.db"))
	copyFile(t, w.dossier()+"-journal", filepath.Join(crash, "001SOC.db-journal"))
	if _, err := db.Exec("ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	left := filepath.Join(crash, "001SOC.db")
	dbSum, jSum := fileSHA(t, left), fileSHA(t, left+"-journal")
	w.mustRun("liste", "--connexion", crash)
	code, out, errOut := w.run("sauvegarder", "--connexion", crash, "--dossier", "1", "--vers", w.dest, "--nom", "apres-crash", "--verifier")
	if code != 0 {
		t.Fatalf("sauvegarder: exit %d\n%s%s", code, out, errOut)
	}
	if got := pbfHash(t, filepath.Join(w.dest, "apres-crash.pbf")); got != w.before {
		t.Fatal("the backup does not hold the dossier as it was before the interrupted write")
	}
	if !strings.Contains(errOut, "écriture interrompue") {
		t.Errorf("the backup does not say it rolled an interrupted write back in its copy:\n%s", errOut)
	}
	// The dossier and its journal are the management software's: Coffre
	// rolled the write back in its own copy, not in them.
	if fileSHA(t, left) != dbSum || fileSHA(t, left+"-journal") != jSum {
		t.Fatal("liste or sauvegarder wrote to the dossier or its journal")
	}
	w.checkDossier(left, w.before)
}

// TestFaultForeignJournalBesideDossier puts beside the dossier the hot
// -journal of another, smaller database whose writer was killed
// (kill -9 of a sqlite3 process in the middle of a transaction): an old
// copy put back by hand after a crash. SQLite would replay it into the
// dossier at the first opening, truncating it to the other database's size;
// liste and sauvegarder must leave both files byte for byte as they are,
// back the dossier up as it is, and say the journal is not its own.
func TestFaultForeignJournalBesideDossier(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	other := filepath.Join(t.TempDir(), "autre.db")
	if out, err := exec.Command("sqlite3", other, "CREATE TABLE t (x); WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 2000) INSERT INTO t SELECT randomblob(80) FROM c;").CombinedOutput(); err != nil {
		t.Skipf("sqlite3: %v %s", err, out)
	}
	faults.KilledSQLiteWriter(t, other, "BEGIN", "UPDATE t SET x = randomblob(80)", "DELETE FROM t WHERE rowid % 2 = 0")
	journal := w.dossier() + "-journal"
	copyFile(t, other+"-journal", journal)
	dbSum, jSum := fileSHA(t, w.dossier()), fileSHA(t, journal)
	for _, args := range [][]string{
		{"liste", "--connexion", w.conn},
		{"sauvegarder", "--connexion", w.conn, "--dossier", "1", "--vers", w.dest, "--nom", "journal-etranger", "--verifier"},
	} {
		code, out, errOut := w.run(args...)
		if code != 0 || !strings.Contains(errOut, "ne correspond pas à ce dossier") {
			t.Errorf("%s: exit %d, want success and « ne correspond pas à ce dossier »:\n%s%s", args[0], code, out, errOut)
		}
		if fileSHA(t, w.dossier()) != dbSum || fileSHA(t, journal) != jSum {
			t.Fatalf("%s wrote to the dossier or to the journal beside it", args[0])
		}
	}
	if got := pbfHash(t, filepath.Join(w.dest, "journal-etranger.pbf")); got != w.before {
		t.Fatal("the backup does not hold the dossier as it is")
	}
	os.Remove(journal)
	w.checkDossier(w.dossier(), w.before)
	w.noTemp()
}

func fileSHA(tb testing.TB, path string) [32]byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return sha256.Sum256(b)
}

// TestFaultStaleJournalNextToOutput leaves a real hot journal — taken from
// another database in the middle of a write — where an operation is about
// to create a database (E001SOC.db, 001SOC_CUT001.db, a restore under a
// new number, the admin copy): SQLite would replay it into the new file
// at its first opening. The new file must open as written.
func TestFaultStaleJournalNextToOutput(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		op, file string
		folder   func(w *world) string
		want     func(w *world) string
	}{
		{"exporter", "E001SOC.db", func(w *world) string { return w.out }, func(w *world) string { return w.before }},
		{"restaurer-nouveau-numero", "005SOC.db", func(w *world) string { return w.conn }, func(w *world) string { return copyAfter(w.t, "005") }},
		{"decouper", "001SOC_CUT001.db", func(w *world) string { return w.out }, nil},
		{"administration", "Admin001SOC_2023.db", func(w *world) string { return w.out }, nil},
	} {
		t.Run(c.op, func(t *testing.T) {
			op := findOp(t, c.op)
			w := op.newWorld(t)
			hotJournal(t, w, filepath.Join(c.folder(w), c.file+"-journal"))
			code, out, errOut := w.run(op.args(w)...)
			if code != 0 {
				t.Fatalf("exit %d:\n%s%s", code, out, errOut)
			}
			got := op.state(t, filepath.Join(c.folder(w), c.file))
			if c.want != nil && got != c.want(w) {
				t.Fatalf("%s was changed by a stale journal", c.file)
			}
		})
	}
}

// hotJournal writes at path the -journal of another database (a copy of
// the world's dossier) as a crash in the middle of a big write leaves it.
func hotJournal(t *testing.T, w *world, path string) {
	t.Helper()
	other := filepath.Join(t.TempDir(), "autre.db")
	copyFile(t, w.dossier(), other)
	db, err := sqlitestore.OpenRW(other)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{"PRAGMA cache_size = 10", "BEGIN", "UPDATE annexes SET contenu = zeroblob(length(contenu))", "DELETE FROM lignes WHERE id % 3 = 0"} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, other+"-journal", path)
	if _, err := db.Exec("ROLLBACK"); err != nil {
		t.Fatal(err)
	}
}

// TestHostileTransfer imports partial transfers that must be refused before
// anything is touched: one already applied, one that skips a transfer, one
// of another company's dossier.
func TestHostileTransfer(t *testing.T) {
	t.Parallel()
	f := fiscalModels(t)
	op := findOp(t, "transfert-import")
	w := op.newWorld(t)
	ptf1 := only(w, w.in, ".ptf")
	w.mustRun(op.args(w)...)
	applied := checkedHash(t, w.dossier())

	// The source goes on: one more entry, transfer n° 2.
	src := filepath.Join(w.root, "source")
	mkdir(t, src)
	copyDir(t, f.siteA2, src)
	addEntry(t, filepath.Join(src, "001SOC.db"), 1)
	state := filepath.Join(w.root, "etat-source")
	copyTree(t, f.state1, state)
	ptfs := filepath.Join(w.root, "ptf2")
	mkdir(t, ptfs)
	w.mustRun("transfert-export", "--connexion", src, "--dossier", "1", "--vers", ptfs, "--etat", state)
	ptf2 := only(w, ptfs, ".ptf")

	// A site that never received n° 1.
	gap := filepath.Join(w.root, "site-sans-1")
	mkdir(t, gap)
	copyDir(t, f.siteB, gap)
	gapBefore := checkedHash(t, filepath.Join(gap, "001SOC.db"))

	// Another company's dossier under the same number.
	other := filepath.Join(w.root, "autre-societe")
	mkdir(t, other)
	dossiertest.BuildV1(t, filepath.Join(other, "001SOC.db"), dossiertest.WithIdentifiant("0b5e8f3a-2222-4c3e-8a21-000000000000"))
	otherBefore := checkedHash(t, filepath.Join(other, "001SOC.db"))

	for _, c := range []struct {
		name, file, conn, want string
	}{
		{"rejoue", ptf1, w.conn, "a déjà été appliqué"},
		{"trou", ptf2, gap, "Il manque un transfert"},
		{"autre-dossier", ptf1, other, "pas du dossier"},
	} {
		code, _, errOut := w.run("transfert-import", c.file, "--connexion", c.conn, "--dossier", "1", "--securite", w.safety)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, want « %s »:\n%s", c.name, code, c.want, errOut)
		}
	}
	w.checkDossier(w.dossier(), applied)
	w.checkDossier(filepath.Join(gap, "001SOC.db"), gapBefore)
	w.checkDossier(filepath.Join(other, "001SOC.db"), otherBefore)
	w.noTemp()
}

// TestHostileKinds hands each verb a file of the wrong kind or of another
// company: every one is refused with a French reason, and no dossier is
// touched.
func TestHostileKinds(t *testing.T) {
	t.Parallel()
	f := fiscalModels(t)
	w := findOp(t, "desarchiver").newWorld(t)
	paf := only(w, w.in, ".paf")
	ptf := only(&world{t: t}, f.ptf, ".ptf")
	other := filepath.Join(w.root, "autre-societe")
	mkdir(t, other)
	dossiertest.BuildV1(t, filepath.Join(other, "001SOC.db"), dossiertest.WithIdentifiant("0b5e8f3a-3333-4c3e-8a21-000000000000"))
	before, otherBefore := checkedHash(t, w.dossier()), checkedHash(t, filepath.Join(other, "001SOC.db"))
	for _, c := range []struct {
		args []string
		want string
	}{
		{args("desarchiver", paf, "--connexion", other, "--dossier", "1", "--securite", w.safety), "pas au dossier"},
		{args("transfert-import", paf, "--connexion", w.conn, "--dossier", "1", "--securite", w.safety), "n'est pas un fichier de transfert partiel"},
		{args("restaurer", paf, "--connexion", w.conn, "--numero", "9"), "pas une sauvegarde complète"},
		{args("restaurer", ptf, "--connexion", w.conn, "--numero", "9"), "pas une sauvegarde complète"},
		{args("desarchiver", w.earlier(), "--connexion", w.conn, "--dossier", "1", "--securite", w.safety), ""},
	} {
		code, _, errOut := w.run(c.args...)
		if code == 0 || !strings.Contains(errOut, c.want) || strings.Contains(errOut, "Erreur inattendue") {
			t.Errorf("%s %s: exit %d, want « %s »:\n%s", c.args[0], filepath.Base(c.args[1]), code, c.want, errOut)
		}
	}
	w.checkDossier(w.dossier(), before)
	w.checkDossier(filepath.Join(other, "001SOC.db"), otherBefore)
	if exists(filepath.Join(w.conn, "009SOC.db")) {
		t.Fatal("a refused restore created a dossier")
	}
	w.noTemp()
}

// TestFaultWriteDuringFiscalOperation: the management software commits two
// entries while a fiscal-year operation is half-way. The operation either
// completes or refuses with a French reason; the dossier stays sound and
// keeps both entries (written in 2025, which no row here moves away).
func TestFaultWriteDuringFiscalOperation(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"exporter", "transfert-import", "archiver", "desarchiver", "administration", "decouper"} {
		op := findOp(t, name)
		t.Run(name, func(t *testing.T) {
			at := op.reference(t).events / 2
			w := op.newWorld(t)
			p := w.start(op.args(w)...)
			for i := 1; i <= at; i++ {
				if _, ok := p.Next(); !ok {
					t.Fatalf("ended before event %d", at)
				}
				if i < at {
					p.Ack()
				}
			}
			done := make(chan error, 1)
			go func() { done <- writeTo(w.dossier(), 2) }()
			p.Ack()
			code := p.Wait()
			if err := <-done; err != nil {
				t.Fatalf("management software's write failed: %v", err)
			}
			if code != 0 && (code != 1 || strings.Contains(p.Stderr.String(), "Erreur inattendue")) {
				t.Fatalf("exit %d:\n%s", code, p.Stderr.String())
			}
			checkedHash(t, w.dossier())
			db, err := sqlitestore.OpenRO(w.dossier())
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var n int
			if err := db.QueryRow(`SELECT count(*) FROM ecritures WHERE libelle = 'Vente ajoutée pendant l''opération'`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			t.Logf("exit %d: %s", code, strings.TrimSpace(p.Stderr.String()))
			want := 2 + baseEntries(t, op)
			if name == "transfert-import" && code == 0 {
				want++ // and the one the PTF carries
			}
			if n != want {
				t.Fatalf("%d entries written during the operation are in the dossier, want %d (exit %d)", n, want, code)
			}
			w.checkOutputs()
			w.noTemp()
		})
	}
}

// baseEntries is how many « added » entries the model's dossier starts
// with (the transfer sites hold the one the PTF carries, or will).
func baseEntries(t *testing.T, op operation) int {
	t.Helper()
	w := op.newWorld(t)
	db, err := sqlitestore.OpenRO(w.dossier())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM ecritures WHERE libelle = 'Vente ajoutée pendant l''opération'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

package backup_test

import (
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/testenv"
)

// names lists the files in dir, hidden ones included.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out
}

func TestBackupNamesAndVerify(t *testing.T) {
	s, _ := testenv.Folder(t)
	dest := t.TempDir()
	at := time.Date(2026, 11, 21, 21, 30, 0, 0, time.Local)
	req := backup.Request{Source: store.InStore(s, "001"), DestDir: dest, Verify: true, Now: func() time.Time { return at }}
	res, err := backup.Run(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res.Path) != "001-SOC_20261121_2130.pbf" || !res.Verified || res.Size <= 0 {
		t.Fatalf("result %+v", res)
	}
	if res.Manifest.Dossier.Identifiant == "" || len(res.Manifest.Stats.Exercices) != 12 {
		t.Fatalf("manifest %+v", res.Manifest)
	}
	// Same minute: a second file, never an overwrite.
	res2, err := backup.Run(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(res2.Path) != "001-SOC_20261121_2130_2.pbf" {
		t.Fatalf("second backup in the same minute: %s", res2.Path)
	}
	req.Name = "../évasion"
	if _, err := backup.Run(context.Background(), req); err == nil {
		t.Fatal("a name with a path separator was accepted")
	}
	req.Name = "Clôture 2025"
	res3, err := backup.Run(context.Background(), req)
	if err != nil || filepath.Base(res3.Path) != "Clôture 2025.pbf" {
		t.Fatalf("custom name: %v %v", res3.Path, err)
	}
	if got := names(t, dest); len(got) != 3 {
		t.Fatalf("destination holds %v", got)
	}
}

func TestBackupPlainFile(t *testing.T) {
	src := filepath.Join(t.TempDir(), "ma base.sqlite")
	dossiertest.BuildPlain(t, src)
	res, err := backup.Run(context.Background(), backup.Request{Source: sqlitestore.File(src), DestDir: t.TempDir(), Verify: true})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filepath.Base(res.Path), "ma base_") || len(res.Manifest.Stats.Exercices) != 0 || len(res.Manifest.Stats.Tables) == 0 {
		t.Fatalf("plain file backup %s %+v", res.Path, res.Manifest.Stats)
	}
}

func TestBackupCancelLeavesNothing(t *testing.T) {
	s, _ := testenv.Folder(t)
	dest := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	_, err := backup.Run(ctx, backup.Request{Source: store.InStore(s, "001"), DestDir: dest, Verify: true,
		Progress: func(dossier.Event) { cancel() }})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled backup: %v", err)
	}
	if got := names(t, dest); len(got) != 0 {
		t.Fatalf("cancelled backup left %v", got)
	}
	if i18n.Describe(err) != "Opération annulée." {
		t.Fatalf("message %q", i18n.Describe(err))
	}
}

func TestSecondRunRefused(t *testing.T) {
	s, _ := testenv.Folder(t)
	unlock, err := s.Lock(context.Background(), "001")
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	dest := t.TempDir()
	_, err = backup.Run(context.Background(), backup.Request{Source: store.InStore(s, "001"), DestDir: dest})
	if !errors.Is(err, dossier.ErrInUse) || !strings.Contains(i18n.Describe(err), "déjà en cours") {
		t.Fatalf("concurrent run: %v", err)
	}
	if got := names(t, dest); len(got) != 0 {
		t.Fatalf("refused run left %v", got)
	}
}

func TestBackupEncryptedHasNoClearText(t *testing.T) {
	s, _ := testenv.Folder(t)
	res, err := backup.Run(context.Background(), backup.Request{Source: store.InStore(s, "001"), DestDir: t.TempDir(), Verify: true, Passphrase: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(res.Path)
	for _, clear := range []string{"SQLite format 3", "manifest.json", "dossier.db", "ecritures", "COFFRE"} {
		if strings.Contains(string(b), clear) {
			t.Fatalf("encrypted backup shows %q in clear", clear)
		}
	}
	if _, err := pack.Inspect(context.Background(), res.Path, pack.ReadOptions{Passphrase: "wrong"}); !errors.Is(err, dossier.ErrWrongPassphrase) {
		t.Fatalf("wrong passphrase: %v", err)
	}
}

// TestBackupDiskFull writes to a 1 MB tmpfs: the backup fails with the
// disk-full message and leaves nothing there.
func TestBackupDiskFull(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	s, _ := testenv.Folder(t)
	dest := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", dest).CombinedOutput(); err != nil {
		t.Skipf("no tmpfs here: %v %s", err, out)
	}
	defer exec.Command("umount", dest).Run()
	_, err := backup.Run(context.Background(), backup.Request{Source: store.InStore(s, "001"), DestDir: dest, Verify: true})
	if !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("backup onto a full disk: %v", err)
	}
	if !strings.Contains(i18n.Describe(err), "Espace disque insuffisant") {
		t.Fatalf("message %q", i18n.Describe(err))
	}
	if got := names(t, dest); len(got) != 0 {
		t.Fatalf("disk-full backup left %v", got)
	}
}

// TestManagementSoftwareKeepsWriting: while the backup compresses and
// checks the dossier, the management software commits (the sqlite3 command
// line, another process, with no busy timeout at all): nothing holds the
// dossier any more once the private copy is taken. Before, the backup's
// read transaction blocked every commit for the whole compression (« database
// is locked »). The backup holds the dossier as it was before that commit.
func TestManagementSoftwareKeepsWriting(t *testing.T) {
	if _, err := exec.LookPath("sqlite3"); err != nil {
		t.Skip("sqlite3 command line not installed")
	}
	s, dir := testenv.Folder(t)
	path := filepath.Join(dir, "001SOC.db")
	before := dossiertest.Dump(t, path)
	var out []byte
	var werr error
	wrote := false
	progress := func(e dossier.Event) {
		if e.Phase != dossier.PhaseCompression || wrote {
			return
		}
		wrote = true
		out, werr = exec.Command("sqlite3", "-cmd", ".timeout 0", path,
			"INSERT INTO sessions VALUES ('POSTE-2', 'marie', 'Compta', '2026-11-21T10:00:00', '2026-11-21T10:00:00')").CombinedOutput()
	}
	res, err := backup.Run(context.Background(), backup.Request{Source: store.InStore(s, "001"), DestDir: t.TempDir(), Verify: true, Progress: progress})
	if err != nil {
		t.Fatal(err)
	}
	if !wrote || werr != nil {
		t.Fatalf("the management software could not commit during the backup (%v): %s", werr, out)
	}
	img := filepath.Join(t.TempDir(), "img.db")
	f, _ := os.Create(img)
	if _, err := pack.Read(context.Background(), res.Path, pack.ReadOptions{}, func(p pack.Part, r io.Reader) error {
		_, err := io.Copy(f, r)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if d := dossiertest.Diff(before, dossiertest.Dump(t, img)); d != "" {
		t.Fatalf("the backup is not the dossier as it was when it started: %s", d)
	}
}

// TestTwoBackupsSameNameSameMinute: two connexions back up their dossier
// 001 into one destination in the same minute, at once. Both succeed, under
// distinct names, each file its own dossier (issue #17, point 10: one
// failed with « Erreur inattendue : … file already exists », 3 times out
// of 3).
func TestTwoBackupsSameNameSameMinute(t *testing.T) {
	dest := t.TempDir()
	at := time.Date(2026, 11, 21, 21, 30, 0, 0, time.Local)
	for round := 0; round < 3; round++ {
		const n = 3
		errs := make(chan error, n)
		paths := make(chan string, n)
		var reqs []backup.Request
		for i := 0; i < n; i++ {
			s, _ := testenv.Folder(t)
			reqs = append(reqs, backup.Request{Source: store.InStore(s, "001"), DestDir: dest, Verify: true, Name: "Clôture " + strconv.Itoa(round), Now: func() time.Time { return at }})
		}
		start := make(chan struct{})
		for _, req := range reqs {
			go func() {
				<-start
				res, err := backup.Run(context.Background(), req)
				errs <- err
				paths <- res.Path
			}()
		}
		close(start)
		seen := map[string]bool{}
		for i := 0; i < n; i++ {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %s", round, i18n.Describe(err))
			}
			p := <-paths
			if seen[p] {
				t.Fatalf("round %d: two backups reported under %s", round, p)
			}
			seen[p] = true
			if _, err := pack.Inspect(context.Background(), p, pack.ReadOptions{}); err != nil {
				t.Fatalf("round %d: %s: %v", round, p, err)
			}
		}
	}
	if got := names(t, dest); len(got) != 9 {
		t.Fatalf("destination holds %v, want 9 backups", got)
	}
}

// TestBackupNameRefused: a --nom no file system takes (300 characters, a
// Windows device name) is refused in French before anything is read; it
// used to spin at 100 % CPU, holding the dossier's lock (issue #17, point 9).
func TestBackupNameRefused(t *testing.T) {
	s, _ := testenv.Folder(t)
	dest := t.TempDir()
	for _, c := range []struct{ name, want string }{
		{strings.Repeat("n", 300), "trop long"},
		{"CON", "réservé par Windows"},
		{"aux.2025", "réservé par Windows"},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := backup.Run(context.Background(), backup.Request{Source: store.InStore(s, "001"), DestDir: dest, Name: c.name})
			done <- err
		}()
		select {
		case err := <-done:
			if err == nil || !strings.Contains(i18n.Describe(err), c.want) {
				t.Errorf("--nom %.20q: %v, want « %s »", c.name, err, c.want)
			}
		case <-time.After(30 * time.Second):
			t.Fatalf("--nom %.20q: still running after 30 s", c.name)
		}
	}
	if got := names(t, dest); len(got) != 0 {
		t.Fatalf("destination holds %v", got)
	}
}

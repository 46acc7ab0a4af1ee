package odbcstore_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/cli"
	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/restore"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// TestRoundTripPostgreSQL: a schema-v1 dossier built by someone else goes
// SQLite → PostgreSQL (restore.Run) → listed there → backed up from
// PostgreSQL (verified) → restored into a SQLite folder, and comes back
// identical row for row. The password, with ; = { }, is typed in its own
// field, works, and shows up in no output, manifest or file.
func TestRoundTripPostgreSQL(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	cleanServer(t, c)
	password, _ := c.Get("Pwd")
	if !strings.ContainsAny(password, ";=") {
		t.Fatalf("the test password must hold ; and = to test the quoting")
	}
	work := t.TempDir()
	src := filepath.Join(work, "source", "001SOC.db")
	dossiertest.BuildV1(t, src)
	want := dossiertest.Dump(t, src)

	// As the wizard does: connection string without the password, and the
	// password from its own field.
	s, err := connexion.OpenODBC(ctx, c.Without("Pwd").String(), "", password)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	res, err := restore.Run(ctx, restore.Request{File: src, Store: s, SafetyDir: filepath.Join(work, "securite")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Numero != "001" {
		t.Fatalf("restored as %s", res.Numero)
	}

	// The command line, in-process, with the password inside the spec.
	spec := "odbc:" + c.String()
	var stdout, stderr bytes.Buffer
	env := &cli.Env{Ctx: ctx, Stdout: &stdout, Stderr: &stderr}
	if code := cli.Run(env, []string{"liste", "--connexion", spec}); code != 0 {
		t.Fatalf("liste: %d\n%s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "001") || !strings.Contains(stdout.String(), "SOC") {
		t.Fatalf("liste does not show 001 SOC:\n%s", stdout.String())
	}
	list, err := s.List(ctx)
	if err != nil || len(list) != 1 || list[0].Numero != "001" || list[0].Schema != "v1" || list[0].Exercices != 12 {
		t.Fatalf("listing %+v, %v", list, err)
	}

	out := filepath.Join(work, "sauvegardes")
	os.MkdirAll(out, 0o755)
	if code := cli.Run(env, []string{"sauvegarder", "--connexion", spec, "--dossier", "1", "--vers", out, "--nom", "depuis-pg", "--verifier"}); code != 0 {
		t.Fatalf("sauvegarder: %d\n%s", code, stderr.String())
	}
	pbf := filepath.Join(out, "depuis-pg.pbf")
	m, err := pack.Inspect(ctx, pbf, pack.ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Source.Kind != "odbc" || m.Source.Dialect != "postgresql" || !strings.Contains(m.Source.Description, "Uid=") {
		t.Fatalf("manifest source %+v", m.Source)
	}
	if strings.Contains(strings.ToLower(m.Source.Description), "pwd") {
		t.Fatalf("manifest source holds the password keyword: %s", m.Source.Description)
	}

	folder := filepath.Join(work, "dossiers")
	os.MkdirAll(folder, 0o755)
	if code := cli.Run(env, []string{"restaurer", pbf, "--connexion", folder}); code != 0 {
		t.Fatalf("restaurer: %d\n%s", code, stderr.String())
	}
	if d := dossiertest.Diff(want, dossiertest.Dump(t, filepath.Join(folder, "001SOC.db"))); d != "" {
		t.Fatalf("SQLite → PostgreSQL → SQLite changed the dossier: %s", d)
	}

	// A wrong password: refused, and neither password shows in the error.
	_, err = connexion.OpenODBC(ctx, c.Without("Pwd").String(), "", password+"x;")
	if err == nil {
		t.Fatal("a wrong password was accepted")
	}
	msg := i18n.Describe(err) + err.Error()

	for _, leak := range []string{password, "Pa;ss"} {
		if strings.Contains(stdout.String()+stderr.String()+msg, leak) {
			t.Fatalf("the password shows in the output:\n%s\n%s\n%s", stdout.String(), stderr.String(), msg)
		}
		filepath.WalkDir(work, func(p string, e fs.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			b, _ := os.ReadFile(p)
			if bytes.Contains(b, []byte(leak)) {
				t.Errorf("the password is written in %s", p)
			}
			return nil
		})
	}
	mj, _ := os.ReadFile(pbf)
	if bytes.Contains(mj, []byte("Pwd")) {
		t.Errorf("the backup file names the password keyword")
	}
}

// TestReplaceRefusedWhileConnected: a restore over a dossier someone has
// open on the server is refused with « Fermez … sur … », and goes through
// only once the user confirmed.
func TestReplaceRefusedWhileConnected(t *testing.T) {
	ctx := context.Background()
	s := openPG(t)
	src := filepath.Join(t.TempDir(), "001SOC.db")
	dossiertest.BuildV1(t, src)
	if _, err := restore.Run(ctx, restore.Request{File: src, Store: s, SafetyDir: t.TempDir()}); err != nil {
		t.Fatal(err)
	}
	// The management software, connected to the dossier's database.
	other := openRaw(t, pgConn(t).With("Database", "001SOC").With("pqopt", "application_name=Compta"))
	if _, err := other.Exec("SELECT 1"); err != nil {
		t.Fatal(err)
	}
	req := restore.Request{File: src, Store: s, Replace: true, SafetyDir: t.TempDir()}
	_, err := restore.Run(ctx, req)
	if !errors.Is(err, dossier.ErrInUse) || !strings.Contains(i18n.Describe(err), "Compta") {
		t.Fatalf("restore over an open dossier: %v", err)
	}
	if err := other.Ping(); err != nil {
		t.Fatalf("the other session was cut without confirmation: %v", err)
	}
	req.IgnoreSessions = true
	if _, err := restore.Run(ctx, req); err != nil {
		t.Fatal(err)
	}
	snap, err := store.InStore(s, "001").Snapshot(ctx, store.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if snap.Identity().Identifiant != dossiertest.DefaultIdentifiant {
		t.Fatalf("identity after replace: %+v", snap.Identity())
	}
}

var _ = backup.Run
var _ = sqlitestore.Open

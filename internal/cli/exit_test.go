package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossiertest"
	"coffre/internal/i18n"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

type out struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, args ...string) out {
	t.Helper()
	var o, e bytes.Buffer
	code := Run(&Env{Ctx: context.Background(), Stdout: &o, Stderr: &e}, append([]string{"--langue", "fr"}, args...))
	return out{code, o.String(), e.String()}
}

// panicVerb is a command whose run panics, as a bug anywhere below a
// command would.
type panicVerb struct{ conn connexionOpts }

func (p *panicVerb) flags(fs *flag.FlagSet) { p.conn.flags(fs) }
func (p *panicVerb) run(*Env, []string) error {
	var m map[string]int
	//lint:ignore SA5000 the panic is the point
	m["x"]++
	return nil
}

// TestPanicIsInternalError: no command ever ends in a stack trace; the
// user reads « Erreur interne », the path of a crash report, and the
// documented exit code.
func TestPanicIsInternalError(t *testing.T) {
	commands = append(commands, &command{name: "plantage-de-test", summary: &i18n.Message{ID: "x", Other: "x"}, new: func() verb { return &panicVerb{} }})
	defer func() { commands = commands[:len(commands)-1] }()
	journal := filepath.Join(t.TempDir(), "journal")
	r := runCLI(t, "plantage-de-test", "--connexion=odbc:DSN=x;Pwd=S3cret", "--journal", journal)
	if r.code != ExitInternal || !strings.Contains(r.stderr, "Erreur interne") || strings.Contains(r.stderr, "goroutine") {
		t.Fatalf("%+v", r)
	}
	file := r.stderr[strings.Index(r.stderr, "« ")+len("« ") : strings.Index(r.stderr, " »")]
	report, err := os.ReadFile(file)
	if err != nil || !strings.Contains(string(report), "assignment to entry in nil map") || !strings.Contains(string(report), "exit_test.go") {
		t.Fatalf("crash report %s: %v\n%s", file, err, report)
	}
	if !strings.Contains(string(report), "Commande : coffre --langue fr plantage-de-test --connexion=odbc:DSN=x;") {
		t.Errorf("the crash report does not say which command crashed:\n%s", report)
	}
	log, _ := os.ReadFile(journal)
	if !strings.Contains(string(log), "Erreur interne") || strings.Contains(string(log)+string(report), "S3cret") {
		t.Errorf("log:\n%s", log)
	}
}

// TestExitCodes: the documented codes for « in use », « wrong
// passphrase », « partial failure », « damaged file » and a usage error.
func TestExitCodes(t *testing.T) {
	conn, dest := t.TempDir(), t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(conn, "001SOC.db"))
	dossiertest.BuildV1(t, filepath.Join(conn, "002DEUX.db"), dossiertest.WithNumero("002"), dossiertest.WithNom("DEUX"))
	s, err := sqlitestore.Open(conn)
	if err != nil {
		t.Fatal(err)
	}
	unlock, err := store.InStore(s, "002").Lock(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, "sauvegarder", "--connexion", conn, "--dossier", "2", "--vers", dest); r.code != ExitInUse || !strings.Contains(r.stderr, "déjà en cours") {
		t.Errorf("in use: %+v", r)
	}
	r := runCLI(t, "sauvegarder", "--connexion", conn, "--dossier", "1,2", "--vers", dest)
	if r.code != ExitPartial || strings.Count(r.stdout, ".pbf") != 1 || !strings.Contains(r.stderr, "1 sur 2") {
		t.Errorf("partial: %+v", r)
	}
	unlock()

	pf := filepath.Join(t.TempDir(), "phrase")
	os.WriteFile(pf, []byte("la bonne phrase\n"), 0o600)
	r = runCLI(t, "sauvegarder", "--connexion", conn, "--dossier", "1", "--vers", dest, "--phrase-secrete-fichier", pf)
	if r.code != 0 {
		t.Fatal(r)
	}
	enc := strings.TrimSpace(r.stdout)
	wrong := filepath.Join(t.TempDir(), "faux")
	os.WriteFile(wrong, []byte("une autre\n"), 0o600)
	if r := runCLI(t, "verifier", enc, "--phrase-secrete-fichier", wrong); r.code != ExitPassphrase {
		t.Errorf("wrong passphrase: %+v", r)
	}
	if r := runCLI(t, "verifier", enc); r.code != ExitPassphrase {
		t.Errorf("missing passphrase: %+v", r)
	}
	junk := filepath.Join(dest, "x.pbf")
	os.WriteFile(junk, []byte("rien"), 0o644)
	if r := runCLI(t, "verifier", junk); r.code != ExitDamaged {
		t.Errorf("not a backup: %+v", r)
	}
	if r := runCLI(t, "sauvegarder", "--connexion", conn, "--dossier", "1"); r.code != ExitUsage || !strings.Contains(r.stderr, "--vers") {
		t.Errorf("missing --vers: %+v", r)
	}
	if r := runCLI(t, "sauvegarder", "--connexion", conn, "--dossier", "1", "--vers", filepath.Join(dest, "absent")); r.code != ExitError || !strings.Contains(r.stderr, "--vers : Le dossier de destination") {
		t.Errorf("missing destination folder: %+v", r)
	}
}

// TestJournalKeepsTheChain: --journal writes what the user saw and, behind
// the sentence, every cause with its Go text.
func TestJournalKeepsTheChain(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "coffre.log")
	conn := t.TempDir()
	r := runCLI(t, "sauvegarder", "--connexion", conn, "--dossier", "4", "--vers", t.TempDir(), "--journal", journal)
	if r.code == 0 {
		t.Fatal(r)
	}
	log, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"Début : coffre sauvegarder", strings.TrimSpace(r.stderr), "[NumeroIntrouvable]", "Fin : code de sortie 1"} {
		if !strings.Contains(string(log), want) {
			t.Errorf("log lacks %q:\n%s", want, log)
		}
	}
	if r := runCLI(t, "liste", "--journal", filepath.Join(t.TempDir(), "absent", "x.log")); r.code != ExitError || !strings.Contains(r.stderr, "Impossible d'écrire le journal") {
		t.Errorf("unwritable log: %+v", r)
	}
}

// TestJSONSummary: --json prints one document with the status, the lines
// as codes with their data and text, and the engine's facts.
func TestJSONSummary(t *testing.T) {
	conn, dest := t.TempDir(), t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(conn, "001SOC.db"))
	r := runCLI(t, "--langue", "en", "sauvegarder", "--connexion", conn, "--dossier", "1,3", "--vers", dest, "--json")
	if r.code != ExitPartial {
		t.Fatalf("%+v", r)
	}
	var doc struct {
		Statut   string
		Lignes   []struct{ Code, Texte string }
		Resultat struct {
			Elements []struct {
				Statut string
				Erreur *struct{ Code, Texte string }
			}
		}
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("%v:\n%s", err, r.stdout)
	}
	if doc.Statut != "partiel" || len(doc.Resultat.Elements) != 2 || doc.Resultat.Elements[1].Erreur == nil || doc.Resultat.Elements[1].Erreur.Code != "NumeroIntrouvable" {
		t.Fatalf("%+v\n%s", doc, r.stdout)
	}
	if strings.Contains(r.stdout, "Aucun dossier") || strings.Contains(r.stdout, " en 0") || !strings.Contains(r.stdout, "could not be processed") {
		t.Errorf("French in --langue en output:\n%s", r.stdout)
	}
}

// TestServiceSubCommands: the service's commands are sub-commands; the old
// boolean options still run them for the tasks already scheduled.
func TestServiceSubCommands(t *testing.T) {
	cfg := filepath.Join(t.TempDir(), "coffre.toml")
	os.WriteFile(cfg, []byte("[sauvegarde_automatique]\nactive = false\n"), 0o600)
	for _, args := range [][]string{{"service", "une-fois", "--config", cfg}, {"service", "--une-fois", "--config", cfg}} {
		if r := runCLI(t, args...); r.code != 0 || !strings.Contains(r.stdout, "désactivée") {
			t.Errorf("%v: %+v", args, r)
		}
	}
	if r := runCLI(t, "service", "mot-de-passe", "--config", cfg); r.code != ExitUsage {
		t.Errorf("mot-de-passe without a file: %+v", r)
	}
	if r := runCLI(t, "service", "--help"); r.code != 0 || !strings.Contains(r.stdout, "coffre service une-fois") || !strings.Contains(r.stdout, "ancienne forme") {
		t.Errorf("help: %+v", r)
	}
}

// TestFieldErrorsNameTheOption: an engine request's field error reads as
// the option to fix.
func TestFieldErrorsNameTheOption(t *testing.T) {
	conn := t.TempDir()
	dossiertest.BuildV1(t, filepath.Join(conn, "001SOC.db"))
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"decouper", "--connexion", conn, "--dossier", "1", "--vers", t.TempDir()}, "--premier-exercice : Indiquez le premier exercice"},
		{[]string{"administration", "--connexion", conn, "--dossier", "1", "--vers", t.TempDir()}, "--exercices :"},
		{[]string{"archiver", "--connexion", conn, "--dossier", "1"}, "--vers : Indiquez le dossier de destination"},
		{[]string{"sauvegarder", "--connexion", conn, "--dossier", "1", "--vers", t.TempDir(), "--nom", "a/b"}, "--nom : "},
	} {
		if r := runCLI(t, c.args...); r.code == 0 || !strings.Contains(r.stderr, c.want) {
			t.Errorf("%v: %+v, want %q", c.args, r, c.want)
		}
	}
}

package app

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/cli"
	"coffre/internal/config"
	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/employes"
	"coffre/internal/prefs"
	"coffre/internal/service"
)

// oddConnexion holds, beside 001SOC.db, dossiers named otherwise (written
// by Debian's sqlite3 from the schema, not by Coffre), a file that looks
// like a dossier but is none, and two files claiming one number.
func oddConnexion(t *testing.T) string {
	t.Helper()
	conn := env(t, "001SOC")
	for name, row := range map[string][2]string{
		"008CAFÉ.db": {"008", "CAFÉ"}, "009SOC-2023.db": {"009", "SOC"}, "010X.DB": {"010", "X"},
		"011SOC.sqlite": {"011", "SOC"}, "double.db": {"009", "DOUBLE"},
	} {
		dossiertest.SQLite3(t, filepath.Join(conn, name), dossiertest.V1Script(row[0], row[1], "id-"+name))
	}
	if err := os.WriteFile(filepath.Join(conn, "015BAD.db"), []byte("pas une base"), 0o644); err != nil {
		t.Fatal(err)
	}
	return conn
}

// lineKey identifies a listed dossier and whether it can be chosen.
type lineKey struct {
	Fichier, Numero string
	Usable          bool
}

func keys(list []dossier.Info) []lineKey {
	var out []lineKey
	for _, d := range list {
		out = append(out, lineKey{d.Fichier, d.Numero, d.Usable()})
	}
	slices.SortFunc(out, func(a, b lineKey) int {
		if a.Fichier < b.Fichier {
			return -1
		}
		if a.Fichier > b.Fichier {
			return 1
		}
		return 0
	})
	return out
}

// TestEveryPathReportsTheSameDossiers: `liste`, the wizard's Dossiers step,
// the exit-time prompt and the nightly job see the same dossiers and the
// same files they cannot take; the wizard greys those rows and never ticks
// them, the exit prompt names them.
func TestEveryPathReportsTheSameDossiers(t *testing.T) {
	conn := oddConnexion(t)
	want := []lineKey{
		{"001SOC.db", "001", true}, {"008CAFÉ.db", "008", true}, {"009SOC-2023.db", "009", false},
		{"010X.DB", "010", true}, {"011SOC.sqlite", "011", true}, {"015BAD.db", "015", false}, {"double.db", "009", false},
	}

	var out bytes.Buffer
	if code := cli.Run(&cli.Env{Ctx: context.Background(), Stdout: &out, Stderr: &out}, []string{"liste", "--connexion", conn, "--json"}); code != 0 {
		t.Fatalf("liste: %d %s", code, out.String())
	}
	var listed []dossier.Info
	if err := json.Unmarshal(out.Bytes(), &listed); err != nil {
		t.Fatal(err)
	}
	if got := keys(listed); !slices.Equal(got, want) {
		t.Errorf("liste:\n got %v\nwant %v", got, want)
	}

	w := newTestWizard(t, conn)
	next(t, w, stepIdxOperation)
	next(t, w, stepIdxDossiers)
	if got := keys(w.dossiers); !slices.Equal(got, want) {
		t.Errorf("wizard:\n got %v\nwant %v", got, want)
	}
	test.Tap(check(t, w.content(), "Tout sélectionner"))
	if !slices.Equal(w.opts.Dossiers, []string{"001", "008", "010", "011"}) {
		t.Errorf("« Tout sélectionner » ticked %v", w.opts.Dossiers)
	}
	tb := table(t, w.content())
	rows, _ := tb.Length()
	for r := 0; r < rows; r++ {
		tb.Select(widget.TableCellID{Row: r, Col: 1})
	}
	if len(w.opts.Dossiers) != 0 {
		t.Errorf("tapping every row leaves %v ticked: a greyed row was ticked", w.opts.Dossiers)
	}
	contains(t, "dossiers step", texts(w.content()), "Non reconnu — 015BAD.db", "même numéro que double.db")

	addEmployee(t, "Julie", "1234", employes.Sauvegarder)
	dest := t.TempDir()
	if err := prefs.Save(prefs.Prefs{Destination: dest}); err != nil {
		t.Fatal(err)
	}
	p := newTestExitPrompt(t, conn, "1234")
	if got := keys(append(slices.Clone(p.list), p.skipped...)); !slices.Equal(got, want) {
		t.Errorf("exit prompt:\n got %v\nwant %v", got, want)
	}
	contains(t, "exit prompt", texts(p.win.Content()), "4 dossiers seront sauvegardés", "3 fichiers de la connexion ressemblent à des dossiers",
		"015BAD.db", "009SOC-2023.db", "double.db")

	cfgPath := filepath.Join(t.TempDir(), config.FileName)
	cfg := config.Default()
	cfg.Auto.Active, cfg.Auto.Connexion, cfg.Auto.Destination = true, conn, t.TempDir()
	if err := config.Save(cfgPath, cfg); err != nil {
		t.Fatal(err)
	}
	eng := service.New(cfgPath)
	eng.Dir = t.TempDir()
	eng.Employees = func() ([]employes.Employee, error) { return nil, nil }
	rep, err := eng.RunOnce(context.Background(), service.Options{Force: true})
	if err != nil {
		t.Fatal(err)
	}
	var seen []dossier.Info
	for _, b := range rep.Backups {
		if b.Err != nil {
			b.Info.Unrecognised = true // not backed up, whatever the reason
		}
		seen = append(seen, b.Info)
	}
	if got := keys(seen); !slices.Equal(got, want) {
		t.Errorf("nightly job:\n got %v\nwant %v", got, want)
	}
}

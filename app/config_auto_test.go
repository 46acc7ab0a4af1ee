package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/config"
	"coffre/internal/journal"
)

func autoWalk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	if u, ok := o.(interface{ unwrap() fyne.CanvasObject }); ok {
		fn(u.unwrap()) // a list with our keys is still one
	}
	switch c := o.(type) {
	case *fyne.Container:
		for _, k := range c.Objects {
			autoWalk(k, fn)
		}
	case *container.Scroll:
		autoWalk(c.Content, fn)
	case *container.Split:
		autoWalk(c.Leading, fn)
		autoWalk(c.Trailing, fn)
	case *widget.Form:
		for _, it := range c.Items {
			autoWalk(it.Widget, fn)
		}
	}
}

// The automatic-backup tabs write coffre.toml, and a typed password goes
// to the secrets, never to the file.
func TestAutoConfigTabsSave(t *testing.T) {
	test.NewTempApp(t)
	dir := t.TempDir()
	t.Setenv("COFFRE_CONFIG", dir)
	t.Setenv("COFFRE_DATA", t.TempDir())
	t.Setenv("COFFRE_TROUSSEAU", "fichier")
	win := test.NewWindow(nil)
	defer win.Close()
	tabs := AutoConfigTabs(win, "")
	if len(tabs) != 4 {
		t.Fatalf("%d tabs", len(tabs))
	}
	var texts []string
	var pw *widget.Entry
	var save *widget.Button
	var trust, testMail bool
	var failOnly *widget.Check
	var digest *widget.Select
	for _, tab := range tabs {
		autoWalk(tab.Content, func(o fyne.CanvasObject) {
			switch w := o.(type) {
			case *widget.Button:
				texts = append(texts, w.Text)
				trust = trust || w.Text == "Faire confiance à ce serveur"
				testMail = testMail || w.Text == "Envoyer un e-mail de test"
				if w.Text == "Enregistrer" {
					save = w
				}
			case *widget.Entry:
				if w.Password && tab.Text == "E-mail" {
					pw = w
				}
			case *widget.Check:
				if w.Text == "N'envoyer que les e-mails qui signalent un problème" {
					failOnly = w
				}
			case *widget.Select:
				if len(w.Options) == 8 && w.Options[0] == "aucun" && w.Options[1] == "lundi" {
					digest = w
				}
			}
		})
	}
	if !trust || !testMail || save == nil || pw == nil || failOnly == nil || digest == nil {
		t.Fatalf("missing controls; buttons: %v", texts)
	}
	const sentinel = "Sentinelle-SMTP-Ecran-77"
	test.Type(pw, sentinel)
	test.Tap(failOnly)
	digest.SetSelected("lundi")
	test.Tap(save)
	b, err := os.ReadFile(filepath.Join(dir, config.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), sentinel) {
		t.Errorf("password written to coffre.toml")
	}
	if c, err := config.Load(filepath.Join(dir, config.FileName)); err != nil || !c.Email.EchecsSeulement || c.Email.ResumeHebdomadaire != "lundi" {
		t.Errorf("« échecs seulement » and the digest day not saved: %+v %v", c.Email, err)
	}
	if got, err := config.OpenSecrets().Get(config.SecretSMTP); err != nil || got != sentinel {
		t.Errorf("secret: %q %v", got, err)
	}
}

func TestHistoriqueShowsRuns(t *testing.T) {
	test.NewTempApp(t)
	j := journal.Open(t.TempDir())
	j.Append(journal.Entry{Debut: time.Date(2026, 3, 2, 21, 30, 0, 0, time.Local), Statut: journal.StatusOK,
		Dossiers: []journal.Dossier{{Numero: "001", Nom: "SOC", Fichier: "/s/001-SOC_20260302_2130.pbf", Taille: 1 << 20, Verifiee: true, Distant: "copie distante validée"}}})
	v := HistoriqueView(j)
	var list *widget.List
	autoWalk(v, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.List); ok {
			list = l
		}
	})
	if list == nil || list.Length() != 1 {
		t.Fatalf("list: %v", list)
	}
	list.Select(0)
	var all []string
	autoWalk(v, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok {
			all = append(all, l.Text)
		}
	})
	if s := strings.Join(all, "\n"); !strings.Contains(s, "Sauvegarde réussie") || !strings.Contains(s, "copie distante validée") {
		t.Errorf("detail:\n%s", s)
	}
}

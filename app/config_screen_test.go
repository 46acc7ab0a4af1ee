package app

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/config"
)

// configScreen opens the automatic-backup tabs in a test window, with the
// folder picker answering pick and the work run on the test goroutine.
func configScreen(t *testing.T, pick string) (fyne.Window, *autoConfig, *container.AppTabs) {
	t.Helper()
	t.Setenv("COFFRE_TROUSSEAU", "fichier")
	t.Setenv("XDG_CONFIG_HOME", t.TempDir())
	t.Setenv("COFFRE_SERVICE_FICHIER_SEULEMENT", "1") // the unit is written, systemctl not run
	win := test.NewWindow(nil)
	t.Cleanup(func() {
		if slices.Contains(fyne.CurrentApp().Driver().AllWindows(), win) {
			win.Close()
		}
	})
	ac := newAutoConfig(win, "")
	ac.pickFolder = func(_, _ string, done func(string)) { done(pick) }
	ac.goWork = func(f func()) { f() }
	tabs := container.NewAppTabs(ac.tabs()...)
	win.SetContent(tabs)
	win.Resize(fyne.NewSize(1000, 900))
	return win, ac, tabs
}

// visibleWalk is autoWalk without the hidden parts (the forms of the
// destination kinds not chosen).
// (A tab not shown is walked all the same.)
func visibleWalk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) { walkShown(o, fn, true) }

func walkShown(o fyne.CanvasObject, fn func(fyne.CanvasObject), root bool) {
	if !root && !o.Visible() {
		return
	}
	fn(o)
	switch c := o.(type) {
	case *fyne.Container:
		for _, k := range c.Objects {
			walkShown(k, fn, false)
		}
	case *container.Scroll:
		walkShown(c.Content, fn, false)
	case *widget.Form:
		for _, it := range c.Items {
			walkShown(it.Widget, fn, false)
		}
	}
}

// formItem is the widget of the form item labelled label, in any tab.
func formItem(t *testing.T, tabs *container.AppTabs, label string) fyne.CanvasObject {
	t.Helper()
	var found fyne.CanvasObject
	for _, tab := range tabs.Items {
		visibleWalk(tab.Content, func(o fyne.CanvasObject) {
			if f, ok := o.(*widget.Form); ok && found == nil {
				for _, it := range f.Items {
					if it.Text == label {
						found = it.Widget
					}
				}
			}
		})
	}
	if found == nil {
		t.Fatalf("no field %q", label)
	}
	return found
}

func formEntry(t *testing.T, tabs *container.AppTabs, label string) *widget.Entry {
	t.Helper()
	var e *widget.Entry
	autoWalk(formItem(t, tabs, label), func(o fyne.CanvasObject) {
		if x, ok := o.(*widget.Entry); ok && e == nil {
			e = x
		}
	})
	if e == nil {
		t.Fatalf("no entry in %q", label)
	}
	return e
}

func tabButton(t *testing.T, tabs *container.AppTabs, tab, text string) *widget.Button {
	t.Helper()
	var b *widget.Button
	for _, it := range tabs.Items {
		if it.Text == tab {
			autoWalk(it.Content, func(o fyne.CanvasObject) {
				if x, ok := o.(*widget.Button); ok && x.Text == text && b == nil {
					b = x
				}
			})
		}
	}
	if b == nil {
		t.Fatalf("no button %q in tab %q", text, tab)
	}
	return b
}

// dialogText is the text of the dialog on top of win, "" when none; the
// dialog is closed.
func dialogText(win fyne.Window) string {
	top := win.Canvas().Overlays().Top()
	if top == nil {
		return ""
	}
	s := texts(top)
	walk(top, func(o fyne.CanvasObject) {
		if b, ok := o.(*widget.Button); ok {
			s += "[" + b.Text + "]\n"
		}
	})
	win.Canvas().Overlays().Remove(top)
	return s
}

// Each folder is checked when saved, and the automatic backup refuses a
// connexion with nothing to back up: a missing network folder was accepted,
// and « Sauvegarder automatiquement » said « Configuration enregistrée »
// over an empty default folder (« Sauvegarde échouée (0) » at night).
func TestConfigurationChecksFoldersWhenSaved(t *testing.T) {
	conn := env(t, "001SOC", "002ABC")
	dest := t.TempDir()
	win, _, tabs := configScreen(t, dest)
	file := config.DefaultPath()
	save := tabButton(t, tabs, "Sauvegarde automatique", "Enregistrer")

	formEntry(t, tabs, "Répertoire des sauvegardes").SetText(filepath.Join(dest, "absent"))
	test.Tap(save)
	if got := dialogText(win); !strings.Contains(got, "Répertoire des sauvegardes") || !strings.Contains(got, "n'existe pas") {
		t.Errorf("missing destination: %q", got)
	}
	if _, err := os.Stat(file); err == nil {
		t.Fatal("coffre.toml written with a missing destination")
	}
	// « Parcourir… » fills the field.
	test.Tap(find(formItem(t, tabs, "Répertoire des sauvegardes"), func(b *widget.Button) bool { return b.Text == "Parcourir…" }))
	if got := formEntry(t, tabs, "Répertoire des sauvegardes").Text; got != dest {
		t.Errorf("after « Parcourir… »: %q", got)
	}

	kind := find(formItem(t, tabs, "Destination"), func(*widget.Select) bool { return true })
	kind.SetSelected("Répertoire réseau")
	formEntry(t, tabs, "Répertoire réseau").SetText(`/mnt/nas-eteint/coffre`)
	test.Tap(save)
	if got := dialogText(win); !strings.Contains(got, "Répertoire réseau : Le dossier de destination") {
		t.Errorf("missing network folder: %q", got)
	}
	kind.SetSelected("Aucune")

	test.Tap(check(t, tabs.Items[0].Content, "Sauvegarder automatiquement"))
	test.Tap(save)
	if got := dialogText(win); !strings.Contains(got, "ne contient aucun dossier comptable") {
		t.Errorf("automatic backup of an empty connexion: %q", got)
	}
	formEntry(t, tabs, "Connexion (vide = répertoire de Coffre)").SetText(conn)
	formEntry(t, tabs, "Dossiers (001,002 — vide = tous)").SetText("001,004")
	test.Tap(save)
	if got := dialogText(win); !strings.Contains(got, "Le dossier 004 n'existe pas") {
		t.Errorf("unknown dossier: %q", got)
	}
	formEntry(t, tabs, "Dossiers (001,002 — vide = tous)").SetText("")
	test.Tap(save)
	if got := dialogText(win); got != "" {
		t.Fatalf("valid settings refused: %q", got)
	}
	c, err := config.Load(file)
	if err != nil || !c.Auto.Active || c.Auto.Connexion != conn || c.Auto.Destination != dest {
		t.Fatalf("saved: %+v %v", c.Auto, err)
	}
	// The scheduled task is set up by the code of `coffre service installer`.
	unit := filepath.Join(os.Getenv("XDG_CONFIG_HOME"), "systemd", "user", "coffre.service")
	if b, err := os.ReadFile(unit); err != nil || !strings.Contains(string(b), file) {
		t.Errorf("no service unit for %s: %v", file, err)
	}

	// « Tester maintenant »: one automatic run with these settings.
	test.Tap(tabButton(t, tabs, "Sauvegarde automatique", "Tester maintenant"))
	if got := dialogText(win); !strings.Contains(got, "Sauvegarde réussie") || !strings.Contains(got, "001 SOC") {
		t.Errorf("test run:\n%s", got)
	}
	if n := len(dirFiles(t, dest)); n < 2 {
		t.Errorf("test run wrote %d files in %s", n, dest)
	}
}

// « Fermer » with changes not saved asks, in French (it dropped them).
func TestConfigurationCloseAsksWhenUnsaved(t *testing.T) {
	env(t)
	win, ac, tabs := configScreen(t, "")
	closed := false
	win.SetOnClosed(func() { closed = true })
	formEntry(t, tabs, "Heure (21:30, vide = aucune)").SetText("22:00")
	confirmClose(win, ac)
	got := dialogText(win)
	if closed || !strings.Contains(got, "Fermer sans enregistrer ?") || !strings.Contains(got, "[Annuler]") {
		t.Fatalf("close with a change: closed %v, dialog %q", closed, got)
	}
	for _, en := range []string{"Yes", "No", "OK", "Cancel"} {
		if strings.Contains(got, "["+en+"]") {
			t.Errorf("English button %q", en)
		}
	}
	formEntry(t, tabs, "Heure (21:30, vide = aucune)").SetText("21:30")
	if ac.dirty() {
		t.Error("back to the saved value, still dirty")
	}
	confirmClose(win, ac)
	if !closed {
		t.Error("window not closed without changes")
	}
}

// The screen writes S3 and WebDAV destinations (secrets in the store, never
// in the file) and the encryption, and shows the recovery sheet.
func TestConfigurationObjectStorageAndEncryption(t *testing.T) {
	env(t)
	win, _, tabs := configScreen(t, "")
	file := config.DefaultPath()
	save := tabButton(t, tabs, "Copie distante", "Enregistrer")
	kind := find(formItem(t, tabs, "Destination"), func(*widget.Select) bool { return true })

	kind.SetSelected("Stockage objet (S3)")
	formEntry(t, tabs, "Adresse du service (https://…)").SetText("https://s3.exemple.fr")
	formEntry(t, tabs, "Région").SetText("fr-par")
	formEntry(t, tabs, "Compartiment (bucket)").SetText("cabinet")
	formEntry(t, tabs, "Préfixe (répertoire dans le compartiment)").SetText("coffre")
	formEntry(t, tabs, "Clé d'accès").SetText("AKIA-TEST")
	const s3secret = "Sentinelle-S3-Secrete-42"
	test.Type(formEntry(t, tabs, "Clé secrète"), s3secret)
	test.Tap(save)
	if got := dialogText(win); got != "" {
		t.Fatalf("S3 refused: %q", got)
	}
	b, _ := os.ReadFile(file)
	c, err := config.Load(file)
	if err != nil || c.Distant.Type != "s3" || c.Distant.Adresse != "https://s3.exemple.fr" || c.Distant.Compartiment != "cabinet" || c.Distant.Prefixe != "coffre" || c.Distant.Region != "fr-par" || c.Distant.CleAcces != "AKIA-TEST" || strings.Contains(string(b), s3secret) {
		t.Fatalf("S3 saved: %+v %v\n%s", c.Distant, err, b)
	}
	if got, err := config.OpenSecrets().Get(config.SecretS3); err != nil || got != s3secret {
		t.Errorf("S3 secret: %q %v", got, err)
	}

	kind.SetSelected("WebDAV (Nextcloud, NAS)")
	formEntry(t, tabs, "Adresse du répertoire WebDAV (https://…)").SetText("https://cloud.exemple.fr/remote.php/dav/files/compta/coffre")
	formEntry(t, tabs, "Utilisateur").SetText("compta")
	test.Tap(save)
	if c, err := config.Load(file); err != nil || c.Distant.Type != "webdav" || c.Distant.Utilisateur != "compta" || !strings.HasPrefix(c.Distant.Adresse, "https://cloud.") {
		t.Fatalf("WebDAV saved: %+v %v (%s)", c.Distant, err, dialogText(win))
	}

	mode := find(formItem(t, tabs, "Chiffrement"), func(*radioList) bool { return true })
	mode.SetSelected("Phrase secrète")
	const phrase = "cheval agrafe batterie correcte 1987"
	test.Type(formEntry(t, tabs, "Phrase secrète"), phrase)
	test.Type(formEntry(t, tabs, "Confirmation"), phrase+"x")
	autoSave := tabButton(t, tabs, "Sauvegarde automatique", "Enregistrer")
	test.Tap(autoSave)
	if got := dialogText(win); !strings.Contains(got, "ne sont pas identiques") {
		t.Errorf("phrases typed differently: %q", got)
	}
	formEntry(t, tabs, "Confirmation").SetText(phrase)
	test.Tap(autoSave)
	if c, err := config.Load(file); err != nil || c.Auto.Chiffrement != "phrase" {
		t.Fatalf("encryption saved: %+v %v (%s)", c.Auto, err, dialogText(win))
	}
	if got, _ := config.OpenSecrets().Get(config.SecretPhrase); got != phrase {
		t.Errorf("phrase stored: %q", got)
	}
	test.Tap(tabButton(t, tabs, "Sauvegarde automatique", "Fiche de secours…"))
	if got := dialogText(win); !strings.Contains(got, "FICHE DE SECOURS") || !strings.Contains(got, phrase) || !strings.Contains(got, "[Enregistrer pour imprimer…]") {
		t.Errorf("recovery sheet:\n%s", got)
	}
}

// The Configuration's radio groups are the wizard's: one Tab stop each,
// the arrows move the choice (Fyne's RadioGroup had a Tab stop per option
// and no arrows).
func TestConfigurationRadioGroupsTakeTheArrows(t *testing.T) {
	env(t)
	win, _, tabs := configScreen(t, "")
	find(formItem(t, tabs, "Destination"), func(*widget.Select) bool { return true }).SetSelected("Serveur SFTP")
	for _, c := range []struct{ tab, label string }{{"Sauvegarde automatique", "Chiffrement"}, {"Copie distante", "Authentification"}} {
		label := c.label
		tabs.SelectIndex(tabIndex(t, tabs, c.tab)) // the focus goes to the tab shown only
		item := formItem(t, tabs, label)
		var stops []fyne.Focusable
		walk(item, func(o fyne.CanvasObject) {
			if f, ok := o.(fyne.Focusable); ok {
				stops = append(stops, f)
			}
		})
		r, ok := item.(*radioList)
		if len(stops) != 1 || !ok {
			t.Fatalf("%s: %d Tab stops, a %T", label, len(stops), item)
		}
		r.SetSelected(r.Options[0])
		win.Canvas().Focus(r)
		press(win, fyne.KeyRight)
		if r.Selected != r.Options[1] {
			t.Errorf("%s: → chose %q", label, r.Selected)
		}
		press(win, fyne.KeyLeft)
		if r.Selected != r.Options[0] {
			t.Errorf("%s: ← chose %q", label, r.Selected)
		}
	}
}

func tabIndex(t *testing.T, tabs *container.AppTabs, text string) int {
	t.Helper()
	for i, it := range tabs.Items {
		if it.Text == text {
			return i
		}
	}
	t.Fatalf("no tab %q", text)
	return -1
}

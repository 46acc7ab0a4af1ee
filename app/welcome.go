package app

import (
	"context"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/prefs"
)

var (
	msgWelcomeTitle = &i18n.Message{ID: "UIBienvenueTitre", Other: "Bienvenue dans Coffre"}
	msgWelcomeWhat  = &i18n.Message{ID: "UIBienvenueConnexion", Other: "Coffre sauvegarde, vérifie et restaure les dossiers comptables de votre logiciel de comptabilité. Il les trouve par une connexion : le répertoire où ce logiciel range ses fichiers (001NOM.db), sur cet ordinateur ou sur le réseau, ou bien le serveur SQL qui les héberge."}
	msgWelcomeHow   = &i18n.Message{ID: "UIBienvenueParcourir", Other: "Cliquez sur « Parcourir… » pour choisir ce répertoire, ou choisissez « Serveur SQL (ODBC) » ci-dessus. Pour découvrir Coffre sans toucher à vos données, essayez-le avec des dossiers de démonstration."}
	msgWelcomeDemo  = &i18n.Message{ID: "UIBienvenueDemo", Other: "Essayer avec des dossiers de démonstration"}
	msgWelcomeReady = &i18n.Message{ID: "UIBienvenueDemoPrete", Other: "Dossiers de démonstration prêts dans « {{.Dir}} » : cliquez sur Suivant."}
)

// showWelcome makes the Connexion step show the first start's welcome
// whatever the preferences say (the screenshot mode only).
var showWelcome bool

// firstStart reports whether Coffre has never opened a connexion here and
// the proposed folder holds no dossier: the Connexion step then welcomes
// the user instead of leaving them before an empty folder.
func firstStart(folder string) bool {
	if showWelcome {
		return true
	}
	if prefs.Load().Connexion != "" {
		return false
	}
	entries, err := os.ReadDir(folder)
	if err != nil {
		return true
	}
	for _, e := range entries {
		if strings.HasSuffix(strings.ToLower(e.Name()), dossier.ExtDB) {
			return false
		}
	}
	return true
}

// welcomeBox is the first start's welcome above the folder field: what a
// connexion is, where to point it, and the demonstration dossiers, whose
// folder setFolder puts in the field. Nil when it is not the first start.
func welcomeBox(w *wizard, setFolder func(string)) fyne.CanvasObject {
	if !firstStart(w.opts.Folder) {
		return nil
	}
	title := widget.NewLabelWithStyle(i18n.T(msgWelcomeTitle, nil), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	result := wrapLabel("")
	result.Hide()
	var demo *widget.Button
	var demoKey fyne.CanvasObject
	demoKey, demo = newKeyButton(i18n.T(msgWelcomeDemo, nil), theme.FolderNewIcon(), func() {
		demo.Disable()
		w.goWork(func() {
			dir, err := connexion.Demo(context.Background())
			fyne.Do(func() {
				demo.Enable()
				result.Show()
				if err != nil {
					result.Importance = widget.DangerImportance
					result.SetText(i18n.Describe(err))
					return
				}
				setFolder(dir)
				result.Importance = widget.SuccessImportance
				result.SetText(i18n.T(msgWelcomeReady, map[string]any{"Dir": dir}))
			})
		})
	})
	return container.NewVBox(title, wrapLabel(i18n.T(msgWelcomeWhat, nil)), wrapLabel(i18n.T(msgWelcomeHow, nil)),
		container.NewHBox(demoKey), result, widget.NewSeparator())
}

// testConnexion opens the connexion the options describe, counts its
// dossiers and closes it: « Tester la connexion » reports what it found
// there, not the listing of the connexion opened before.
func testConnexion(o *Options) (int, error) {
	if err := connexionFieldsError(o); err != nil {
		return 0, err
	}
	s, err := o.Spec().Open(context.Background())
	if err != nil {
		return 0, err
	}
	defer s.Close()
	list, err := s.List(context.Background())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, d := range list {
		if !d.Unrecognised {
			n++
		}
	}
	return n, nil
}

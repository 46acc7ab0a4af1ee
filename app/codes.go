package app

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/employes"
	"coffre/internal/i18n"
)

var (
	msgCodeLabel     = &i18n.Message{ID: "UICodeEmploye", Other: "Code employé"}
	msgValidate      = &i18n.Message{ID: "UIValider", Other: "Valider"}
	msgNewCode       = &i18n.Message{ID: "UINouveauCode", Other: "Nouveau code"}
	msgNewCode2      = &i18n.Message{ID: "UINouveauCodeConfirmation", Other: "Confirmation"}
	msgChangeTitle   = &i18n.Message{ID: "UIChangerCodeTitre", Other: "Nouveau code pour {{.Name}}"}
	msgChangeWhy     = &i18n.Message{ID: "UIChangerCodeRaison", Other: "C'est la première utilisation : le code d'origine ADMIN doit être remplacé par un code à vous, d'au moins 4 caractères."}
	msgCodeMismatch  = &i18n.Message{ID: "UICodesDifferents", Other: "Les deux codes ne sont pas identiques."}
	msgConfigCode    = &i18n.Message{ID: "UIConfigurationCode", Other: "La configuration est réservée aux employés ayant le droit « Configurer ». Tapez votre code :"}
	msgNoConfigRight = &i18n.Message{ID: "UIPasDroitConfigurer", Other: "Ce code n'a pas le droit « Configurer »."}
)

// codeDialog asks for a code; check says why it is refused (the dialog then
// stays open) or accepts it: the dialog closes, then the function check
// returned (if any) runs — after, because closing a dialog also closes the
// ones opened above it.
func codeDialog(parent fyne.Window, title, intro string, check func(code string) (func(), error)) dialog.Dialog {
	var d *dialog.CustomDialog
	entry := newDialogCode(func() { d.Hide() })
	reason := wrapLabel("")
	reason.Importance = widget.DangerImportance
	reason.Hide()
	submit := func() {
		then, err := check(entry.Text)
		if err != nil {
			reason.SetText(i18n.Describe(err))
			reason.Show()
			entry.SetText("")
			return
		}
		d.Hide()
		if then != nil {
			then()
		}
	}
	entry.OnSubmitted = func(string) { submit() }
	content := container.NewVBox(wrapLabel(intro), widget.NewForm(widget.NewFormItem(i18n.T(msgCodeLabel, nil), entry)), reason)
	ok := widget.NewButton(i18n.T(msgValidate, nil), submit)
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(i18n.T(msgCancel, nil), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(title, minWidth(460, content), parent)
	d.SetButtons([]fyne.CanvasObject{cancel, ok})
	d.Show()
	parent.Canvas().Focus(entry)
	return d
}

// newDialogCode is a code entry of a dialog: Escape is its « Annuler »
// (the entry has the focus when the dialog opens).
func newDialogCode(cancel func()) *escEntry {
	e := newEscEntry(cancel)
	e.Password = true
	return e
}

// changeCodeDialog makes employee name choose a new code, then calls done.
func changeCodeDialog(parent fyne.Window, st *employes.Store, name string, done func()) {
	var d *dialog.CustomDialog
	a, b := newDialogCode(func() { d.Hide() }), newDialogCode(func() { d.Hide() })
	reason := wrapLabel("")
	reason.Importance = widget.DangerImportance
	reason.Hide()
	submit := func() {
		err := error(nil)
		if a.Text != b.Text {
			err = i18n.E(msgCodeMismatch, nil, nil)
		} else {
			err = st.ChangeCode(name, a.Text)
		}
		if err != nil {
			reason.SetText(i18n.Describe(err))
			reason.Show()
			return
		}
		d.Hide()
		done()
	}
	b.OnSubmitted = func(string) { submit() }
	content := container.NewVBox(wrapLabel(i18n.T(msgChangeWhy, nil)), widget.NewForm(
		widget.NewFormItem(i18n.T(msgNewCode, nil), a),
		widget.NewFormItem(i18n.T(msgNewCode2, nil), b)), reason)
	ok := widget.NewButton(i18n.T(msgValidate, nil), submit)
	ok.Importance = widget.HighImportance
	cancel := widget.NewButton(i18n.T(msgCancel, nil), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(i18n.T(msgChangeTitle, map[string]any{"Name": name}),
		minWidth(460, content), parent)
	d.SetButtons([]fyne.CanvasObject{cancel, ok})
	d.Show()
	parent.Canvas().Focus(a)
}

// openConfiguration asks for a code with « Configurer », has the default
// administrator change its code, then opens the configuration window.
func (w *wizard) openConfiguration() {
	st, err := employes.OpenDefault()
	if err != nil {
		w.showError(err)
		return
	}
	codeDialog(w.win, i18n.T(msgConfig, nil), i18n.T(msgConfigCode, nil), func(code string) (func(), error) {
		e, ok, err := st.Allows(employes.AtConfig, code, employes.Configurer)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, i18n.E(msgNoConfigRight, nil, nil)
		}
		open := func() { w.configWindow = openConfigWindow(w.app, st) }
		if e.MustChange {
			return func() { changeCodeDialog(w.win, st, e.Name, open) }, nil
		}
		return open, nil
	})
}

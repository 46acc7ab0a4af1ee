package app

import (
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/employes"
	"coffre/internal/i18n"
)

var (
	msgConfigTitle   = &i18n.Message{ID: "UIConfigurationTitre", Other: "Coffre — Configuration"}
	msgEmployees     = &i18n.Message{ID: "UIEmployes", Other: "Employés et droits"}
	msgEmployeesHelp = &i18n.Message{ID: "UIEmployesAide", Other: "Chaque employé a un code personnel. La fenêtre de fin de journée ne propose la sauvegarde qu'aux codes ayant le droit « Sauvegarder »."}
	msgAdd           = &i18n.Message{ID: "UIAjouter", Other: "Ajouter…"}
	msgEdit          = &i18n.Message{ID: "UIModifier", Other: "Modifier…"}
	msgRemove        = &i18n.Message{ID: "UISupprimer", Other: "Supprimer"}
	msgSave          = &i18n.Message{ID: "UIEnregistrer", Other: "Enregistrer"}
	msgName          = &i18n.Message{ID: "UINomEmploye", Other: "Nom"}
	msgEmail         = &i18n.Message{ID: "UIEmail", Other: "E-mail"}
	msgAlert         = &i18n.Message{ID: "UIAlerteEmail", Other: "Alerte e-mail"}
	msgRights        = &i18n.Message{ID: "UIDroits", Other: "Droits"}
	msgCode          = &i18n.Message{ID: "UICode", Other: "Code"}
	msgCodeKeep      = &i18n.Message{ID: "UICodeGarder", Other: "laisser vide pour garder le code actuel"}
	msgNewEmployee   = &i18n.Message{ID: "UINouvelEmploye", Other: "Nouvel employé"}
	msgEditEmployee  = &i18n.Message{ID: "UIModifierEmploye", Other: "Modifier {{.Name}}"}
	msgRemoveTitle   = &i18n.Message{ID: "UISupprimerTitre", Other: "Supprimer {{.Name}} ?"}
	msgRemoveText    = &i18n.Message{ID: "UISupprimerTexte", Other: "Son code ne sera plus accepté."}
	msgNoRights      = &i18n.Message{ID: "UIAucunDroit", Other: "aucun"}
	msgSelectFirst   = &i18n.Message{ID: "UIChoisirEmploye", Other: "Choisissez d'abord un employé dans la liste."}
)

// openConfigWindow shows the Configuration window: employees and rights,
// then the automatic backup, offsite copy, e-mail and recipients of
// coffre.toml, and the history of the service's runs.
func openConfigWindow(a fyne.App, st *employes.Store) fyne.Window {
	win := a.NewWindow(i18n.T(msgConfigTitle, nil))
	tabs := container.NewAppTabs(container.NewTabItemWithIcon(i18n.T(msgEmployees, nil), theme.AccountIcon(), employeesTab(win, st)))
	ac := newAutoConfig(win, "")
	for _, t := range ac.tabs() {
		tabs.Append(t)
	}
	tabs.Append(HistoriqueTab())
	closing := func() { confirmClose(win, ac) }
	win.SetCloseIntercept(closing)
	closeButton := widget.NewButton(i18n.T(msgClose, nil), closing)
	win.SetContent(container.NewBorder(nil, container.NewHBox(layout.NewSpacer(), closeButton), nil, nil, tabs))
	win.Resize(fyne.NewSize(900, 600))
	win.Show()
	return win
}

// confirmClose closes the window, asking first when the automatic-backup
// settings hold changes not saved (« Fermer » used to drop them silently).
func confirmClose(win fyne.Window, ac *autoConfig) {
	if !ac.dirty() {
		win.Close()
		return
	}
	dialog.NewCustomConfirm(i18n.T(msgUnsavedTitle, nil), i18n.T(msgUnsavedClose, nil), i18n.T(msgCancel, nil),
		wrapLabel(i18n.T(msgUnsavedText, nil)), func(ok bool) {
			if ok {
				win.Close()
			}
		}, win).Show()
}

func rightsText(e employes.Employee) string {
	var names []string
	for _, r := range employes.Rights {
		if e.Has(r) {
			names = append(names, r.Label())
		}
	}
	if len(names) == 0 {
		return i18n.T(msgNoRights, nil)
	}
	return strings.Join(names, ", ")
}

func employeesTab(win fyne.Window, st *employes.Store) fyne.CanvasObject {
	var list []employes.Employee
	selected := -1
	cols := []column{
		{msgName, 180, func(r int) string { return list[r].Name }},
		{msgRights, 330, func(r int) string { return rightsText(list[r]) }},
		{msgEmail, 220, func(r int) string { return list[r].Email }},
	}
	table := selectionTable(cols, func() int { return len(list) },
		func(r int) bool { return r == selected },
		func(r int) {
			if selected == r {
				selected = -1
			} else {
				selected = r
			}
		})
	reload := func() {
		l, err := st.List()
		if err != nil {
			showError(win, err)
			return
		}
		list, selected = l, -1
		table.Refresh()
	}
	reload()
	add := widget.NewButtonWithIcon(i18n.T(msgAdd, nil), theme.ContentAddIcon(), func() {
		employeeDialog(win, st, nil, reload)
	})
	edit := widget.NewButtonWithIcon(i18n.T(msgEdit, nil), theme.DocumentCreateIcon(), func() {
		if selected < 0 {
			showError(win, i18n.E(msgSelectFirst, nil, nil))
			return
		}
		e := list[selected]
		employeeDialog(win, st, &e, reload)
	})
	remove := widget.NewButtonWithIcon(i18n.T(msgRemove, nil), theme.DeleteIcon(), func() {
		if selected < 0 {
			showError(win, i18n.E(msgSelectFirst, nil, nil))
			return
		}
		name := list[selected].Name
		dialog.NewCustomConfirm(i18n.T(msgRemoveTitle, map[string]any{"Name": name}), i18n.T(msgRemove, nil), i18n.T(msgCancel, nil),
			wrapLabel(i18n.T(msgRemoveText, nil)), func(ok bool) {
				if !ok {
					return
				}
				if err := st.Remove(name); err != nil {
					showError(win, err)
				}
				reload()
			}, win).Show()
	})
	help := lowLabel(i18n.T(msgEmployeesHelp, nil))
	return container.NewBorder(help, container.NewHBox(add, edit, remove), nil, nil, table)
}

// employeeDialog adds (e nil) or edits an employee.
func employeeDialog(win fyne.Window, st *employes.Store, e *employes.Employee, saved func()) {
	oldName := ""
	cur := employes.Employee{Rights: []employes.Right{employes.Sauvegarder}}
	title := i18n.T(msgNewEmployee, nil)
	if e != nil {
		oldName, cur = e.Name, *e
		title = i18n.T(msgEditEmployee, map[string]any{"Name": e.Name})
	}
	name := widget.NewEntry()
	name.SetText(cur.Name)
	email := widget.NewEntry()
	email.SetText(cur.Email)
	email.SetPlaceHolder("prenom@exemple.fr")
	alert := widget.NewCheck(i18n.T(msgAlert, nil), nil)
	alert.SetChecked(cur.Alert)
	rights := container.NewGridWithColumns(2)
	checks := map[employes.Right]*widget.Check{}
	for _, r := range employes.Rights {
		c := widget.NewCheck(r.Label(), nil)
		c.SetChecked(cur.Has(r))
		checks[r] = c
		rights.Add(c)
	}
	code, code2 := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	if e != nil {
		code.SetPlaceHolder(i18n.T(msgCodeKeep, nil))
	}
	reason := wrapLabel("")
	reason.Importance = widget.DangerImportance
	reason.Hide()
	form := widget.NewForm(
		widget.NewFormItem(i18n.T(msgName, nil), name),
		widget.NewFormItem(i18n.T(msgRights, nil), rights),
		widget.NewFormItem(i18n.T(msgEmail, nil), email),
		widget.NewFormItem("", alert),
		widget.NewFormItem(i18n.T(msgCode, nil), code),
		widget.NewFormItem(i18n.T(msgNewCode2, nil), code2),
	)
	content := container.NewVBox(form, reason)
	var d *dialog.CustomDialog
	save := widget.NewButton(i18n.T(msgSave, nil), func() {
		if code.Text != code2.Text {
			reason.SetText(i18n.T(msgCodeMismatch, nil))
			reason.Show()
			return
		}
		n := employes.Employee{Name: name.Text, Email: strings.TrimSpace(email.Text), Alert: alert.Checked}
		for _, r := range employes.Rights {
			if checks[r].Checked && !slices.Contains(n.Rights, r) {
				n.Rights = append(n.Rights, r)
			}
		}
		if err := st.Save(oldName, n, code.Text); err != nil {
			reason.SetText(i18n.Describe(err))
			reason.Show()
			return
		}
		d.Hide()
		saved()
	})
	save.Importance = widget.HighImportance
	cancel := widget.NewButton(i18n.T(msgCancel, nil), func() { d.Hide() })
	d = dialog.NewCustomWithoutButtons(title, minWidth(520, content), win)
	d.SetButtons([]fyne.CanvasObject{cancel, save})
	d.Show()
}

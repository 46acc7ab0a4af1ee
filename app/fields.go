package app

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

// field is one option of the Options step, as a charmbracelet/huh field:
// it owns its widgets, binds them to the Options it fills, and checks what
// only the screen knows (two passphrases typed alike, a box ticked). The
// engine's rules — a destination folder that exists, a valid file name, a
// strong enough passphrase — are the request's Validate, which the step
// calls after every field (operation.request), as the command line does.
type field interface {
	// view builds the field's widgets for the current choices; nil when
	// the field has nothing to show for them.
	view(w *wizard) fyne.CanvasObject
	// validate says why Suivant is refused; nil to go on.
	validate(w *wizard) error
}

// apart is a field drawn below a separator when others come before it.
type apart struct{ field }

// funcField is a field from two functions, for the operations' own options.
type funcField struct {
	show  func(w *wizard) fyne.CanvasObject
	check func(w *wizard) error
}

func (f funcField) view(w *wizard) fyne.CanvasObject {
	if f.show == nil {
		return nil
	}
	return f.show(w)
}

func (f funcField) validate(w *wizard) error {
	if f.check == nil {
		return nil
	}
	return f.check(w)
}

// own is an operation's own options, below a separator.
func own(show func(w *wizard) fyne.CanvasObject, check func(w *wizard) error) field {
	return apart{funcField{show, check}}
}

// destField is the destination folder.
type destField struct{}

func (destField) view(w *wizard) fyne.CanvasObject {
	return container.NewVBox(fieldTitle(i18n.T(msgDestDir, nil)), destRow(w))
}

// validate creates the default folder on first use, then checks it as the
// engine's request does (exists, writable) and that it has room.
func (destField) validate(w *wizard) error {
	if err := destError(w.opts.DestDir); err != nil {
		return err
	}
	return w.roomError()
}

// nameField is the backup file's name: editable for one dossier, the
// default names for several.
type nameField struct{}

func (nameField) view(w *wizard) fyne.CanvasObject {
	o := &w.opts
	box := container.NewVBox(fieldTitle(i18n.T(msgFileName, nil)))
	if len(o.Dossiers) != 1 {
		o.Name = ""
		box.Add(lowLabel(i18n.T(msgManyNames, nil)))
		return box
	}
	if o.Name == "" {
		d := w.info(o.Dossiers[0])
		o.Name = dossier.BackupName(d.Numero, d.Nom, w.now())
	}
	name := newEntry()
	name.SetText(o.Name)
	name.OnChanged = func(s string) { o.Name = strings.TrimSpace(s) }
	box.Add(container.NewBorder(nil, nil, nil, widget.NewLabel(dossier.ExtPBF), name))
	box.Add(lowLabel(i18n.T(msgFileNameHint, nil)))
	return box
}

func (nameField) validate(w *wizard) error { return nil }

// encryptField is « Chiffrer » with the passphrase typed twice.
type encryptField struct{}

func (encryptField) view(w *wizard) fyne.CanvasObject {
	o := &w.opts
	pass1, pass2 := newPasswordEntry(), newPasswordEntry()
	pass1.SetText(o.Passphrase)
	pass2.SetText(o.Passphrase2)
	pass1.OnChanged = func(s string) { o.Passphrase = s }
	pass2.OnChanged = func(s string) { o.Passphrase2 = s }
	passForm := container.NewVBox(widget.NewForm(
		widget.NewFormItem(i18n.T(msgPass1, nil), pass1),
		widget.NewFormItem(i18n.T(msgPass2, nil), pass2)), warnLabel(i18n.T(msgPassWarn, nil)))
	encrypt := newCheck(i18n.T(msgEncrypt, nil), func(b bool) {
		o.Encrypt = b
		if b {
			passForm.Show()
		} else {
			passForm.Hide()
		}
	})
	encrypt.SetChecked(o.Encrypt)
	if !o.Encrypt {
		passForm.Hide()
	}
	return container.NewVBox(encrypt, passForm)
}

// validate: the screen's part — a phrase, typed twice alike; its strength
// is the request's rule.
func (encryptField) validate(w *wizard) error {
	o := &w.opts
	switch {
	case !o.Encrypt:
		o.Passphrase, o.Passphrase2 = "", ""
	case o.Passphrase == "":
		return i18n.E(msgNeedPass, nil, nil)
	case o.Passphrase != o.Passphrase2:
		return i18n.E(msgPassMismatch, nil, nil)
	}
	return nil
}

// readPassField asks for the passphrase of the chosen encrypted files.
type readPassField struct{}

func (readPassField) view(w *wizard) fyne.CanvasObject {
	if !w.encryptedInput() {
		return nil
	}
	o := &w.opts
	pass := newPasswordEntry()
	pass.SetText(o.Passphrase)
	pass.OnChanged = func(s string) { o.Passphrase = s }
	return container.NewVBox(wrapLabel(i18n.T(msgPassRead, nil)), widget.NewForm(widget.NewFormItem(i18n.T(msgPass1, nil), pass)))
}

func (readPassField) validate(w *wizard) error {
	if w.encryptedInput() && w.opts.Passphrase == "" {
		return i18n.E(msgNeedPass, nil, nil)
	}
	return nil
}

// replaceField is the confirmation of replacing the dossier a restore
// goes over, and of replacing it by another dossier.
type replaceField struct{}

func (replaceField) view(w *wizard) fyne.CanvasObject {
	o := &w.opts
	d, taken := w.taken(o.Numero)
	if !taken {
		o.Replace, o.OtherDossier = false, false
		return nil
	}
	box := container.NewVBox(warnLabel(i18n.T(msgTakenBy, map[string]any{"Numero": d.Numero, "Nom": d.Nom, "RaisonSociale": d.RaisonSociale})))
	replace := newCheck(i18n.T(msgReplace, nil), func(b bool) { o.Replace = b })
	replace.SetChecked(o.Replace)
	box.Add(replace)
	if w.otherIdentity() {
		other := newCheck(i18n.T(msgOther, nil), func(b bool) { o.OtherDossier = b })
		other.SetChecked(o.OtherDossier)
		box.Add(other)
	}
	return box
}

func (replaceField) validate(w *wizard) error {
	o := &w.opts
	if _, taken := w.taken(o.Numero); taken && !o.Replace {
		return i18n.E(msgNeedReplace, map[string]any{"Numero": o.Numero}, nil)
	}
	if o.Replace && w.otherIdentity() && !o.OtherDossier {
		return i18n.E(msgNeedOther, map[string]any{"Numero": o.Numero}, nil)
	}
	return nil
}

// levelField is the verification's level.
type levelField struct{}

func (levelField) view(w *wizard) fyne.CanvasObject {
	o := &w.opts
	quick, full := i18n.T(msgLevelQuick, nil), i18n.T(msgLevelFull, nil)
	lv := newRadioList([]string{quick, full}, func(s string) { o.Complete = s == full })
	if o.Complete {
		lv.SetSelected(full)
	} else {
		lv.SetSelected(quick)
	}
	return container.NewVBox(widget.NewLabelWithStyle(i18n.T(msgLevel, nil), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), lv)
}

func (levelField) validate(w *wizard) error { return nil }

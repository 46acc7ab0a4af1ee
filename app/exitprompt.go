package app

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/backup"
	"coffre/internal/batch"
	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/employes"
	"coffre/internal/i18n"
	"coffre/internal/paths"
	"coffre/internal/prefs"
	"coffre/internal/report"
	"coffre/internal/store"
)

var (
	msgExitTitle     = &i18n.Message{ID: "UIQuitterFenetre", Other: "Coffre — Fin de journée"}
	msgExitAskCode   = &i18n.Message{ID: "UIQuitterCode", Other: "Tapez votre code employé pour sauvegarder les dossiers :"}
	msgExitQuestion  = &i18n.Message{ID: "UIQuitterQuestion", Other: "Voulez-vous sauvegarder vos dossiers ?"}
	msgExitWhat      = &i18n.Message{ID: "UIQuitterQuoi", One: "Bonjour {{.Name}}. {{.Count}} dossier sera sauvegardé puis vérifié.", Other: "Bonjour {{.Name}}. {{.Count}} dossiers seront sauvegardés puis vérifiés."}
	msgExitPlace     = &i18n.Message{ID: "UIQuitterEmplacement", Other: "Emplacement"}
	msgExitName      = &i18n.Message{ID: "UIQuitterNom", Other: "Nom"}
	msgExitNameOne   = &i18n.Message{ID: "UIQuitterNomFichier", Other: "nom du fichier, « .pbf » est ajouté"}
	msgExitNameMany  = &i18n.Message{ID: "UIQuitterNomDossier", Other: "un répertoire de ce nom est créé à l'emplacement, avec un fichier par dossier"}
	msgExitSave      = &i18n.Message{ID: "UIQuitterSauvegarder", Other: "Sauvegarder"}
	msgExitDont      = &i18n.Message{ID: "UIQuitterNePasSauvegarder", Other: "Ne pas sauvegarder"}
	msgExitNoDossier = &i18n.Message{ID: "UIQuitterAucunDossier", Other: "Aucun dossier à sauvegarder dans cette connexion."}
	msgExitDone      = &i18n.Message{ID: "UIQuitterTermine", One: "Sauvegarde terminée : {{.Count}} fichier vérifié dans « {{.Dir}} ».", Other: "Sauvegarde terminée : {{.Count}} fichiers vérifiés dans « {{.Dir}} »."}
	msgExitFailed    = &i18n.Message{ID: "UIQuitterEchec", Other: "La sauvegarde a échoué"}
	msgExitSkipped   = &i18n.Message{ID: "UIQuitterNonSauvegardes", One: "{{.Count}} fichier de la connexion ressemble à un dossier mais ne peut pas être sauvegardé :", Other: "{{.Count}} fichiers de la connexion ressemblent à des dossiers mais ne peuvent pas être sauvegardés :"}
	msgExitSkipItem  = &i18n.Message{ID: "UIQuitterNonSauvegarde", Other: "• {{.Line}}"}
	msgExitBusyTitle = &i18n.Message{ID: "UIQuitterEnCoursTitre", Other: "La sauvegarde est en cours"}
	msgExitBusyText  = &i18n.Message{ID: "UIQuitterEnCoursTexte", Other: "Vous pouvez partir : la sauvegarde continue et la fenêtre se fermera d'elle-même quand tous les dossiers seront sauvegardés et vérifiés. En cas d'échec, elle reste ouverte pour le dire."}
	msgExitBusyLater = &i18n.Message{ID: "UIQuitterFermerALaFin", Other: "Fermer à la fin"}
	msgExitBusyStop  = &i18n.Message{ID: "UIQuitterArreter", Other: "Arrêter la sauvegarde"}
	msgExitBusyGoOn  = &i18n.Message{ID: "UIQuitterContinuer", Other: "Continuer"}
	msgExitStopTitle = &i18n.Message{ID: "UIQuitterArreterTitre", Other: "Arrêter la sauvegarde ?"}
	msgExitStopText  = &i18n.Message{ID: "UIQuitterArreterTexte", Other: "Les dossiers déjà sauvegardés le restent ; celui en cours n'est pas gardé. Vos dossiers ne seront pas tous sauvegardés ce soir."}
	msgExitNoRight   = &i18n.Message{ID: "UIQuitterSansDroit", Other: "{{.Name}}, votre code n'a pas le droit « {{.Right}} » : rien n'a été sauvegardé. Un employé qui a ce droit peut sauvegarder les dossiers ; l'administrateur peut vous le donner dans Configuration."}
)

// exitPrompt is the small window the management software opens when its
// last program closes.
type exitPrompt struct {
	app  fyne.App
	win  fyne.Window
	conn string
	emp  *employes.Store

	store store.Store
	// list: the dossiers the backup takes; skipped: the files that look
	// like dossiers but cannot be backed up (unrecognised, or two with one
	// number), shown before and after so that none is silently left out.
	list    []dossier.Info
	skipped []dossier.Info
	who     employes.Employee
	dest    string
	name    string
	reason  *widget.Label
	running bool
	cancel  context.CancelFunc
	run     *runState
	// ask: the question shown during the backup; closeWhenDone: the
	// person closed the window, which closes once the backup succeeded.
	ask           dialog.Dialog
	closeWhenDone bool
	// enter, esc: what Enter and Escape do on the page shown.
	enter, esc func()

	// closed: the window was closed (or never needed); err: what
	// ExitPrompt returns; written: the files the backup wrote.
	closed  bool
	err     error
	written []string

	goWork     func(func())
	pickFolder func(title, start string, done func(string))
	now        func() time.Time
}

// newExitPrompt makes the window; start shows its first page.
func newExitPrompt(a fyne.App, conn string) *exitPrompt {
	p := &exitPrompt{app: a, conn: conn, goWork: func(f func()) { go f() }, pickFolder: nativeFolder, now: time.Now}
	p.win = a.NewWindow(i18n.T(msgExitTitle, nil))
	p.win.SetCloseIntercept(p.closeRequested)
	p.win.Resize(fyne.NewSize(620, 340))
	p.reason = wrapLabel("")
	p.reason.Importance = widget.DangerImportance
	return p
}

// closeRequested is the window's close box. During the backup it does not
// stop it: the person chooses to let it finish (the window closes by
// itself once it succeeded) or to stop it.
func (p *exitPrompt) closeRequested() {
	if !p.running {
		p.close()
		return
	}
	if p.ask != nil {
		return
	}
	var d dialog.Dialog
	later := widget.NewButton(i18n.T(msgExitBusyLater, nil), func() {
		p.closeWhenDone = true
		d.Hide()
	})
	later.Importance = widget.HighImportance
	stop := widget.NewButton(i18n.T(msgExitBusyStop, nil), func() {
		d.Hide()
		p.stop()
	})
	goOn := widget.NewButton(i18n.T(msgExitBusyGoOn, nil), func() { d.Hide() })
	cd := dialog.NewCustomWithoutButtons(i18n.T(msgExitBusyTitle, nil), minWidth(440, wrapLabel(i18n.T(msgExitBusyText, nil))), p.win)
	cd.SetButtons([]fyne.CanvasObject{stop, goOn, later})
	d = cd
	p.showAsk(d)
}

// askStop is « Annuler » during the backup: nothing stops until the person
// confirms.
func (p *exitPrompt) askStop() {
	if !p.running || p.ask != nil {
		return
	}
	d := dialog.NewCustomConfirm(i18n.T(msgExitStopTitle, nil), i18n.T(msgExitBusyStop, nil), i18n.T(msgExitBusyGoOn, nil),
		minWidth(400, wrapLabel(i18n.T(msgExitStopText, nil))), func(ok bool) {
			if ok {
				p.stop()
			}
		}, p.win)
	p.showAsk(d)
}

func (p *exitPrompt) showAsk(d dialog.Dialog) {
	p.ask = d
	d.SetOnClosed(func() {
		if p.ask == d {
			p.ask = nil
		}
	})
	d.Show()
}

// stop cancels the running backup.
func (p *exitPrompt) stop() {
	if p.running && p.cancel != nil {
		p.cancel()
	}
}

// start asks for a code, or checks the one the management software gave.
func (p *exitPrompt) start(code string) {
	p.emp, p.err = employes.OpenDefault()
	if p.err != nil {
		p.showMessage(msgExitFailed, i18n.Describe(p.err))
		return
	}
	if code == "" {
		p.askCode(nil)
	} else {
		p.checkCode(code)
	}
}

// checkCode lets a code with « Sauvegarder » see the offer; a known code
// without it is told why nothing is backed up, then closes the window.
func (p *exitPrompt) checkCode(code string) {
	e, ok, err := p.emp.Allows(employes.AtExit, code, employes.Sauvegarder)
	switch {
	case err != nil:
		p.askCode(err)
	case !ok:
		p.showMessage(msgExitQuestion, i18n.T(msgExitNoRight, map[string]any{"Name": e.Name, "Right": employes.Sauvegarder.Label()}))
	default:
		p.who = e
		p.offer()
	}
}

func (p *exitPrompt) askCode(err error) {
	entry := newEscEntry(p.escape)
	entry.Password = true
	p.setReason(err)
	submit := func() { p.checkCode(entry.Text) }
	entry.OnSubmitted = func(string) { submit() }
	ok := widget.NewButton(i18n.T(msgValidate, nil), submit)
	ok.Importance = widget.HighImportance
	dont := widget.NewButton(i18n.T(msgExitDont, nil), p.close)
	p.setPage(container.NewVBox(
		heading(i18n.T(msgExitQuestion, nil)),
		wrapLabel(i18n.T(msgExitAskCode, nil)),
		widget.NewForm(widget.NewFormItem(i18n.T(msgCodeLabel, nil), entry)),
		p.reason,
	), dont, ok)
	p.win.Canvas().Focus(entry)
}

// offer lists the connexion's dossiers and shows Emplacement, Nom and the
// two buttons.
func (p *exitPrompt) offer() {
	s, err := connexion.Open(p.conn)
	var all []dossier.Info
	if err == nil {
		p.store = s
		all, err = connexion.List(context.Background(), s, nil)
	}
	if err != nil {
		p.err = err
		p.showMessage(msgExitFailed, i18n.Describe(err))
		return
	}
	for _, d := range all {
		if d.Usable() {
			p.list = append(p.list, d)
		} else {
			p.skipped = append(p.skipped, d)
		}
	}
	if len(p.list) == 0 {
		text := i18n.T(msgExitNoDossier, nil)
		if len(p.skipped) > 0 {
			text += "\n\n" + p.skippedText()
		}
		p.showMessage(msgExitQuestion, text)
		return
	}
	p.dest = prefs.Load().Destination
	if p.dest == "" {
		p.dest = paths.Backups()
	}
	p.name = batch.ExitName(p.list, p.now())
	dest := newEscEntry(p.escape)
	dest.OnSubmitted = func(string) { p.save() }
	dest.SetText(p.dest)
	dest.OnChanged = func(s string) { p.dest = strings.TrimSpace(s) }
	browse := widget.NewButtonWithIcon(i18n.T(msgBrowse, nil), theme.FolderOpenIcon(), func() {
		p.pickFolder(i18n.T(msgPickFolder, nil), p.dest, dest.SetText)
	})
	name := newEscEntry(p.escape)
	name.OnSubmitted = func(string) { p.save() }
	name.SetText(p.name)
	name.OnChanged = func(s string) { p.name = strings.TrimSpace(s) }
	hint := msgExitNameMany
	if len(p.list) == 1 {
		hint = msgExitNameOne
	}
	name.SetPlaceHolder(i18n.T(hint, nil))
	p.setReason(nil)
	save := widget.NewButtonWithIcon(i18n.T(msgExitSave, nil), theme.DocumentSaveIcon(), p.save)
	save.Importance = widget.HighImportance
	dont := widget.NewButton(i18n.T(msgExitDont, nil), p.close)
	form := widget.NewForm(
		widget.NewFormItem(i18n.T(msgExitPlace, nil), container.NewBorder(nil, nil, nil, browse, dest)),
		widget.NewFormItem(i18n.T(msgExitName, nil), name),
	)
	page := container.NewVBox(
		heading(i18n.T(msgExitQuestion, nil)),
		wrapLabel(i18n.N(msgExitWhat, int64(len(p.list)), map[string]any{"Name": p.who.Name})),
	)
	if len(p.skipped) > 0 {
		page.Add(warnLabel(p.skippedText()))
	}
	page.Add(form)
	page.Add(lowLabel(i18n.T(hint, nil)))
	page.Add(p.reason)
	p.setPage(page, dont, save)
}

// skippedText lists the files that are not backed up, each with why.
func (p *exitPrompt) skippedText() string {
	lines := []string{i18n.N(msgExitSkipped, int64(len(p.skipped)), nil)}
	for _, d := range p.skipped {
		lines = append(lines, i18n.T(msgExitSkipItem, map[string]any{"Line": listedState(d)}))
	}
	return strings.Join(lines, "\n")
}

// save backs up every dossier of the connexion, verified.
func (p *exitPrompt) save() {
	if p.running {
		return
	}
	if err := destError(p.dest); err != nil {
		p.setReason(err)
		return
	}
	dir, fileName, err := batch.ExitTarget(p.dest, p.name, len(p.list))
	if err != nil {
		p.setReason(err)
		return
	}
	var items []batch.Item
	for _, d := range p.list {
		items = append(items, batch.Item{Key: d.Numero, Label: dossier.Label(d.Numero, d.Nom)})
	}
	ctx, cancel := context.WithCancel(context.Background())
	p.cancel, p.running = cancel, true
	p.run = newRunState()
	rs := p.run
	bar := widget.NewProgressBarWithData(rs.fraction)
	stop := widget.NewButton(i18n.T(msgCancel, nil), p.askStop)
	p.setPage(container.NewVBox(heading(i18n.T(msgExitSave, nil)), widget.NewLabelWithData(rs.item), bar,
		widget.NewLabelWithData(rs.phase), container.NewHBox(widget.NewLabelWithData(rs.bytes), layout.NewSpacer(), widget.NewLabelWithData(rs.remaining))), stop)
	dest := p.dest
	p.goWork(func() {
		report := dossier.Throttle(rs.report, 100*time.Millisecond)
		res := backupAll(ctx, p.store, items, backup.Request{DestDir: dir, Name: fileName, Verify: true}, batch.Options[backup.Result]{
			Started:  func(i, total int, it batch.Item) { rs.started(i, total, it.Label) },
			Progress: func(s batch.Step) { report(s.Event) },
		})
		cancel()
		fyne.Do(func() { p.finished(res, dest, dir) })
	})
}

func (p *exitPrompt) finished(res batch.Result[backup.Result], dest, dir string) {
	p.running = false
	if p.ask != nil { // the backup ended while a question was open
		d := p.ask
		p.ask = nil
		d.Hide()
	}
	for _, r := range res.Done() {
		p.written = append(p.written, r.Path)
	}
	err := res.Err()
	if err != nil {
		p.err = err
		if i18n.Canceled(err) {
			p.showMessage(resCanceled, i18n.T(resCanceledText, nil))
			return
		}
		p.showMessage(msgExitFailed, i18n.Describe(err))
		return
	}
	_ = prefs.Update(func(pr *prefs.Prefs) { pr.Destination = dest })
	text := i18n.N(msgExitDone, int64(len(p.written)), map[string]any{"Dir": dir})
	if len(p.skipped) > 0 {
		text += "\n\n" + p.skippedText()
	}
	p.showMessage(report.TitleBackup, text)
	if p.closeWhenDone {
		p.close()
	}
}

// showMessage shows a title, a text and « Fermer ».
func (p *exitPrompt) showMessage(title *i18n.Message, text string) {
	closeButton := widget.NewButton(i18n.T(msgClose, nil), p.close)
	closeButton.Importance = widget.HighImportance
	p.setPage(container.NewVBox(heading(i18n.T(title, nil)), wrapLabel(text)), closeButton)
}

func (p *exitPrompt) setReason(err error) { showReason(p.reason, p.reason, err) }

// setPage shows content above the buttons, aligned right. Enter is the
// last button when it is the page's default (« Sauvegarder », « Valider »,
// « Fermer »), Escape the first (« Ne pas sauvegarder », « Annuler »).
func (p *exitPrompt) setPage(content fyne.CanvasObject, buttons ...*widget.Button) {
	p.enter, p.esc = nil, nil
	if n := len(buttons); n > 0 {
		if b := buttons[n-1]; b.Importance == widget.HighImportance {
			p.enter = b.OnTapped
		}
		p.esc = buttons[0].OnTapped
	}
	objs := []fyne.CanvasObject{layout.NewSpacer()}
	for _, b := range buttons {
		objs = append(objs, b)
	}
	row := container.NewHBox(objs...)
	p.win.SetContent(container.NewPadded(container.NewBorder(nil, container.NewVBox(widget.NewSeparator(), row), nil, nil, container.NewVScroll(content))))
	p.win.Canvas().SetOnTypedKey(p.typedKey)
}

// typedKey gets the keys no control used: Enter, Escape.
func (p *exitPrompt) typedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		if p.ask == nil && p.enter != nil {
			p.enter()
		}
	case fyne.KeyEscape:
		p.escape()
	}
}

// escape closes the question shown, else is the page's first button.
func (p *exitPrompt) escape() {
	if p.ask != nil {
		d := p.ask
		p.ask = nil
		d.Hide()
		return
	}
	if p.esc != nil {
		p.esc()
	}
}

func (p *exitPrompt) close() {
	p.closed = true
	p.win.Close()
}

func (p *exitPrompt) shutdown() {
	if p.cancel != nil {
		p.cancel()
	}
	if p.store != nil {
		p.store.Close()
	}
}

func heading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	l.Wrapping = fyne.TextWrapWord
	return l
}

package app

import (
	"context"
	"image/color"
	"os/exec"
	"runtime"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/catalogue"
	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/employes"
	"coffre/internal/i18n"
	"coffre/internal/paths"
	"coffre/internal/prefs"
	"coffre/internal/restore"
	"coffre/internal/store"
)

// step is one screen of the wizard. The wizard is the slice of steps; a
// step's view is rebuilt each time it is entered, from the Options.
type step struct {
	title *i18n.Message
	view  func(w *wizard) fyne.CanvasObject
	// validate says why Suivant is refused (nil: go on).
	validate func(w *wizard) error
	// enter runs once the view is shown (Exécution starts the work).
	enter func(w *wizard)
	// nextLabel replaces « Suivant » (Résumé: « Lancer »).
	nextLabel *i18n.Message
	// noBack, noNext: Précédent / Suivant stay disabled on this step.
	noBack, noNext bool
	// help is the step's short explanation, under its title.
	help func(w *wizard) *i18n.Message
	// slow, if set, is the part of the check that reads a server or files
	// (opening the connexion, reading a whole backup): called on the UI
	// goroutine once validate passed, it returns the reading to do off it
	// (nil: nothing to read), so that the window never freezes.
	slow func(w *wizard) slowCheck
}

// slowCheck reads, off the UI goroutine, what a step needs; keep, called
// back on the UI goroutine, takes the result in (keep(false): the check was
// cancelled meanwhile, only release what was opened).
type slowCheck func(ctx context.Context) (keep func(bool) error, err error)

var (
	msgTitle     = &i18n.Message{ID: "UITitre", Other: "Coffre"}
	msgPrev      = &i18n.Message{ID: "UIPrecedent", Other: "Précédent"}
	msgNext      = &i18n.Message{ID: "UISuivant", Other: "Suivant"}
	msgCancel    = &i18n.Message{ID: "UIAnnuler", Other: "Annuler"}
	msgLaunch    = &i18n.Message{ID: "UILancer", Other: "Lancer"}
	msgConfig    = &i18n.Message{ID: "UIConfiguration", Other: "Configuration"}
	msgStepOfNow = &i18n.Message{ID: "UIEtapeSurNom", Other: "Étape {{.N}} sur {{.Total}} — {{.Step}}"}
	msgQuitTitle = &i18n.Message{ID: "UIQuitterTitre", Other: "Quitter Coffre ?"}
	msgQuitText  = &i18n.Message{ID: "UIQuitterTexte", Other: "Aucune opération n'a été lancée. Voulez-vous fermer l'assistant ?"}
	msgQuitYes   = &i18n.Message{ID: "UIQuitterOui", Other: "Quitter"}
	msgQuitNo    = &i18n.Message{ID: "UIQuitterNon", Other: "Rester"}
	msgClose     = &i18n.Message{ID: "UIFermer", Other: "Fermer"}
	msgErrTitle  = &i18n.Message{ID: "UIErreurTitre", Other: "Erreur"}
	msgChecking  = &i18n.Message{ID: "UIVerificationEnCours", Other: "Lecture en cours… « Annuler » l'interrompt."}
	msgStopTitle = &i18n.Message{ID: "UIArreterTitre", Other: "Arrêter l'opération ?"}
	msgStopText  = &i18n.Message{ID: "UIArreterTexte", Other: "L'opération est en cours. Si vous l'arrêtez, rien de ce qu'elle a commencé n'est gardé : aucun fichier à moitié écrit ne reste, et il faudra la relancer."}
	msgStopClose = &i18n.Message{ID: "UIArreterFermerTexte", Other: "L'opération est en cours. Pour fermer Coffre, il faut l'arrêter : rien de ce qu'elle a commencé n'est gardé, et il faudra la relancer."}
	msgStopYes   = &i18n.Message{ID: "UIArreterOui", Other: "Arrêter l'opération"}
	msgStopNo    = &i18n.Message{ID: "UIArreterNon", Other: "Continuer"}

	stepConnexion = &i18n.Message{ID: "UIEtapeConnexion", Other: "Connexion"}
	stepOperation = &i18n.Message{ID: "UIEtapeOperation", Other: "Opération"}
	stepDossiers  = &i18n.Message{ID: "UIEtapeDossiers", Other: "Dossiers"}
	stepOptions   = &i18n.Message{ID: "UIEtapeOptions", Other: "Options"}
	stepSummary   = &i18n.Message{ID: "UIEtapeResume", Other: "Résumé"}
	stepRun       = &i18n.Message{ID: "UIEtapeExecution", Other: "Exécution"}
	stepResult    = &i18n.Message{ID: "UIEtapeResultat", Other: "Résultat"}
)

// The steps' explanations: what the step is for, in a sentence or two.
var (
	helpConnexion = &i18n.Message{ID: "UIAideConnexion", Other: "Indiquez où sont vos dossiers comptables : le répertoire de votre logiciel de gestion sur cet ordinateur ou sur le réseau, ou un serveur SQL. Rien n'est modifié à cette étape."}
	helpOperation = &i18n.Message{ID: "UIAideOperation", Other: "Choisissez ce que vous voulez faire (les flèches du clavier parcourent la liste, Entrée continue). Rien n'est fait avant « Lancer », à l'étape Résumé."}
	helpDossiers  = &i18n.Message{ID: "UIAideDossiers", Other: "Cochez les dossiers concernés ; la dernière sauvegarde de chacun est indiquée."}
	helpFiles     = &i18n.Message{ID: "UIAideFichiers", Other: "Choisissez le fichier : ceux du répertoire indiqué sont listés avec ce qu'ils contiennent."}
	helpOptions   = &i18n.Message{ID: "UIAideOptions", Other: "Réglez où et comment l'opération écrit. « Suivant » contrôle chaque choix avant d'aller plus loin."}
	helpSummary   = &i18n.Message{ID: "UIAideResume", Other: "Relisez : voici exactement ce qui va se passer. « Lancer » démarre l'opération ; « Précédent » permet encore de changer d'avis."}
	helpRun       = &i18n.Message{ID: "UIAideExecution", Other: "Vous pouvez continuer à travailler pendant l'opération. Fermer la fenêtre ou « Annuler » demande confirmation avant de l'arrêter."}
)

func fixedHelp(m *i18n.Message) func(*wizard) *i18n.Message {
	return func(*wizard) *i18n.Message { return m }
}

func dossiersHelp(w *wizard) *i18n.Message {
	if w.op().input == fromFiles {
		return helpFiles
	}
	return helpDossiers
}

// Step indexes, for the steps that others jump to.
const (
	stepIdxConnexion = iota
	stepIdxOperation
	stepIdxDossiers
	stepIdxOptions
	stepIdxSummary
	stepIdxRun
	stepIdxResult
)

// wizardSteps is the wizard, in order. (A function, because the steps
// refer to the wizard's methods, which refer to the steps.)
func wizardSteps() []step {
	return []step{
		stepIdxConnexion: {title: stepConnexion, view: connexionView, validate: connexionValidate, slow: connexionSlow, noBack: true, help: fixedHelp(helpConnexion)},
		stepIdxOperation: {title: stepOperation, view: operationView, validate: operationValidate, help: fixedHelp(helpOperation)},
		stepIdxDossiers:  {title: stepDossiers, view: dossiersView, validate: dossiersValidate, slow: exercicesSlow, help: dossiersHelp},
		stepIdxOptions:   {title: stepOptions, view: optionsView, validate: optionsValidate, slow: optionsSlow, help: fixedHelp(helpOptions)},
		stepIdxSummary:   {title: stepSummary, view: summaryView, validate: summaryValidate, nextLabel: msgLaunch, help: fixedHelp(helpSummary)},
		stepIdxRun:       {title: stepRun, view: runView, enter: startRun, noBack: true, noNext: true, help: fixedHelp(helpRun)},
		stepIdxResult:    {title: stepResult, view: resultView, noBack: true, noNext: true},
	}
}

// wizard is the main window.
type wizard struct {
	app   fyne.App
	win   fyne.Window
	opts  Options
	steps []step
	cur   int

	store    store.Store
	dossiers []dossier.Info
	files    []catalogue.Entry
	plan     *restore.Plan
	// exercices caches each dossier's exercices for the Options step.
	exercices map[string]loadedExercices
	// employee is who typed a code in this session, for the operations
	// that need a right.
	employee *employes.Employee

	// Widgets of the frame.
	crumbs        *fyne.Container // every step's name
	crumbShort    *widget.Label   // « Étape 6 sur 7 — Exécution », when they do not fit
	title         *widget.Label
	help          *widget.Label
	body          *fyne.Container
	reason        *widget.Label
	reasonBox     *fyne.Container
	busy          *widget.Activity // a step's slow check runs
	busyLabel     *widget.Label
	busyBox       *fyne.Container
	checking      context.CancelFunc // cancels the slow check running
	prev, next    *widget.Button
	cancel        *widget.Button
	configButton  *widget.Button
	configWindow  fyne.Window
	dialog        dialog.Dialog // the dialog shown last, for Escape
	onFrameUpdate func()        // tests: called after every step change

	// The running operation.
	running   bool
	cancelRun context.CancelFunc
	// stopAsk is the open « Arrêter l'opération ? » dialog; closeAfter:
	// the window closes once the stopped run has cleaned up.
	stopAsk    dialog.Dialog
	closeAfter bool
	// closed: the window was closed (tests).
	closed bool
	run    *runState
	result outcome

	// Hooks replaced by tests and the screenshot mode.
	goWork     func(func()) // starts the work: a goroutine
	openStore  func(ctx context.Context, spec connexion.Spec) (store.Store, error)
	pickFolder func(title, start string, done func(string))
	pickFile   func(title, start string, kind *fileKind, done func(string))
	openFolder func(dir string)
	now        func() time.Time
	// onEvent, if set, sees every progress event on the work goroutine
	// (tests cancel from it at a known point).
	onEvent func(dossier.Event)
}

func newWizard(a fyne.App, conn string) *wizard {
	w := &wizard{
		app:        a,
		steps:      wizardSteps(),
		goWork:     func(f func()) { go f() },
		openStore:  func(ctx context.Context, spec connexion.Spec) (store.Store, error) { return spec.Open(ctx) },
		pickFolder: nativeFolder,
		pickFile:   nativeFile,
		openFolder: openInFileManager,
		now:        time.Now,
	}
	p := prefs.Load()
	w.opts.Folder = conn
	if conn == "" {
		w.opts.Folder = p.Connexion
	}
	if w.opts.Folder == "" {
		w.opts.Folder = paths.Dossiers()
	}
	if connexion.IsODBC(w.opts.Folder) {
		w.opts.ODBC = true
		w.opts.ODBCServer = w.opts.Folder[len(connexion.ODBCPrefix):]
		w.opts.Folder = paths.Dossiers()
	}
	w.opts.Operation = operations[0].id
	w.opts.VerifyAfter = true
	w.opts.FEC = true // the administration asks for it with the tax-audit copy
	w.opts.ExportHere = true
	w.opts.DestDir = p.Destination
	if w.opts.DestDir == "" {
		w.opts.DestDir = paths.Backups()
	}
	w.opts.FilesFolder = p.Sauvegardes
	if w.opts.FilesFolder == "" {
		w.opts.FilesFolder = w.opts.DestDir
	}
	w.opts.FilesFolder = restoreFolder(w.opts.FilesFolder)
	w.win = a.NewWindow(i18n.T(msgTitle, nil))
	w.win.SetContent(w.frame())
	w.win.Resize(fyne.NewSize(1000, 680))
	w.win.SetCloseIntercept(w.closeRequested)
	w.win.Canvas().SetOnTypedKey(w.typedKey)
	w.show(0)
	return w
}

// showDialog shows d as the window's current dialog (Escape dismisses it).
func (w *wizard) showDialog(d dialog.Dialog) {
	w.dialog = d
	d.SetOnClosed(func() {
		if w.dialog == d {
			w.dialog = nil
		}
	})
	d.Show()
}

func (w *wizard) op() *operation {
	if op := operationByID(w.opts.Operation); op != nil {
		return op
	}
	return operations[0]
}

// info is the listing line of dossier n.
func (w *wizard) info(n string) dossier.Info {
	for _, d := range w.dossiers {
		if d.Numero == n {
			return d
		}
	}
	return dossier.Info{Identity: dossier.Identity{Numero: n}}
}

func (w *wizard) frame() fyne.CanvasObject {
	w.crumbs = container.NewHBox()
	w.crumbShort = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.crumbShort.Truncation = fyne.TextTruncateEllipsis
	configKey, configButton := newKeyButton(i18n.T(msgConfig, nil), theme.SettingsIcon(), w.openConfiguration)
	w.configButton = configButton
	history, _ := newKeyButton(i18n.T(msgHistTab, nil), theme.HistoryIcon(), func() { OpenHistorique(w.app) })
	crumbs := container.New(crumbLayout{}, container.NewPadded(w.crumbs), w.crumbShort)
	header := container.NewBorder(nil, nil, nil, container.NewHBox(history, configKey), crumbs)

	w.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	w.title.SizeName = theme.SizeNameSubHeadingText
	w.help = lowLabel("")
	w.body = container.NewStack()

	w.reason = widget.NewLabel("")
	w.reason.Importance = widget.DangerImportance
	w.reason.Wrapping = fyne.TextWrapWord
	w.reasonBox = container.NewBorder(nil, nil, widget.NewIcon(theme.ErrorIcon()), nil, w.reason)
	w.reasonBox.Hide()
	w.busy = widget.NewActivity()
	w.busyLabel = widget.NewLabel(i18n.T(msgChecking, nil))
	w.busyBox = container.NewHBox(w.busy, w.busyLabel)
	w.busyBox.Hide()

	prevKey, prev := newKeyButton(i18n.T(msgPrev, nil), theme.NavigateBackIcon(), w.back)
	nextKey, next := newKeyButton(i18n.T(msgNext, nil), theme.NavigateNextIcon(), w.forward)
	cancelKey, cancel := newKeyButton(i18n.T(msgCancel, nil), theme.CancelIcon(), w.cancelTapped)
	w.prev, w.next, w.cancel = prev, next, cancel
	w.next.IconPlacement = widget.ButtonIconTrailingText
	w.next.Importance = widget.HighImportance
	buttons := container.NewHBox(cancelKey, layout.NewSpacer(), prevKey, nextKey)

	top := container.NewVBox(header, widget.NewSeparator(), w.title, w.help)
	bottom := container.NewVBox(w.reasonBox, w.busyBox, widget.NewSeparator(), buttons)
	// Tab goes through the step, then its buttons, then the header: the
	// objects' order, which the border layout leaves free.
	center := container.NewPadded(w.body)
	w.wireKeys(top)
	w.wireKeys(bottom)
	return container.New(layout.NewBorderLayout(top, bottom, nil, nil), center, bottom, top)
}

// show displays step i.
func (w *wizard) show(i int) {
	w.cur = i
	s := w.steps[i]
	w.setReason(nil)
	w.title.SetText(i18n.T(s.title, nil))
	w.crumbShort.SetText(i18n.T(msgStepOfNow, map[string]any{"N": i + 1, "Total": len(w.steps), "Step": i18n.T(s.title, nil)}))
	w.drawCrumbs()
	w.help.Hide()
	if s.help != nil {
		if m := s.help(w); m != nil {
			w.help.SetText(i18n.T(m, nil))
			w.help.Show()
		}
	}
	view := s.view(w)
	w.wireKeys(view)
	w.body.Objects = []fyne.CanvasObject{view}
	w.body.Refresh()
	w.win.Canvas().Unfocus() // Enter is « Suivant » until a control is chosen
	w.next.SetText(i18n.T(msgNext, nil))
	if s.nextLabel != nil {
		w.next.SetText(i18n.T(s.nextLabel, nil))
	}
	w.updateButtons()
	if s.enter != nil {
		s.enter(w)
	}
	if w.onFrameUpdate != nil {
		w.onFrameUpdate()
	}
}

func (w *wizard) updateButtons() {
	s := w.steps[w.cur]
	setEnabled(w.prev, !s.noBack && !w.running && w.checking == nil)
	setEnabled(w.next, !s.noNext && !w.running && w.checking == nil)
	setEnabled(w.cancel, w.cur != stepIdxResult)
	setEnabled(w.configButton, !w.running)
}

func setEnabled(b *widget.Button, on bool) {
	if on {
		b.Enable()
	} else {
		b.Disable()
	}
}

// drawCrumbs shows every step's name, the current one in bold and in the
// primary colour, those to come paler. Plain text, so that the seven names
// fit the window's width at 1000 pixels; below, crumbLayout shows
// « Étape N sur 7 — Nom » instead.
func (w *wizard) drawCrumbs() {
	w.crumbs.Objects = nil
	v := w.app.Settings().ThemeVariant()
	col := func(n fyne.ThemeColorName) color.Color { return w.app.Settings().Theme().Color(n, v) }
	for i, s := range w.steps {
		if i > 0 {
			sep := canvas.NewText("›", col(theme.ColorNamePlaceHolder))
			w.crumbs.Add(sep)
		}
		t := canvas.NewText(i18n.T(s.title, nil), col(theme.ColorNameForeground))
		switch {
		case i == w.cur:
			t.TextStyle.Bold = true
			t.Color = col(theme.ColorNamePrimary)
		case i > w.cur:
			t.Color = col(theme.ColorNamePlaceHolder)
		}
		w.crumbs.Add(t)
	}
	w.crumbs.Refresh()
}

// crumbLayout shows its first object (the whole breadcrumb) when it fits,
// else its second (the condensed one); it asks only for the second's room.
type crumbLayout struct{}

func (crumbLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	full, short := objs[0].MinSize(), objs[1].MinSize()
	return fyne.NewSize(min(full.Width, short.Width), max(full.Height, short.Height))
}

func (crumbLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	full, short := objs[0], objs[1]
	fits := full.MinSize().Width <= size.Width
	for _, o := range objs {
		o.Resize(fyne.NewSize(size.Width, o.MinSize().Height))
		o.Move(fyne.NewPos(0, (size.Height-o.MinSize().Height)/2))
	}
	if fits {
		short.Hide()
		full.Show()
	} else {
		full.Hide()
		short.Show()
	}
}

// setReason shows why Suivant was refused (nil hides it).
func (w *wizard) setReason(err error) { showReason(w.reason, w.reasonBox, err) }

// showReason puts err's sentence in label and shows box; nil clears and
// hides them.
func showReason(label *widget.Label, box fyne.CanvasObject, err error) {
	label.SetText(i18n.Describe(err))
	if err == nil {
		box.Hide()
		return
	}
	box.Show()
}

// forward validates the current step and goes to the next one.
func (w *wizard) forward() {
	s := w.steps[w.cur]
	if s.noNext || w.running {
		return
	}
	if w.checking != nil {
		return
	}
	if s.validate != nil {
		if err := s.validate(w); err != nil {
			w.setReason(err)
			return
		}
	}
	if s.slow != nil {
		if chk := s.slow(w); chk != nil {
			from := w.cur
			w.check(chk, func() {
				if w.cur == from {
					w.show(from + 1)
				}
			})
			return
		}
	}
	w.show(w.cur + 1)
}

// check runs chk off the UI goroutine with a spinner; « Annuler » (or
// Escape) interrupts it. Its result is taken in on the UI goroutine, then
// then runs; an error is shown as the step's reason.
func (w *wizard) check(chk slowCheck, then func()) {
	ctx, cancel := context.WithCancel(context.Background())
	w.checking = cancel
	w.setReason(nil)
	w.busyBox.Show()
	w.busy.Start()
	w.updateButtons()
	w.goWork(func() {
		keep, err := chk(ctx)
		fyne.Do(func() {
			cancelled := ctx.Err() != nil
			cancel()
			w.checking = nil
			w.busy.Stop()
			w.busyBox.Hide()
			w.updateButtons()
			if keep != nil {
				if kerr := keep(!cancelled && err == nil); err == nil {
					err = kerr
				}
			}
			switch {
			case cancelled:
				// Annuler: the step stays as it was.
			case err != nil:
				w.setReason(err)
			default:
				then()
			}
		})
	})
}

func (w *wizard) back() {
	if w.steps[w.cur].noBack || w.running {
		return
	}
	w.show(w.cur - 1)
}

// cancelTapped asks before stopping the running operation (a long backup
// is not lost to a slip of the mouse), or offers to close.
func (w *wizard) cancelTapped() {
	if w.checking != nil {
		w.checking() // a slow check: interrupt it, stay on the step
		return
	}
	if w.running {
		w.askStop(false)
		return
	}
	w.closeRequested()
}

// closeRequested is the window's close box: during a run it asks before
// stopping the work, and closes once the work has cleaned up.
func (w *wizard) closeRequested() {
	if w.running {
		w.askStop(true)
		return
	}
	if w.cur == stepIdxResult {
		w.closeWindow()
		return
	}
	d := dialog.NewCustomConfirm(i18n.T(msgQuitTitle, nil), i18n.T(msgQuitYes, nil), i18n.T(msgQuitNo, nil),
		wrapLabel(i18n.T(msgQuitText, nil)), func(ok bool) {
			if ok {
				w.closeWindow()
			}
		}, w.win)
	w.showDialog(d)
}

// askStop asks whether to stop the running operation; nothing is
// cancelled until the person confirms. closing: the window closes after.
func (w *wizard) askStop(closing bool) {
	if w.stopAsk != nil {
		return
	}
	text := msgStopText
	if closing {
		text = msgStopClose
	}
	d := dialog.NewCustomConfirm(i18n.T(msgStopTitle, nil), i18n.T(msgStopYes, nil), i18n.T(msgStopNo, nil),
		minWidth(420, wrapLabel(i18n.T(text, nil))), func(stop bool) {
			w.stopAsk = nil
			if !stop || !w.running || w.cancelRun == nil {
				return
			}
			w.closeAfter = w.closeAfter || closing
			w.cancelRun()
		}, w.win)
	w.stopAsk = d
	w.showDialog(d)
}

func (w *wizard) closeWindow() {
	w.closed = true
	w.win.Close()
}

// restart goes back to the Opération step for a new operation on the same
// connexion, with a fresh listing.
func (w *wizard) restart() {
	w.opts.resetChoices()
	w.plan = nil
	w.exercices = nil
	w.show(stepIdxOperation)
	if w.store != nil {
		w.check(w.listDossiers(w.store, nil), func() {})
	}
}

// showError shows err in a dialog with our own button label.
func (w *wizard) showError(err error) {
	w.showDialog(errorDialog(w.win, err))
}

func showError(win fyne.Window, err error) { errorDialog(win, err).Show() }

func errorDialog(win fyne.Window, err error) dialog.Dialog {
	return dialog.NewCustom(i18n.T(msgErrTitle, nil), i18n.T(msgClose, nil), wrapLabel(i18n.Describe(err)), win)
}

func wrapLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Wrapping = fyne.TextWrapWord
	return l
}

// openInFileManager opens dir in the system's file manager.
func openInFileManager(dir string) {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "windows":
		cmd = exec.Command("explorer", dir)
	case "darwin":
		cmd = exec.Command("open", dir)
	default:
		cmd = exec.Command("xdg-open", dir)
	}
	if err := cmd.Start(); err == nil {
		go cmd.Wait()
	}
}

// minWidth gives obj at least width w, so that wrapped text in a dialog
// gets a readable line length.
func minWidth(w float32, obj fyne.CanvasObject) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 0))
	return container.NewStack(r, obj)
}

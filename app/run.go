package app

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/data/binding"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/catalogue"
	"coffre/internal/crash"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/prefs"
	"coffre/internal/report"
)

var (
	msgRunItem      = &i18n.Message{ID: "UIExecutionElement", Other: "{{.Label}} ({{.N}} sur {{.Total}})"}
	msgRunPhase     = &i18n.Message{ID: "UIExecutionPhase", Other: "Étape en cours : {{.Phase}}"}
	msgRunBytes     = &i18n.Message{ID: "UIExecutionOctets", Other: "{{.Done}} sur {{.Total}}"}
	msgRunRemaining = &i18n.Message{ID: "UIExecutionRestant", Other: "Temps restant : environ {{.Duration}}"}
	msgRunEstimate  = &i18n.Message{ID: "UIExecutionEstimation", Other: "Temps restant : estimation…"}
	msgRunStarting  = &i18n.Message{ID: "UIExecutionDemarrage", Other: "Démarrage…"}
	msgRunCancelTip = &i18n.Message{ID: "UIExecutionAnnulerAide", Other: "« Annuler » arrête l'opération proprement : aucun fichier à moitié écrit ne reste."}
	msgRunRecap     = &i18n.Message{ID: "UIExecutionRappel", Other: "Ce qui est fait"}
	msgOpenFolder   = &i18n.Message{ID: "UIOuvrirDossier", Other: "Ouvrir le répertoire"}
	msgNewOperation = &i18n.Message{ID: "UINouvelleOperation", Other: "Nouvelle opération"}
	msgQuit         = &i18n.Message{ID: "UIQuitter", Other: "Quitter"}
)

// runState is the Exécution step's display. The work goroutine writes only
// the bindings, which hand their changes to the UI goroutine.
type runState struct {
	fraction  binding.Float
	item      binding.String
	phase     binding.String
	bytes     binding.String
	remaining binding.String

	mu    sync.Mutex // the model, touched by the work goroutine
	model *progressModel
	now   func() time.Time
}

func newRunState() *runState {
	rs := &runState{
		fraction: binding.NewFloat(), item: binding.NewString(), phase: binding.NewString(),
		bytes: binding.NewString(), remaining: binding.NewString(), now: time.Now,
	}
	rs.model = newProgressModel(rs.now())
	_ = rs.item.Set(i18n.T(msgRunStarting, nil))
	return rs
}

// started: item index of total begins. The bar goes on from where it is:
// it is the whole operation's.
func (rs *runState) started(index, total int, label string) {
	rs.mu.Lock()
	rs.model.started(index, total)
	v := rs.model.value
	rs.mu.Unlock()
	_ = rs.item.Set(i18n.T(msgRunItem, map[string]any{"Label": label, "N": index + 1, "Total": total}))
	_ = rs.fraction.Set(v)
	_ = rs.bytes.Set("")
}

// report shows one progress event: the phase as text, its bytes, the
// whole operation's bar and, once enough is done, the time it still needs.
func (rs *runState) report(e dossier.Event) {
	rs.mu.Lock()
	v := rs.model.event(e)
	left, ok := rs.model.remaining(rs.now())
	rs.mu.Unlock()
	_ = rs.phase.Set(i18n.T(msgRunPhase, map[string]any{"Phase": report.PhaseLabel(e.Phase)}))
	_ = rs.fraction.Set(v)
	if e.Total <= 0 {
		_ = rs.bytes.Set(i18n.Bytes(e.Done))
	} else {
		_ = rs.bytes.Set(i18n.T(msgRunBytes, map[string]any{"Done": i18n.Bytes(e.Done), "Total": i18n.Bytes(e.Total)}))
	}
	if !ok {
		_ = rs.remaining.Set(i18n.T(msgRunEstimate, nil))
		return
	}
	_ = rs.remaining.Set(i18n.T(msgRunRemaining, map[string]any{"Duration": i18n.Duration(left)}))
}

func runView(w *wizard) fyne.CanvasObject {
	w.run = newRunState()
	rs := w.run
	bar := widget.NewProgressBarWithData(rs.fraction)
	item := widget.NewLabelWithData(rs.item)
	item.TextStyle.Bold = true
	item.Truncation = fyne.TextTruncateEllipsis
	phase := widget.NewLabelWithData(rs.phase)
	bytes := widget.NewLabelWithData(rs.bytes)
	remaining := widget.NewLabelWithData(rs.remaining)
	tip := lowLabel(i18n.T(msgRunCancelTip, nil))
	// What is being done, as the Résumé said it: the room below the bar
	// recalls the choices.
	recap := container.NewVBox(fieldTitle(i18n.T(msgRunRecap, nil)))
	for _, l := range w.op().summary(w) {
		recap.Add(wrapLabel(l.text))
	}
	return container.NewBorder(container.NewVBox(
		widget.NewLabelWithStyle(i18n.T(w.op().label, nil), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		item, bar, phase, container.NewHBox(bytes, layout.NewSpacer(), remaining), widget.NewSeparator()),
		tip, nil, nil, container.NewVScroll(recap))
}

// startRun runs the operation off the UI goroutine. Annuler cancels its
// context; the Résultat step follows on the UI goroutine.
func startRun(w *wizard) {
	ctx, cancel := context.WithCancel(context.Background())
	w.cancelRun = cancel
	w.running = true
	w.updateButtons()
	op := w.op()
	j := &job{
		o: w.opts.forRun(), store: w.store, plan: w.plan, now: w.now,
		infos:   map[string]dossier.Info{},
		entries: map[string]catalogue.Entry{},
		started: w.run.started,
	}
	j.progress = dossier.Throttle(w.run.report, 100*time.Millisecond)
	if hook := w.onEvent; hook != nil {
		throttled := j.progress
		j.progress = func(e dossier.Event) { hook(e); throttled(e) }
	}
	for _, d := range w.dossiers {
		j.infos[d.Numero] = d
	}
	for _, e := range w.files {
		j.entries[e.Path] = e
	}
	w.goWork(func() {
		out := guardedRun(ctx, op, j)
		cancel()
		fyne.Do(func() { w.finish(out) })
	})
}

// guardedRun runs the operation, turning a panic into « Erreur interne »
// with a crash report: the Résultat step shows it like any failure.
func guardedRun(ctx context.Context, op *operation, j *job) (out outcome) {
	var err error
	defer func() {
		if err != nil {
			out = outcome{Summary: report.Summary{Err: err}}
		}
	}()
	defer crash.Recover(&err)
	return op.run(ctx, j)
}

// finish shows the result of the work.
func (w *wizard) finish(out outcome) {
	w.running = false
	w.cancelRun = nil
	w.result = out
	if w.stopAsk != nil { // the work ended while the question was open
		d := w.stopAsk
		w.stopAsk = nil
		d.Hide()
	}
	if out.Err == nil && w.op().hasDestination() {
		_ = prefs.Update(func(p *prefs.Prefs) { p.Destination = w.opts.DestDir })
	}
	w.show(stepIdxResult)
	if w.closeAfter {
		w.closeWindow()
	}
}

func resultView(w *wizard) fyne.CanvasObject {
	out := w.result
	icon := widget.NewIcon(theme.ConfirmIcon())
	title := widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if out.Title != nil {
		title.SetText(i18n.T(out.Title, nil))
	}
	title.SizeName = theme.SizeNameSubHeadingText
	box := container.NewVBox()
	switch {
	case errors.Is(out.Err, context.Canceled):
		icon.SetResource(theme.InfoIcon())
		title.SetText(i18n.T(resCanceled, nil))
		box.Add(wrapLabel(i18n.T(resCanceledText, nil)))
	case out.Err != nil:
		icon.SetResource(theme.ErrorIcon())
		title.SetText(i18n.T(resFailed, nil))
		title.Importance = widget.DangerImportance
		msg := wrapLabel(i18n.Describe(out.Err))
		msg.Importance = widget.DangerImportance
		box.Add(msg)
	default:
		icon.SetResource(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	}
	for _, l := range out.Lines {
		lb := wrapLabel(l.String())
		if l.Level == report.Warn {
			lb.Importance = widget.WarningImportance
		}
		box.Add(lb)
	}
	if details := resultDetails(out); details != nil {
		box.Add(details)
	} else if out.Text != "" {
		txt := widget.NewLabel(out.Text)
		txt.TextStyle.Monospace = true
		box.Add(txt)
	}
	var buttons []fyne.CanvasObject
	if out.dir != "" {
		dir := out.dir
		buttons = append(buttons, stepButton(i18n.T(msgOpenFolder, nil), theme.FolderOpenIcon(), func() { w.openFolder(dir) }))
	}
	buttons = append(buttons,
		stepButton(i18n.T(msgNewOperation, nil), theme.ContentRedoIcon(), w.restart),
		layout.NewSpacer(),
		stepButton(i18n.T(msgQuit, nil), theme.LogoutIcon(), w.closeWindow))
	head := container.NewBorder(nil, nil, icon, nil, title)
	return container.NewBorder(head, container.NewVBox(widget.NewSeparator(), container.NewHBox(buttons...)), nil, nil, container.NewScroll(box))
}

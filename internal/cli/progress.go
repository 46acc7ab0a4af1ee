package cli

import (
	"fmt"
	"io"
	"time"

	"coffre/internal/batch"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

var phaseLabels = map[dossier.Phase]*i18n.Message{
	dossier.PhaseLecture:      {ID: "PhaseLecture", Other: "lecture"},
	dossier.PhaseCompression:  {ID: "PhaseCompression", Other: "compression"},
	dossier.PhaseVerification: {ID: "PhaseVerification", Other: "vérification"},
	dossier.PhaseControle:     {ID: "PhaseControle", Other: "contrôle de la base"},
	dossier.PhaseExtraction:   {ID: "PhaseExtraction", Other: "extraction"},
	dossier.PhaseSecurite:     {ID: "PhaseSecurite", Other: "sauvegarde de sécurité"},
	dossier.PhaseBascule:      {ID: "PhaseBascule", Other: "mise en place"},
}

// PhaseLabel is the French (or English) name of a phase.
func PhaseLabel(p dossier.Phase) string {
	if m, ok := phaseLabels[p]; ok {
		return i18n.T(m, nil)
	}
	return string(p)
}

// progress draws one line on a terminal, rewritten in place.
func (env *Env) progress() dossier.Progress {
	if !env.Progress {
		return withTestHook(nil)
	}
	return withTestHook(dossier.Throttle(func(e dossier.Event) { drawProgress(env.Stderr, e) }, 200*time.Millisecond))
}

func drawProgress(w io.Writer, e dossier.Event) {
	line := fmt.Sprintf("%s · %s", e.Dossier, PhaseLabel(e.Phase))
	if e.Total > 0 {
		line += fmt.Sprintf(" %3d %% (%s / %s)", e.Done*100/e.Total, i18n.Bytes(e.Done), i18n.Bytes(e.Total))
	}
	fmt.Fprintf(w, "\r\033[K%s", line)
}

// stepProgress is progress for the batch runner: the engine's events of
// each item, drawn like progress().
func (env *Env) stepProgress() func(batch.Step) {
	p := env.progress()
	if p == nil {
		return nil
	}
	return func(s batch.Step) { p(s.Event) }
}

// endProgress clears the progress line before a result is printed.
func (env *Env) endProgress() {
	if env.Progress {
		fmt.Fprint(env.Stderr, "\r\033[K")
	}
}

package app

import (
	"context"
	"slices"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"coffre/internal/connexion"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
)

var (
	msgExLine     = &i18n.Message{ID: "UIExerciceLigne", Other: "{{.Code}} — du {{.Debut}} au {{.Fin}} — {{.Etat}}"}
	msgExOpen     = &i18n.Message{ID: "UIExerciceOuvert", Other: "ouvert"}
	msgExClosed   = &i18n.Message{ID: "UIExerciceCloture", Other: "clôturé"}
	msgExArchived = &i18n.Message{ID: "UIExerciceArchive", Other: "archivé"}
	msgExNone     = &i18n.Message{ID: "UIExerciceAucun", Other: "Ce dossier n'a aucun exercice."}
	msgNeedEx     = &i18n.Message{ID: "UIExerciceRequis", Other: "Cochez au moins un exercice."}
	msgNeedExOf   = &i18n.Message{ID: "UIExerciceRequisDossier", Other: "Cochez au moins un exercice du dossier {{.Dossier}}."}
)

// loadedExercices is one dossier's exercices as read for the Options step.
type loadedExercices struct {
	list []ledger.Exercice
	err  error
}

// exercicesOf reads dossier numero's exercices once per visit of the
// connexion (a short snapshot); the listing's refresh forgets them.
func (w *wizard) exercicesOf(numero string) ([]ledger.Exercice, error) {
	if x, ok := w.exercices[numero]; ok {
		return x.list, x.err
	}
	list, err := connexion.Exercices(context.Background(), w.store, numero)
	if w.exercices == nil {
		w.exercices = map[string]loadedExercices{}
	}
	w.exercices[numero] = loadedExercices{list, err}
	return list, err
}

// exercicesSlow reads, off the UI goroutine, the exercices the Options step
// of a fiscal-year operation shows for the chosen dossiers.
func exercicesSlow(w *wizard) slowCheck {
	op := w.op()
	if !op.needV1 && !op.target {
		return nil
	}
	var todo []string
	for _, n := range append(slices.Clone(w.opts.Dossiers), w.opts.Numero) {
		if _, ok := w.exercices[n]; !ok && n != "" && !slices.Contains(todo, n) {
			todo = append(todo, n)
		}
	}
	if len(todo) == 0 || w.store == nil {
		return nil
	}
	s := w.store
	return func(ctx context.Context) (func(bool) error, error) {
		got := map[string]loadedExercices{}
		for _, n := range todo {
			list, err := connexion.Exercices(ctx, s, n)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			got[n] = loadedExercices{list, err}
		}
		return func(ok bool) error {
			if !ok {
				return nil
			}
			if w.exercices == nil {
				w.exercices = map[string]loadedExercices{}
			}
			for n, x := range got {
				w.exercices[n] = x
			}
			return nil
		}, nil
	}
}

// day shows an AAAA-MM-JJ date the French way.
func day(s string) string {
	if len(s) < 10 || i18n.Language() != "fr" {
		return s
	}
	return s[8:10] + "/" + s[5:7] + "/" + s[:4]
}

func exerciceState(e ledger.Exercice) string {
	switch {
	case e.Archive:
		return i18n.T(msgExArchived, nil)
	case e.Cloture:
		return i18n.T(msgExClosed, nil)
	}
	return i18n.T(msgExOpen, nil)
}

// exerciceText is one exercice as a choice shows it: code, dates, state.
func exerciceText(e ledger.Exercice) string {
	return i18n.T(msgExLine, map[string]any{"Code": e.Code, "Debut": day(e.Debut), "Fin": day(e.Fin), "Etat": exerciceState(e)})
}

// exerciceChoice is how an exercice list treats one exercice: whether it may
// be ticked (else why not) and whether it is ticked at first.
type exerciceChoice func(e ledger.Exercice) (allowed bool, why string, ticked bool)

// exerciceChecks shows list as check boxes that write o.Exercices[key]. The
// first time key is shown its ticks come from choice.
func exerciceChecks(w *wizard, key string, list []ledger.Exercice, choice exerciceChoice) fyne.CanvasObject {
	o := &w.opts
	if o.Exercices == nil {
		o.Exercices = map[string][]string{}
	}
	_, seen := o.Exercices[key]
	if !seen {
		o.Exercices[key] = []string{}
	}
	if len(list) == 0 {
		return lowLabel(i18n.T(msgExNone, nil))
	}
	type item struct {
		e              ledger.Exercice
		text           string
		allowed, ticks bool
	}
	var items []item
	widest := 0
	for _, e := range list {
		allowed, why, ticked := choice(e)
		text := exerciceText(e)
		if why != "" {
			text += " (" + why + ")"
		}
		items = append(items, item{e, text, allowed, ticked})
		widest = max(widest, utf8.RuneCountInString(text))
	}
	// Two columns while they fit beside each other at 1024 pixels wide.
	cols := 2
	if widest > 56 {
		cols = 1
	}
	grid := container.NewGridWithColumns(cols)
	for _, it := range items {
		e, allowed, ticked, text := it.e, it.allowed, it.ticks, it.text
		if !seen && allowed && ticked {
			o.Exercices[key] = append(o.Exercices[key], e.Code)
		}
		code := e.Code
		c := newCheck(text, func(on bool) {
			cur := slices.DeleteFunc(o.Exercices[key], func(s string) bool { return s == code })
			if on {
				cur = append(cur, code)
				slices.SortFunc(cur, func(a, b string) int { return indexOf(list, a) - indexOf(list, b) })
			}
			o.Exercices[key] = cur
		})
		c.SetChecked(allowed && slices.Contains(o.Exercices[key], code))
		if !allowed {
			c.Disable()
		}
		grid.Add(c)
	}
	return grid
}

func indexOf(list []ledger.Exercice, code string) int {
	return slices.IndexFunc(list, func(e ledger.Exercice) bool { return e.Code == code })
}

// codesText joins exercice codes for a sentence: « 2014, 2015 et 2016 ».

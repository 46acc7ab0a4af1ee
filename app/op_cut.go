package app

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/cut"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/paths"
	"coffre/internal/report"
	"coffre/internal/store"
)

var (
	opLabelCut   = &i18n.Message{ID: "UIOpDecoupe", Other: "Découpe d'exercices"}
	opHelpCut    = &i18n.Message{ID: "UIOpDecoupeAide", Other: "Déplace les exercices les plus anciens d'un dossier dans un nouveau fichier 001SOC_CUT001.db ; le dossier garde les suivants."}
	msgCutListed = &i18n.Message{ID: "UIDecoupeProposes", Other: "Proposés : les dossiers de gestion qui ont au moins 7 exercices."}

	msgCutFirst    = &i18n.Message{ID: "UIDecoupePremier", Other: "Premier exercice que le dossier garde"}
	msgCutFirstTip = &i18n.Message{ID: "UIDecoupePremierAide", Other: "Les exercices d'avant partent dans le fichier découpé."}
	msgCutSplit    = &i18n.Message{ID: "UIDecoupePartage", Other: "Partent dans le fichier découpé : {{.Moved}}. Le dossier garde : {{.Kept}}."}
	msgCutClean    = &i18n.Message{ID: "UIDecoupeNettoyer", Other: "Nettoyer les tiers et comptes sans historique (ceux qu'aucune ligne n'utilise plus, dans chacun des deux fichiers)"}
	msgCutNeed     = &i18n.Message{ID: "UIDecoupePremierRequis", Other: "Choisissez le premier exercice que le dossier garde."}
	msgCutRange    = &i18n.Message{ID: "UIDecoupePlage", One: "{{.First}} ({{.Count}} exercice)", Other: "{{.First}} à {{.Last}} ({{.Count}} exercices)"}

	sumCutPlan    = &i18n.Message{ID: "UIResumeDecoupe", Other: "Découpe du dossier {{.Dossier}} : les exercices {{.Moved}} partent dans un nouveau fichier « {{.File}} » écrit dans « {{.Dir}} » ; le dossier garde {{.Kept}}."}
	sumCutDeletes = &i18n.Message{ID: "UIResumeDecoupeSupprime", Other: "Les exercices {{.Moved}} seront SUPPRIMÉS du dossier, une fois le fichier découpé écrit et contrôlé. Les à-nouveaux de {{.First}} gardent le dossier juste : les soldes d'ouverture reprennent ceux des exercices supprimés."}
	sumCutSafety  = &i18n.Message{ID: "UIResumeDecoupeSecurite", Other: "Avant toute modification, une sauvegarde de sécurité vérifiée du dossier est faite dans « {{.Dir}} »."}
	sumCutClean   = &i18n.Message{ID: "UIResumeDecoupeNettoyage", Other: "Les tiers et comptes sans plus aucun mouvement seront SUPPRIMÉS de chacun des deux fichiers."}
	sumCutOpen    = &i18n.Message{ID: "UIResumeDecoupeOuvert", Other: "Fermez le logiciel de gestion sur ce dossier : un dossier ouvert n'est pas découpé."}
	sumCutRead    = &i18n.Message{ID: "UIResumeDecoupeConsulter", Other: "Le fichier découpé se consulte en le restaurant comme une sauvegarde (« Restauration »)."}
)

// storeRef is dossier n of the job's connexion.
func storeRef(j *job, n string) store.Ref { return store.InStore(j.store, n) }

// cutSplit is the exercices moved out and kept when the dossier keeps
// first onwards.
func cutSplit(list []ledger.Exercice, first string) (moved, kept []string) {
	at := indexOf(list, first)
	for i, e := range list {
		if at >= 0 && i < at {
			moved = append(moved, e.Code)
		} else {
			kept = append(kept, e.Code)
		}
	}
	return moved, kept
}

// codeRange names a run of exercices: « 2014 à 2019 (6 exercices) ».
func codeRange(codes []string) string {
	if len(codes) == 0 {
		return "—"
	}
	return i18n.N(msgCutRange, int64(len(codes)), map[string]any{"First": codes[0], "Last": codes[len(codes)-1]})
}

func cutOptions(w *wizard) fyne.CanvasObject {
	o := &w.opts
	n := o.Dossiers[0]
	box := container.NewVBox(fieldTitle(i18n.T(msgCutFirst, nil)))
	list, err := w.exercicesOf(n)
	if err != nil {
		box.Add(warnLabel(i18n.T(msgDossierError, map[string]any{"Error": i18n.Describe(err)})))
		return box
	}
	split := wrapLabel("")
	var labels []string
	byLabel := map[string]string{}
	for i, e := range list {
		if i == 0 {
			continue // nothing before the first exercice
		}
		l := exerciceText(e)
		labels = append(labels, l)
		byLabel[l] = e.Code
	}
	showSplit := func() {
		if o.FirstKept == "" {
			split.SetText("")
			return
		}
		moved, kept := cutSplit(list, o.FirstKept)
		split.SetText(i18n.T(msgCutSplit, map[string]any{"Moved": codeRange(moved), "Kept": codeRange(kept)}))
	}
	if indexOf(list, o.FirstKept) < 1 {
		o.FirstKept = ""
	}
	sel := newSelect(labels, func(l string) { o.FirstKept = byLabel[l]; showSplit() })
	if i := indexOf(list, o.FirstKept); i > 0 {
		sel.SetSelected(exerciceText(list[i]))
	}
	showSplit()
	clean := newCheck(i18n.T(msgCutClean, nil), func(b bool) { o.Clean = b })
	clean.SetChecked(o.Clean)
	box.Add(lowLabel(i18n.T(msgCutFirstTip, nil)))
	box.Add(sel)
	box.Add(split)
	box.Add(widget.NewSeparator())
	box.Add(clean)
	return box
}

func cutCheck(w *wizard) error {
	list, err := w.exercicesOf(w.opts.Dossiers[0])
	if err != nil {
		return err
	}
	if indexOf(list, w.opts.FirstKept) < 1 {
		return i18n.E(msgCutNeed, nil, nil)
	}
	return nil
}

// cutRequest is the engine's request for the chosen options.
func cutRequest(w *wizard) validator {
	return cut.Request{Numero: firstNumero(&w.opts), FirstKept: w.opts.FirstKept, DestDir: w.opts.DestDir, Clean: w.opts.Clean, SafetyDir: paths.Safety()}
}

func cutSummary(w *wizard) []line {
	o := &w.opts
	n := o.Dossiers[0]
	list, _ := w.exercicesOf(n)
	moved, kept := cutSplit(list, o.FirstKept)
	data := map[string]any{"Dossier": w.dossierLabel(n), "Moved": codeRange(moved), "Kept": codeRange(kept), "First": o.FirstKept,
		"File": cut.NextName(w.store, w.info(n).Identity, o.DestDir), "Dir": o.DestDir}
	out := []line{
		{text: i18n.T(sumCutPlan, data)},
		{text: i18n.T(sumCutDeletes, data), warn: true},
		{text: i18n.T(sumCutSafety, map[string]any{"Dir": paths.Safety()}), warn: true},
	}
	if o.Clean {
		out = append(out, line{text: i18n.T(sumCutClean, nil), warn: true})
	}
	return append(out, line{text: i18n.T(sumCutOpen, nil)}, line{text: i18n.T(sumCutRead, nil)})
}

func runCut(ctx context.Context, j *job) outcome {
	n := j.o.Dossiers[0]
	d := j.infos[n]
	j.started(0, 1, dossier.Label(d.Numero, d.Nom))
	res, err := cut.Run(ctx, cut.Request{Store: j.store, Numero: n, FirstKept: j.o.FirstKept, DestDir: j.o.DestDir,
		Clean: j.o.Clean, SafetyDir: paths.Safety(), IgnoreSessions: j.o.IgnoreSessions, SessionIdle: sessionIdle(), Progress: j.progress})
	return outcome{Summary: report.Cut(res, j.o.Clean, err), dir: j.o.DestDir}
}

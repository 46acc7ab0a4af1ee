package app

import (
	"context"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/paths"
	"coffre/internal/transfer"
)

var (
	opLabelPTFSend    = &i18n.Message{ID: "UIOpTransfertEnvoi", Other: "Transfert partiel : envoyer les modifications"}
	opHelpPTFSend     = &i18n.Message{ID: "UIOpTransfertEnvoiAide", Other: "Écrit ce qui a changé dans les dossiers depuis le dernier transfert (.ptf), pour le porter sur un autre site. La première fois, le dossier complet est exporté."}
	opLabelPTFReceive = &i18n.Message{ID: "UIOpTransfertReception", Other: "Transfert partiel : recevoir un transfert"}
	opHelpPTFReceive  = &i18n.Message{ID: "UIOpTransfertReceptionAide", Other: "Applique à un dossier un transfert (.ptf) venu d'un autre site, tout ou rien, après une sauvegarde de sécurité."}

	msgPTFFolder = &i18n.Message{ID: "UIDossierTransferts", Other: "Dossier des transferts reçus :"}
	msgPTFEmpty  = &i18n.Message{ID: "UIAucunTransfert", Other: "Aucun transfert (.ptf) dans ce dossier : choisissez-en un autre, ou ajoutez un fichier. (Le premier transfert, complet, est un .pbf : il se restaure avec « Restauration ».)"}
	msgPTFPick   = &i18n.Message{ID: "UIChoisirTransfert", Other: "Choisir un transfert"}
	msgPTFFilter = &i18n.Message{ID: "UIFiltreTransferts", Other: "Transferts partiels Coffre (.ptf)"}
	msgPTFNeed   = &i18n.Message{ID: "UITransfertRequis", Other: "Choisissez un transfert dans la liste."}
	msgPTFBase   = &i18n.Message{ID: "UITransfertNouvelleBase", Other: "Exporter le dossier complet comme nouvelle base de transfert (après un changement de structure de la base, ou pour repartir de zéro)"}

	sumPTFInto     = &i18n.Message{ID: "UIResumeTransfertVers", One: "Le transfert de {{.Count}} dossier sera écrit dans « {{.Dir}} » :", Other: "Les transferts de {{.Count}} dossiers seront écrits dans « {{.Dir}} » :"}
	sumPTFFirst    = &i18n.Message{ID: "UIResumeTransfertPremier", Other: "• {{.Dossier}} — Premier transfert : le dossier complet est exporté (fichier .pbf, à restaurer sur l'autre site avec « Restauration »)."}
	sumPTFNewBase  = &i18n.Message{ID: "UIResumeTransfertBase", Other: "• {{.Dossier}} — nouvelle base de transfert n° {{.Next}} : le dossier complet est exporté (fichier .pbf, à restaurer sur l'autre site)."}
	sumPTFNext     = &i18n.Message{ID: "UIResumeTransfertSuivant", Other: "• {{.Dossier}} — transfert n° {{.Next}} : seulement ce qui a changé depuis le transfert n° {{.Last}} (fichier .ptf)."}
	sumPTFBadState = &i18n.Message{ID: "UIResumeTransfertEtat", Other: "• {{.Dossier}} — l'état des transferts est illisible ({{.Error}}) : cochez « nouvelle base de transfert » à l'étape Options."}
	sumPTFSafe     = &i18n.Message{ID: "UIResumeTransfertLecture", Other: "Les dossiers ne sont pas modifiés : ils sont seulement lus. L'état des transferts envoyés est gardé dans « {{.Dir}} »."}

	sumPTFApply    = &i18n.Message{ID: "UIResumeTransfertAppliquer", Other: "Le transfert « {{.File}} » (n° {{.Sequence}}, envoyé par le dossier {{.Source}}) sera appliqué au dossier {{.Dossier}}."}
	sumPTFChanges  = &i18n.Message{ID: "UIResumeTransfertChangements", Other: "Il porte {{.Count}} ligne(s) changée(s) : {{.List}}."}
	sumPTFModifies = &i18n.Message{ID: "UIResumeTransfertModifie", Other: "Le dossier {{.Dossier}} sera MODIFIÉ : ces lignes y seront ajoutées, modifiées ou SUPPRIMÉES, toutes ensemble en une seule transaction, ou aucune. Une sauvegarde de sécurité vérifiée du dossier est faite avant, dans « {{.Dir}} »."}
	sumPTFRefuse   = &i18n.Message{ID: "UIResumeTransfertRefus", Other: "Un transfert d'un autre dossier, déjà appliqué ou hors de sa suite (un numéro manquant) est refusé sans rien modifier."}
	sumPTFTable    = &i18n.Message{ID: "UIResumeTransfertTable", Other: "{{.Table}} +{{.Inserts}} ~{{.Updates}} −{{.Deletes}}"}

	resPTFSent     = &i18n.Message{ID: "UIResTransfertEnvoiOK", Other: "Transfert écrit"}
	resPTFApplied  = &i18n.Message{ID: "UIResTransfertReceptionOK", Other: "Transfert appliqué"}
	outPTFWritten  = &i18n.Message{ID: "UIResultatTransfert", Other: "{{.Numero}} : transfert n° {{.Sequence}} écrit, {{.File}} ({{.Size}}) — {{.Changes}} ligne(s) changée(s) sur {{.Rows}} comparée(s), en {{.Duration}}."}
	outPTFBase     = &i18n.Message{ID: "UIResultatTransfertBase", Other: "{{.Numero}} : transfert complet n° {{.Sequence}} écrit, {{.File}} ({{.Size}}), en {{.Duration}}. Sur l'autre site : « Restauration » de ce fichier."}
	outPTFMessage  = &i18n.Message{ID: "UIResultatTransfertMessage", Other: "{{.Numero}} : {{.Text}}"}
	outPTFTables   = &i18n.Message{ID: "UIResultatTransfertTables", Other: "Lignes ajoutées (+), modifiées (~), supprimées (−) : {{.List}}"}
	outPTFApplied  = &i18n.Message{ID: "UIResultatTransfertApplique", Other: "Transfert n° {{.Sequence}} appliqué au dossier {{.Dossier}} : {{.Changes}} ligne(s) changée(s), en {{.Duration}}."}
	outSafetyTaken = &i18n.Message{ID: "UIResultatSecuriteAvant", Other: "Sauvegarde de sécurité prise avant de modifier le dossier : {{.File}}"}
)

var ptfFiles = &fileKind{ext: dossier.ExtPTF, folder: msgPTFFolder, empty: msgPTFEmpty, pick: msgPTFPick, filter: msgPTFFilter, need: msgPTFNeed}

func ptfSendOptions(w *wizard) fyne.CanvasObject {
	o := &w.opts
	base := widget.NewCheck(i18n.T(msgPTFBase, nil), func(b bool) { o.NewBase = b })
	base.SetChecked(o.NewBase)
	return container.NewVBox(base)
}

func ptfSendSummary(w *wizard) []line {
	o := &w.opts
	out := []line{{text: i18n.N(sumPTFInto, int64(len(o.Dossiers)), map[string]any{"Dir": o.DestDir})}}
	for _, n := range o.Dossiers {
		d := w.info(n)
		data := map[string]any{"Dossier": w.dossierLabel(n)}
		last, found, err := transfer.Last(w.store, d.Identifiant)
		data["Last"], data["Next"] = last, last+1
		switch {
		case err != nil && !o.NewBase:
			data["Error"] = i18n.Describe(err)
			out = append(out, line{text: i18n.T(sumPTFBadState, data), warn: true})
		case !found:
			out = append(out, line{text: i18n.T(sumPTFFirst, data)})
		case o.NewBase:
			out = append(out, line{text: i18n.T(sumPTFNewBase, data)})
		default:
			out = append(out, line{text: i18n.T(sumPTFNext, data)})
		}
	}
	return append(out, line{text: i18n.T(sumPTFSafe, map[string]any{"Dir": transfer.DefaultStateDir(w.store)})})
}

func tableChanges(cs []transfer.TableChanges) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, i18n.T(sumPTFTable, map[string]any{"Table": c.Table, "Inserts": c.Inserts, "Updates": c.Updates, "Deletes": c.Deletes}))
	}
	return strings.Join(parts, ", ")
}

func runPTFSend(ctx context.Context, j *job) outcome {
	out := outcome{title: resPTFSent, dir: j.o.DestDir}
	eachDossier(ctx, j, &out, func(n string, p dossier.Progress) (transfer.ExportResult, error) {
		return transfer.Export(ctx, transfer.ExportRequest{Store: j.store, Numero: n, DestDir: j.o.DestDir, NewBase: j.o.NewBase, Progress: p, Now: j.now})
	}, func(n string, res transfer.ExportResult) []line {
		var lines []line
		if res.Message != "" {
			lines = append(lines, line{text: i18n.T(outPTFMessage, map[string]any{"Numero": n, "Text": res.Message})})
		}
		data := map[string]any{"Numero": n, "Sequence": res.Sequence, "File": res.Path, "Size": i18n.Bytes(res.Size),
			"Changes": res.TotalChanges(), "Rows": res.Rows, "Duration": i18n.Duration(res.Duration)}
		switch {
		case res.NoChange:
		case res.Full:
			lines = append(lines, line{text: i18n.T(outPTFBase, data)})
		default:
			lines = append(lines, line{text: i18n.T(outPTFWritten, data)})
			if len(res.Changes) > 0 {
				lines = append(lines, line{text: i18n.T(outPTFTables, map[string]any{"List": tableChanges(res.Changes)})})
			}
		}
		return lines
	})
	return out
}

func ptfReceiveSummary(w *wizard) []line {
	o := &w.opts
	f := firstFile(o)
	e := w.entry(f)
	id := e.Identity()
	target := w.dossierLabel(o.Numero)
	data := map[string]any{"File": filepath.Base(f), "Source": strings.TrimSpace(id.Numero + " " + id.Nom), "Dossier": target, "Dir": paths.Safety(), "Sequence": "?"}
	var out []line
	var changes []line
	if e.Manifest != nil {
		if x, ok, err := transfer.ReadExtra(e.Manifest); err == nil && ok {
			data["Sequence"] = x.Sequence
			var n int64
			for _, c := range x.Tables {
				n += c.Total()
			}
			changes = append(changes, line{text: i18n.T(sumPTFChanges, map[string]any{"Count": n, "List": tableChanges(x.Tables)})})
		}
	}
	out = append(out, line{text: i18n.T(sumPTFApply, data)})
	out = append(out, changes...)
	out = append(out, line{text: i18n.T(sumPTFModifies, data), warn: true})
	return append(out, line{text: i18n.T(sumPTFRefuse, nil)})
}

func runPTFReceive(ctx context.Context, j *job) outcome {
	f := firstFile(&j.o)
	out := outcome{title: resPTFApplied, dir: filepath.Dir(f)}
	d := j.infos[j.o.Numero]
	j.started(0, 1, strings.TrimSpace(d.Numero+" "+d.Nom))
	res, err := transfer.Import(ctx, transfer.ImportRequest{File: f, Store: j.store, Numero: j.o.Numero, SafetyDir: paths.Safety(), Progress: j.progress, Now: j.now})
	if res.SafetyBackup != "" {
		out.lines = append(out.lines, safetyLine(res.SafetyBackup))
	}
	if err != nil {
		out.err = err
		return out
	}
	out.lines = append(out.lines, line{text: i18n.T(outPTFApplied, map[string]any{"Sequence": res.Sequence, "Dossier": strings.TrimSpace(d.Numero + " " + d.Nom),
		"Changes": res.TotalChanges(), "Duration": i18n.Duration(res.Duration)})})
	if len(res.Changes) > 0 {
		out.lines = append(out.lines, line{text: i18n.T(outPTFTables, map[string]any{"List": tableChanges(res.Changes)})})
	}
	out.lines = append(out.lines, noteLines(res.Notes)...)
	return out
}

// safetyLine names the safety backup a destructive operation took first.
func safetyLine(path string) line {
	return line{text: i18n.T(outSafetyTaken, map[string]any{"File": path})}
}

package app

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/paths"
	"coffre/internal/report"
	"coffre/internal/transfer"
)

var (
	opLabelPTFSend    = &i18n.Message{ID: "UIOpTransfertEnvoi", Other: "Transfert partiel : envoyer les modifications"}
	opHelpPTFSend     = &i18n.Message{ID: "UIOpTransfertEnvoiAide", Other: "Écrit ce qui a changé dans les dossiers depuis le dernier transfert (.ptf), pour le porter sur un autre site. La première fois, le dossier complet est exporté."}
	opLabelPTFReceive = &i18n.Message{ID: "UIOpTransfertReception", Other: "Transfert partiel : recevoir un transfert"}
	opHelpPTFReceive  = &i18n.Message{ID: "UIOpTransfertReceptionAide", Other: "Applique à un dossier un transfert (.ptf) venu d'un autre site, tout ou rien, après une sauvegarde de sécurité."}

	msgPTFFolder = &i18n.Message{ID: "UIDossierTransferts", Other: "Répertoire des transferts reçus :"}
	msgPTFEmpty  = &i18n.Message{ID: "UIAucunTransfert", Other: "Aucun transfert (.ptf) dans ce répertoire : choisissez-en un autre, ou ajoutez un fichier. (Le premier transfert, complet, est un .pbf : il se restaure avec « Restauration ».)"}
	msgPTFPick   = &i18n.Message{ID: "UIChoisirTransfert", Other: "Choisir un transfert"}
	msgPTFFilter = &i18n.Message{ID: "UIFiltreTransferts", Other: "Transferts partiels Coffre (.ptf)"}
	msgPTFNeed   = &i18n.Message{ID: "UITransfertRequis", Other: "Choisissez un transfert dans la liste."}
	msgPTFBase   = &i18n.Message{ID: "UITransfertNouvelleBase", Other: "Exporter le dossier complet comme nouvelle base de transfert (après un changement de structure de la base, ou pour repartir de zéro)"}

	sumPTFInto     = &i18n.Message{ID: "UIResumeTransfertVers", One: "Le transfert de {{.Count}} dossier sera écrit dans « {{.Dir}} » :", Other: "Les transferts de {{.Count}} dossiers seront écrits dans « {{.Dir}} » :"}
	sumPTFFirst    = &i18n.Message{ID: "UIResumeTransfertPremier", Other: "• {{.Dossier}} — Premier transfert : le dossier complet est exporté (fichier .pbf, à restaurer sur l'autre site avec « Restauration »)."}
	sumPTFNewBase  = &i18n.Message{ID: "UIResumeTransfertBase", Other: "• {{.Dossier}} — nouvelle base de transfert n° {{.Next}} : le dossier complet est exporté (fichier .pbf, à restaurer sur l'autre site)."}
	sumPTFNext     = &i18n.Message{ID: "UIResumeTransfertSuivant", Other: "• {{.Dossier}} — transfert n° {{.Next}} : seulement ce qui a changé depuis le transfert n° {{.Last}} (fichier .ptf)."}
	sumPTFBadState = &i18n.Message{ID: "UIResumeTransfertEtat", Other: "• {{.Dossier}} — l'état des transferts est illisible ({{.Error}}) : cochez « nouvelle base de transfert » à l'étape Options."}
	sumPTFSafe     = &i18n.Message{ID: "UIResumeTransfertLecture", Other: "Les dossiers ne sont pas modifiés : ils sont seulement lus. L'état des transferts envoyés est gardé dans « {{.Dir}} »."}

	sumPTFApply    = &i18n.Message{ID: "UIResumeTransfertAppliquer", Other: "Le transfert « {{.File}} » (n° {{.Sequence}}, envoyé par le dossier {{.Source}}) sera appliqué au dossier {{.Dossier}}."}
	sumPTFChanges  = &i18n.Message{ID: "UIResumeTransfertChangements", One: "Il porte {{.Count}} ligne changée : {{.List}}.", Other: "Il porte {{.Count}} lignes changées : {{.List}}."}
	sumPTFModifies = &i18n.Message{ID: "UIResumeTransfertModifie", Other: "Le dossier {{.Dossier}} sera MODIFIÉ : ces lignes y seront ajoutées, modifiées ou SUPPRIMÉES, toutes ensemble en une seule transaction, ou aucune. Une sauvegarde de sécurité vérifiée du dossier est faite avant, dans « {{.Dir}} »."}
	sumPTFRefuse   = &i18n.Message{ID: "UIResumeTransfertRefus", Other: "Un transfert d'un autre dossier, déjà appliqué ou hors de sa suite (un numéro manquant) est refusé sans rien modifier."}
)

var ptfFiles = &fileKind{ext: dossier.ExtPTF, folder: msgPTFFolder, empty: msgPTFEmpty, pick: msgPTFPick, filter: msgPTFFilter, need: msgPTFNeed}

func ptfSendOptions(w *wizard) fyne.CanvasObject {
	o := &w.opts
	base := newCheck(i18n.T(msgPTFBase, nil), func(b bool) { o.NewBase = b })
	base.SetChecked(o.NewBase)
	return container.NewVBox(base)
}

// ptfSendRequest and ptfReceiveRequest are the engine's requests for the
// chosen options.
func ptfSendRequest(w *wizard) validator {
	return transfer.ExportRequest{Numero: firstNumero(&w.opts), DestDir: w.opts.DestDir, NewBase: w.opts.NewBase}
}

func ptfReceiveRequest(w *wizard) validator {
	return transfer.ImportRequest{File: firstFile(&w.opts), Numero: w.opts.Numero, SafetyDir: paths.Safety()}
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

func runPTFSend(ctx context.Context, j *job) outcome {
	return eachDossier(ctx, j, report.TitlePTFSent, j.o.DestDir, func(ctx context.Context, n string, p dossier.Progress) (transfer.ExportResult, error) {
		return transfer.Export(ctx, transfer.ExportRequest{Store: j.store, Numero: n, DestDir: j.o.DestDir, NewBase: j.o.NewBase, Progress: p, Now: j.now})
	}, report.TransferExport)
}

func ptfReceiveSummary(w *wizard) []line {
	o := &w.opts
	f := firstFile(o)
	e := w.entry(f)
	id := e.Identity()
	target := w.dossierLabel(o.Numero)
	data := map[string]any{"File": filepath.Base(f), "Source": dossier.Label(id.Numero, id.Nom), "Dossier": target, "Dir": paths.Safety(), "Sequence": "?"}
	var out []line
	var changes []line
	if e.Manifest != nil {
		if x, ok, err := transfer.ReadExtra(e.Manifest); err == nil && ok {
			data["Sequence"] = x.Sequence
			var n int64
			for _, c := range x.Tables {
				n += c.Total()
			}
			changes = append(changes, line{text: i18n.N(sumPTFChanges, n, map[string]any{"List": report.TableChanges(x.Tables)})})
		}
	}
	out = append(out, line{text: i18n.T(sumPTFApply, data)})
	out = append(out, changes...)
	out = append(out, line{text: i18n.T(sumPTFModifies, data), warn: true})
	return append(out, line{text: i18n.T(sumPTFRefuse, nil)})
}

func runPTFReceive(ctx context.Context, j *job) outcome {
	f := firstFile(&j.o)
	d := j.infos[j.o.Numero]
	j.started(0, 1, dossier.Label(d.Numero, d.Nom))
	res, err := transfer.Import(ctx, transfer.ImportRequest{File: f, Store: j.store, Numero: j.o.Numero, SafetyDir: paths.Safety(), IgnoreSessions: j.o.IgnoreSessions, SessionIdle: sessionIdle(), Progress: j.progress, Now: j.now})
	return outcome{Summary: report.TransferImport(res, err), dir: filepath.Dir(f)}
}

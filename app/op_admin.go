package app

import (
	"context"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/admin"
	"coffre/internal/dossier"
	"coffre/internal/fec"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/report"
)

var (
	opLabelAdmin = &i18n.Message{ID: "UIOpAdministration", Other: "Transfert administration (contrôle fiscal)"}
	opHelpAdmin  = &i18n.Message{ID: "UIOpAdministrationAide", Other: "Copie des seuls exercices demandés pour l'administration fiscale (Admin001SOC…db), et leur FEC ; le dossier n'est pas modifié."}

	msgAdminExercices = &i18n.Message{ID: "UIAdminExercices", Other: "Exercices à transmettre"}
	msgAdminArchived  = &i18n.Message{ID: "UIAdminArchive", Other: "Un exercice archivé ne peut être transmis qu'après un « Import d'archive » qui le remet dans le dossier."}
	msgAdminVersion   = &i18n.Message{ID: "UIAdminVersion", Other: "Contenu de la copie"}
	msgAdminComplete  = &i18n.Message{ID: "UIAdminComplete", Other: "Complète : toutes les tables, réduites aux exercices choisis"}
	msgAdminSimple    = &i18n.Message{ID: "UIAdminSimplifiee", Other: "Simplifiée : seulement la comptabilité (journaux, comptes, écritures, lignes), tiers sans coordonnées"}
	msgAdminAnnexes   = &i18n.Message{ID: "UIAdminAnnexes", Other: "Joindre les annexes (pièces) des écritures"}
	msgAdminFEC       = &i18n.Message{ID: "UIAdminFEC", Other: "Écrire aussi le FEC de chaque exercice (fichier des écritures comptables, <SIREN>FEC<AAAAMMJJ>.txt)"}

	sumAdminCopy    = &i18n.Message{ID: "UIResumeAdminCopie", Other: "Une copie du dossier {{.Dossier}} pour l'administration fiscale sera écrite dans « {{.Dir}} » : {{.File}}, exercices {{.Codes}}, version {{.Version}}, {{.Annexes}}."}
	sumAdminFEC     = &i18n.Message{ID: "UIResumeAdminFEC", Other: "FEC de l'exercice {{.Exercice}} : {{.File}} — contrôlé avant écriture (écritures équilibrées, totaux, numérotation continue)."}
	sumAdminSafe    = &i18n.Message{ID: "UIResumeAdminLecture", Other: "Le dossier n'est pas modifié : il est seulement lu. Rien n'est remplacé : un fichier du même nom reçoit un suffixe."}
	sumAdminNotCopy = &i18n.Message{ID: "UIResumeAdminNonRestaurable", Other: "La copie ne pourra pas être restaurée comme un dossier : elle ne contient que ces exercices."}
)

func adminOptions(w *wizard) fyne.CanvasObject {
	o := &w.opts
	n := o.Dossiers[0]
	box := container.NewVBox(fieldTitle(i18n.T(msgAdminExercices, nil)))
	list, err := w.exercicesOf(n)
	if err != nil {
		box.Add(warnLabel(i18n.T(msgDossierError, map[string]any{"Error": i18n.Describe(err)})))
	} else {
		box.Add(exerciceChecks(w, n, list, func(e ledger.Exercice) (bool, string, bool) {
			return !e.Archive, "", false
		}))
		box.Add(lowLabel(i18n.T(msgAdminArchived, nil)))
	}
	complete, simple := i18n.T(msgAdminComplete, nil), i18n.T(msgAdminSimple, nil)
	version := newRadioList([]string{complete, simple}, func(s string) { o.Simplified = s == simple })
	if o.Simplified {
		version.SetSelected(simple)
	} else {
		version.SetSelected(complete)
	}
	annexes := newCheck(i18n.T(msgAdminAnnexes, nil), func(b bool) { o.Annexes = b })
	annexes.SetChecked(o.Annexes)
	fecBox := newCheck(i18n.T(msgAdminFEC, nil), func(b bool) { o.FEC = b })
	fecBox.SetChecked(o.FEC)
	box.Add(widget.NewSeparator())
	box.Add(fieldTitle(i18n.T(msgAdminVersion, nil)))
	box.Add(version)
	box.Add(annexes)
	box.Add(fecBox)
	return box
}

func adminCheck(w *wizard) error {
	if _, err := w.exercicesOf(w.opts.Dossiers[0]); err != nil {
		return err
	}
	return needExercices(w, w.opts.Dossiers)
}

// adminRequest is the engine's request for the chosen options.
func adminRequest(w *wizard) validator {
	n := firstNumero(&w.opts)
	return admin.Request{Exercices: w.opts.Exercices[n], DestDir: w.opts.DestDir, Simplified: w.opts.Simplified, Annexes: w.opts.Annexes, FEC: w.opts.FEC}
}

func adminSummary(w *wizard) []line {
	o := &w.opts
	n := o.Dossiers[0]
	d := w.info(n)
	codes := o.Exercices[n]
	version, ann := report.AdminWords(o.Simplified, o.Annexes)
	out := []line{{text: i18n.T(sumAdminCopy, map[string]any{"Dossier": w.dossierLabel(n), "Dir": o.DestDir,
		"File": admin.Name(d.Identity, admin.Label(allCodes(w, n), codes)) + dossier.ExtDB, "Codes": report.Codes(codes), "Version": version, "Annexes": ann})}}
	if o.FEC {
		list, _ := w.exercicesOf(n)
		for _, c := range codes {
			if i := indexOf(list, c); i >= 0 {
				fin := strings.ReplaceAll(list[i].Fin, "-", "")
				if len(fin) > 8 {
					fin = fin[:8]
				}
				out = append(out, line{text: i18n.T(sumAdminFEC, map[string]any{"Exercice": c, "File": fec.Name(d.SIREN, fin)})})
			}
		}
	}
	return append(out, line{text: i18n.T(sumAdminSafe, nil)}, line{text: i18n.T(sumAdminNotCopy, nil)})
}

// allCodes lists dossier n's exercice codes, in order.
func allCodes(w *wizard, n string) []string {
	list, _ := w.exercicesOf(n)
	var out []string
	for _, e := range list {
		out = append(out, e.Code)
	}
	return out
}

func runAdmin(ctx context.Context, j *job) outcome {
	n := j.o.Dossiers[0]
	d := j.infos[n]
	j.started(0, 1, dossier.Label(d.Numero, d.Nom))
	res, err := admin.Run(ctx, admin.Request{Source: storeRef(j, n), Exercices: j.o.Exercices[n], DestDir: j.o.DestDir,
		Simplified: j.o.Simplified, Annexes: j.o.Annexes, FEC: j.o.FEC, Now: j.now, Progress: j.progress})
	return outcome{Summary: report.Admin(res, err), dir: j.o.DestDir}
}

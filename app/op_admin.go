package app

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/admin"
	"coffre/internal/dossier"
	"coffre/internal/fec"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
)

var (
	opLabelAdmin = &i18n.Message{ID: "UIOpAdministration", Other: "Transfert administration (contrôle fiscal)"}
	opHelpAdmin  = &i18n.Message{ID: "UIOpAdministrationAide", Other: "Copie des seuls exercices demandés pour l'administration fiscale (Admin001SOC…db), et leur FEC ; le dossier n'est pas modifié."}

	msgAdminExercices = &i18n.Message{ID: "UIAdminExercices", Other: "Exercices à transmettre"}
	msgAdminArchived  = &i18n.Message{ID: "UIAdminArchive", Other: "Un exercice archivé ne peut être transmis qu'après un « Import d'archive » qui le remet dans le dossier."}
	msgAdminVersion   = &i18n.Message{ID: "UIAdminVersion", Other: "Contenu de la copie"}
	msgAdminComplete  = &i18n.Message{ID: "UIAdminComplete", Other: "Complète : toutes les tables, réduites aux exercices choisis"}
	msgAdminSimple    = &i18n.Message{ID: "UIAdminSimplifiee", Other: "Simplifiée : seulement la comptabilité (journaux, comptes, écritures, lignes), tiers sans coordonnées"}
	msgAdminAnnexes   = &i18n.Message{ID: "UIAdminAnnexes", Other: "Joindre les annexes (pièces) des écritures"}
	msgAdminFEC       = &i18n.Message{ID: "UIAdminFEC", Other: "Écrire aussi le FEC de chaque exercice (fichier des écritures comptables, <SIREN>FEC<AAAAMMJJ>.txt)"}

	sumAdminCopy      = &i18n.Message{ID: "UIResumeAdminCopie", Other: "Une copie du dossier {{.Dossier}} pour l'administration fiscale sera écrite dans « {{.Dir}} » : {{.File}}, exercices {{.Codes}}, version {{.Version}}, {{.Annexes}}."}
	sumAdminFEC       = &i18n.Message{ID: "UIResumeAdminFEC", Other: "FEC de l'exercice {{.Exercice}} : {{.File}} — contrôlé avant écriture (écritures équilibrées, totaux, numérotation continue)."}
	sumAdminSafe      = &i18n.Message{ID: "UIResumeAdminLecture", Other: "Le dossier n'est pas modifié : il est seulement lu. Rien n'est remplacé : un fichier du même nom reçoit un suffixe."}
	sumAdminNotCopy   = &i18n.Message{ID: "UIResumeAdminNonRestaurable", Other: "La copie ne pourra pas être restaurée comme un dossier : elle ne contient que ces exercices."}
	msgAdminComplete2 = &i18n.Message{ID: "UIAdminVersionComplete", Other: "complète"}
	msgAdminSimple2   = &i18n.Message{ID: "UIAdminVersionSimplifiee", Other: "simplifiée"}
	msgAdminWithAnn   = &i18n.Message{ID: "UIAdminAvecAnnexes", Other: "avec les annexes"}
	msgAdminNoAnn     = &i18n.Message{ID: "UIAdminSansAnnexes", Other: "sans les annexes"}

	resAdminDone   = &i18n.Message{ID: "UIResAdministrationOK", Other: "Copie pour l'administration écrite"}
	outAdminCopy   = &i18n.Message{ID: "UIResultatAdmin", Other: "Copie : {{.File}} ({{.Size}}) — dossier {{.Dossier}}, exercices {{.Codes}}, version {{.Version}}, {{.Annexes}}. Elle ne peut pas être restaurée comme un dossier."}
	outAdminTables = &i18n.Message{ID: "UIResultatAdminTables", Other: "Tables (lignes) : {{.List}}"}
	outAdminFEC    = &i18n.Message{ID: "UIResultatAdminFEC", Other: "FEC {{.Exercice}} : {{.File}} ({{.Size}}) — {{.Ecritures}} écritures, {{.Lignes}} lignes, débit = crédit = {{.Total}}, contrôlé avant écriture."}
	outAdminClean  = &i18n.Message{ID: "UIResultatAdminFECAdapte", One: "{{.Exercice}} : {{.Count}} champ adapté au jeu de caractères ISO-8859-15 (émojis retirés, tirets et guillemets typographiques simplifiés).", Other: "{{.Exercice}} : {{.Count}} champs adaptés au jeu de caractères ISO-8859-15 (émojis retirés, tirets et guillemets typographiques simplifiés)."}
	outDuration    = &i18n.Message{ID: "UIResultatDuree", Other: "Durée : {{.Duration}}"}
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
	version := widget.NewRadioGroup([]string{complete, simple}, func(s string) { o.Simplified = s == simple })
	version.Required = true
	if o.Simplified {
		version.SetSelected(simple)
	} else {
		version.SetSelected(complete)
	}
	annexes := widget.NewCheck(i18n.T(msgAdminAnnexes, nil), func(b bool) { o.Annexes = b })
	annexes.SetChecked(o.Annexes)
	fecBox := widget.NewCheck(i18n.T(msgAdminFEC, nil), func(b bool) { o.FEC = b })
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

func adminWords(simplified, annexes bool) (string, string) {
	version, ann := i18n.T(msgAdminComplete2, nil), i18n.T(msgAdminNoAnn, nil)
	if simplified {
		version = i18n.T(msgAdminSimple2, nil)
	}
	if annexes {
		ann = i18n.T(msgAdminWithAnn, nil)
	}
	return version, ann
}

func adminSummary(w *wizard) []line {
	o := &w.opts
	n := o.Dossiers[0]
	d := w.info(n)
	codes := o.Exercices[n]
	version, ann := adminWords(o.Simplified, o.Annexes)
	out := []line{{text: i18n.T(sumAdminCopy, map[string]any{"Dossier": w.dossierLabel(n), "Dir": o.DestDir,
		"File": admin.Name(d.Identity, admin.Label(allCodes(w, n), codes)) + dossier.ExtDB, "Codes": codesText(codes), "Version": version, "Annexes": ann})}}
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
	out := outcome{title: resAdminDone, dir: j.o.DestDir}
	d := j.infos[n]
	j.started(0, 1, strings.TrimSpace(d.Numero+" "+d.Nom))
	res, err := admin.Run(ctx, admin.Request{Source: storeRef(j, n), Exercices: j.o.Exercices[n], DestDir: j.o.DestDir,
		Simplified: j.o.Simplified, Annexes: j.o.Annexes, FEC: j.o.FEC, Now: j.now, Progress: j.progress})
	var rules *fec.RuleError
	if errors.As(err, &rules) {
		out.text = rules.Report()
	}
	if err != nil {
		out.err = err
		return out
	}
	version, ann := adminWords(res.Simplified, res.Annexes)
	out.lines = append(out.lines, line{text: i18n.T(outAdminCopy, map[string]any{"File": res.Path, "Size": i18n.Bytes(res.Size), "Dossier": res.Dossier.Base(),
		"Codes": codesText(res.Exercices), "Version": version, "Annexes": ann})})
	var tables []string
	for _, t := range res.Tables {
		tables = append(tables, fmt.Sprintf("%s %d", t.Name, t.Rows))
	}
	out.lines = append(out.lines, line{text: i18n.T(outAdminTables, map[string]any{"List": strings.Join(tables, ", ")})})
	for _, f := range res.FEC {
		out.lines = append(out.lines, line{text: i18n.T(outAdminFEC, map[string]any{"Exercice": f.Exercice, "File": f.Path, "Size": i18n.Bytes(f.Size),
			"Ecritures": f.Ecritures, "Lignes": f.Lignes, "Total": i18n.Money(f.Debit)})})
		if f.Cleaned > 0 {
			out.lines = append(out.lines, line{text: i18n.N(outAdminClean, int64(f.Cleaned), map[string]any{"Exercice": f.Exercice})})
		}
		for _, n := range f.Notes {
			out.lines = append(out.lines, line{text: n.String()})
		}
	}
	out.lines = append(out.lines, line{text: i18n.T(outDuration, map[string]any{"Duration": i18n.Duration(res.Duration)})})
	return out
}

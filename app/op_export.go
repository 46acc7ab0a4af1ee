package app

import (
	"context"
	"os"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/batch"
	"coffre/internal/dossier"
	"coffre/internal/export"
	"coffre/internal/i18n"
	"coffre/internal/report"
)

var (
	opLabelExport = &i18n.Message{ID: "UIOpExport", Other: "Export"}
	opHelpExport  = &i18n.Message{ID: "UIOpExportAide", Other: "Copie de chaque dossier choisi dans une nouvelle base E001SOC.db, contrôlée ; le dossier n'est pas modifié."}

	msgExportWhere   = &i18n.Message{ID: "UIExportOu", Other: "Où écrire l'export"}
	msgExportHere    = &i18n.Message{ID: "UIExportIci", Other: "Dans le répertoire de la connexion ({{.Dir}})"}
	msgExportHereNo  = &i18n.Message{ID: "UIExportIciImpossible", Other: "La connexion est un serveur SQL : l'export s'écrit dans un répertoire, à choisir."}
	msgExportElse    = &i18n.Message{ID: "UIExportAilleurs", Other: "Dans un autre répertoire :"}
	msgExportReplace = &i18n.Message{ID: "UIExportRemplacer", Other: "Remplacer un export déjà présent (E001SOC.db) : l'ancien export est écrasé, le dossier lui-même n'est pas touché"}
	msgExportExists  = &i18n.Message{ID: "UIExportExiste", Other: "L'export « {{.File}} » existe déjà dans « {{.Dir}} » : cochez « Remplacer un export déjà présent » ou choisissez un autre répertoire."}

	sumExportInto     = &i18n.Message{ID: "UIResumeExportVers", One: "{{.Count}} dossier sera exporté dans « {{.Dir}} » :", Other: "{{.Count}} dossiers seront exportés dans « {{.Dir}} » :"}
	sumExportItem     = &i18n.Message{ID: "UIResumeExportFichier", Other: "• {{.Numero}} {{.Nom}} — {{.RaisonSociale}} : {{.File}}"}
	sumExportReplaces = &i18n.Message{ID: "UIResumeExportRemplace", Other: "L'export « {{.File}} » déjà présent sera REMPLACÉ par le nouveau (c'est une copie : le dossier lui-même n'est pas modifié, et aucune sauvegarde de l'ancien export n'est faite)."}
	sumExportSafe     = &i18n.Message{ID: "UIResumeExportCopie", Other: "Les dossiers ne sont pas modifiés. Chaque export est relu et comparé au dossier (tables, lignes, totaux) avant de prendre son nom."}
	sumExportRestore  = &i18n.Message{ID: "UIResumeExportReprendre", Other: "Pour reprendre un export comme dossier : Restauration de ce fichier (il redevient 001SOC, sans le E)."}
)

// exportDir is where the export goes: the connexion's folder or the chosen
// one.
func exportDir(w *wizard) string {
	if w.opts.ExportHere && !w.opts.ODBC {
		return w.opts.Folder
	}
	return w.opts.DestDir
}

func exportOptions(w *wizard) fyne.CanvasObject {
	o := &w.opts
	here := i18n.T(msgExportHere, map[string]any{"Dir": o.Folder})
	elsewhere := i18n.T(msgExportElse, nil)
	choices := []string{here, elsewhere}
	var note fyne.CanvasObject = container.NewVBox()
	if o.ODBC {
		// A server connexion has no folder of its own to write into.
		o.ExportHere = false
		choices = choices[1:]
		note = lowLabel(i18n.T(msgExportHereNo, nil))
	}
	dest := destRow(w)
	where := newRadioList(choices, func(s string) {
		o.ExportHere = s == here
		if o.ExportHere {
			dest.Hide()
		} else {
			dest.Show()
		}
	})
	if o.ExportHere {
		where.SetSelected(here)
	} else {
		where.SetSelected(elsewhere)
	}
	replace := newCheck(i18n.T(msgExportReplace, nil), func(b bool) { o.Replace = b })
	replace.SetChecked(o.Replace)
	return container.NewVBox(fieldTitle(i18n.T(msgExportWhere, nil)), note, where, dest, widget.NewSeparator(), replace)
}

// exportFile is the export's path for dossier n.
func exportFile(w *wizard, n string) string {
	d := w.info(n)
	return filepath.Join(exportDir(w), dossier.ExportName(d.Numero, d.Nom)+dossier.ExtDB)
}

// exportRequest is the engine's request for the chosen options.
func exportRequest(w *wizard) validator {
	dest := w.opts.DestDir
	if w.opts.ExportHere && !w.opts.ODBC {
		dest = ""
	}
	return export.Request{Numero: firstNumero(&w.opts), DestDir: dest, Replace: w.opts.Replace}
}

// firstNumero is the first chosen dossier: the requests the Options step
// checks differ from one dossier to the next only by it.
func firstNumero(o *Options) string {
	if len(o.Dossiers) == 0 {
		return ""
	}
	return o.Dossiers[0]
}

func exportCheck(w *wizard) error {
	o := &w.opts
	if o.ODBC && o.ExportHere {
		o.ExportHere = false
	}
	if !o.ExportHere {
		if err := ensureDefaultDest(o.DestDir); err != nil {
			return err
		}
		if err := dossier.CheckDestination(o.DestDir); err != nil {
			return err
		}
	}
	if o.Replace {
		return nil
	}
	for _, n := range o.Dossiers {
		if f := exportFile(w, n); exists(f) {
			return i18n.E(msgExportExists, map[string]any{"File": filepath.Base(f), "Dir": filepath.Dir(f)}, dossier.ErrExists)
		}
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}

func exportSummary(w *wizard) []line {
	o := &w.opts
	out := []line{{text: i18n.N(sumExportInto, int64(len(o.Dossiers)), map[string]any{"Dir": exportDir(w)})}}
	var replaced []line
	for _, n := range o.Dossiers {
		d := w.info(n)
		f := exportFile(w, n)
		out = append(out, line{text: i18n.T(sumExportItem, map[string]any{"Numero": d.Numero, "Nom": d.Nom, "RaisonSociale": d.RaisonSociale, "File": filepath.Base(f)})})
		if exists(f) {
			replaced = append(replaced, line{text: i18n.T(sumExportReplaces, map[string]any{"File": f}), warn: true})
		}
	}
	out = append(out, replaced...)
	return append(out, line{text: i18n.T(sumExportSafe, nil)}, line{text: i18n.T(sumExportRestore, nil)})
}

// eachDossier runs do for every chosen dossier through the batch runner:
// one dossier's failure is a line of the result and the others go on;
// cancelling stops. lines are the result's lines for a dossier done.
func eachDossier[R any](ctx context.Context, j *job, title *i18n.Message, dir string, do func(ctx context.Context, numero string, p dossier.Progress) (R, error), lines func(batch.Item, R) []report.Line) outcome {
	res := batch.Run(ctx, j.dossierItems(), func(ctx context.Context, it batch.Item, p dossier.Progress) (R, error) {
		return do(ctx, it.Key, p)
	}, runOptions[R](j))
	return outcome{Summary: report.Batch(title, res, lines), dir: dir}
}

func runExport(ctx context.Context, j *job) outcome {
	dest, dir := j.o.DestDir, j.o.DestDir
	if j.o.ExportHere && !j.o.ODBC {
		dest, dir = "", j.o.Folder
	}
	return eachDossier(ctx, j, report.TitleExport, dir, func(ctx context.Context, n string, p dossier.Progress) (export.Result, error) {
		return export.Run(ctx, export.Request{Store: j.store, Numero: n, DestDir: dest, Replace: j.o.Replace, IgnoreSessions: j.o.IgnoreSessions, SessionIdle: sessionIdle(), Progress: p})
	}, report.Export)
}

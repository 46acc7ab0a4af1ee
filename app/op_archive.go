package app

import (
	"context"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/archive"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/paths"
	"coffre/internal/report"
)

var (
	opLabelArchive   = &i18n.Message{ID: "UIOpArchivage", Other: "Archivage d'exercices"}
	opHelpArchive    = &i18n.Message{ID: "UIOpArchivageAide", Other: "Range les exercices anciens dans une archive .paf vérifiée, puis les remplace dans le dossier par une écriture de solde ; les soldes ne changent pas."}
	opLabelUnarchive = &i18n.Message{ID: "UIOpDesarchivage", Other: "Import d'archive"}
	opHelpUnarchive  = &i18n.Message{ID: "UIOpDesarchivageAide", Other: "Remet dans le dossier, à l'identique, des exercices rangés dans une archive .paf."}

	msgArchExercices = &i18n.Message{ID: "UIArchiveExercices", Other: "Exercices à archiver"}
	msgArchHint      = &i18n.Message{ID: "UIArchiveExercicesAide", Other: "Cochés d'avance : les exercices clôturés depuis au moins {{.Age}} ans. Seuls les exercices clôturés et pas encore archivés peuvent l'être."}
	msgDossierError  = &i18n.Message{ID: "UIDossierIllisible", Other: "Exercices illisibles : {{.Error}}"}

	msgPAFFolder     = &i18n.Message{ID: "UIDossierArchives", Other: "Répertoire des archives :"}
	msgPAFEmpty      = &i18n.Message{ID: "UIAucuneArchive", Other: "Aucune archive (.paf) dans ce répertoire : choisissez-en un autre, ou ajoutez un fichier."}
	msgPAFPick       = &i18n.Message{ID: "UIChoisirArchive", Other: "Choisir une archive"}
	msgPAFFilter     = &i18n.Message{ID: "UIFiltreArchives", Other: "Archives d'exercices Coffre (.paf)"}
	msgPAFNeed       = &i18n.Message{ID: "UIArchiveRequise", Other: "Choisissez une archive dans la liste."}
	msgPAFExercices  = &i18n.Message{ID: "UIArchiveARemettre", Other: "Exercices de l'archive à remettre dans le dossier {{.Dossier}}"}
	msgPAFNotArch    = &i18n.Message{ID: "UIArchiveDejaRemis", Other: "déjà remis dans le dossier"}
	msgPAFUnknown    = &i18n.Message{ID: "UIArchiveExerciceAbsent", Other: "absent du dossier"}
	msgPAFItem       = &i18n.Message{ID: "UIArchiveContenu", Other: "{{.Ecritures}} écritures, {{.Lignes}} lignes, {{.Annexes}} annexes"}
	msgPAFDelete     = &i18n.Message{ID: "UIArchiveSupprimerApres", Other: "Supprimer l'archive après, une fois tous ses exercices remis"}
	msgPAFUnreadable = &i18n.Message{ID: "UIArchiveIllisible", Other: "L'archive « {{.File}} » ne peut pas être lue : {{.Error}}"}

	sumArchInto     = &i18n.Message{ID: "UIResumeArchiveVers", One: "Archivage de {{.Count}} dossier ; les archives (.paf) seront écrites dans « {{.Dir}} » :", Other: "Archivage de {{.Count}} dossiers ; les archives (.paf) seront écrites dans « {{.Dir}} » :"}
	sumArchItem     = &i18n.Message{ID: "UIResumeArchiveDossier", Other: "• {{.Dossier}} : exercices {{.Codes}}"}
	sumArchDeletes  = &i18n.Message{ID: "UIResumeArchiveSupprime", Other: "Les écritures, lignes et annexes de ces exercices seront SUPPRIMÉES des dossiers, une fois l'archive écrite, relue et vérifiée. Chaque exercice est remplacé par une écriture de solde (journal OD, origine ARCHIVE) et marqué archivé : les soldes par compte et par tiers ne changent pas."}
	sumSafetyFirst  = &i18n.Message{ID: "UIResumeSecuriteAvant", Other: "Avant toute modification, une sauvegarde de sécurité vérifiée de chaque dossier est faite dans « {{.Dir}} »."}
	sumArchBack     = &i18n.Message{ID: "UIResumeArchiveRetour", Other: "« Import d'archive » remet ces exercices à l'identique, à partir du fichier .paf : gardez-le en lieu sûr."}
	sumUnarchFrom   = &i18n.Message{ID: "UIResumeDesarchiveDepuis", Other: "L'archive « {{.File}} » (dossier {{.Source}}) : les exercices {{.Codes}} seront remis dans le dossier {{.Dossier}}, à l'identique (mêmes écritures, mêmes numéros)."}
	sumUnarchEdits  = &i18n.Message{ID: "UIResumeDesarchiveModifie", Other: "Le dossier sera MODIFIÉ : les écritures de solde d'archivage de ces exercices seront SUPPRIMÉES et les écritures d'origine remises, en une seule transaction. Une sauvegarde de sécurité vérifiée du dossier est faite avant, dans « {{.Dir}} »."}
	sumUnarchDelete = &i18n.Message{ID: "UIResumeDesarchiveSupprime", Other: "Le fichier « {{.File}} » sera SUPPRIMÉ une fois tous ses exercices remis."}
	sumUnarchKeep   = &i18n.Message{ID: "UIResumeDesarchiveGarde", Other: "Le fichier « {{.File}} » est conservé."}
)

var pafFiles = &fileKind{ext: dossier.ExtPAF, folder: msgPAFFolder, empty: msgPAFEmpty, pick: msgPAFPick, filter: msgPAFFilter, need: msgPAFNeed}

func archiveOptions(w *wizard) fyne.CanvasObject {
	now := w.now()
	box := container.NewVBox(fieldTitle(i18n.T(msgArchExercices, nil)), lowLabel(i18n.T(msgArchHint, map[string]any{"Age": archive.MinAge})))
	for _, n := range w.opts.Dossiers {
		box.Add(subTitle(w.dossierLabel(n)))
		list, err := w.exercicesOf(n)
		if err != nil {
			box.Add(warnLabel(i18n.T(msgDossierError, map[string]any{"Error": i18n.Describe(err)})))
			continue
		}
		box.Add(exerciceChecks(w, n, list, func(e ledger.Exercice) (bool, string, bool) {
			// The state (ouvert, archivé) says why one cannot be ticked.
			return archive.Archivable(e), "", archive.Archivable(e) && archive.Default(e, now)
		}))
	}
	return box
}

// subTitle names a group of fields (a dossier's exercices).
func subTitle(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true, Italic: true})
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// needExercices refuses Suivant while a dossier has no exercice ticked.
func needExercices(w *wizard, keys []string) error {
	for _, k := range keys {
		if len(w.opts.Exercices[k]) > 0 {
			continue
		}
		if len(keys) == 1 {
			return i18n.E(msgNeedEx, nil, nil)
		}
		return i18n.E(msgNeedExOf, map[string]any{"Dossier": w.dossierLabel(k)}, nil)
	}
	return nil
}

func archiveCheck(w *wizard) error {
	for _, n := range w.opts.Dossiers {
		if _, err := w.exercicesOf(n); err != nil {
			return err
		}
	}
	return needExercices(w, w.opts.Dossiers)
}

// archiveRequest and unarchiveRequest are the engine's requests for the
// chosen options.
func archiveRequest(w *wizard) validator {
	n := firstNumero(&w.opts)
	return archive.Request{Numero: n, Exercices: w.opts.Exercices[n], DestDir: w.opts.DestDir, SafetyDir: paths.Safety()}
}

func unarchiveRequest(w *wizard) validator {
	f := firstFile(&w.opts)
	return archive.RestoreRequest{File: f, Numero: w.opts.Numero, Exercices: w.opts.Exercices[f], SafetyDir: paths.Safety()}
}

func archiveSummary(w *wizard) []line {
	o := &w.opts
	out := []line{{text: i18n.N(sumArchInto, int64(len(o.Dossiers)), map[string]any{"Dir": o.DestDir})}}
	for _, n := range o.Dossiers {
		out = append(out, line{text: i18n.T(sumArchItem, map[string]any{"Dossier": w.dossierLabel(n), "Codes": report.Codes(o.Exercices[n])})})
	}
	return append(out,
		line{text: i18n.T(sumArchDeletes, nil), warn: true},
		line{text: i18n.T(sumSafetyFirst, map[string]any{"Dir": paths.Safety()}), warn: true},
		line{text: i18n.T(sumArchBack, nil)})
}

func runArchive(ctx context.Context, j *job) outcome {
	return eachDossier(ctx, j, report.TitleArchive, j.o.DestDir, func(ctx context.Context, n string, p dossier.Progress) (archive.Result, error) {
		return archive.Run(ctx, archive.Request{Store: j.store, Numero: n, Exercices: j.o.Exercices[n],
			DestDir: j.o.DestDir, SafetyDir: paths.Safety(), IgnoreSessions: j.o.IgnoreSessions, SessionIdle: sessionIdle(), Now: j.now, Progress: p})
	}, report.Archive)
}

// pafInfo is what the chosen archive holds.
func pafInfo(w *wizard) (*archive.Info, error) {
	f := firstFile(&w.opts)
	e := w.entry(f)
	if e.Err != nil {
		return nil, e.Err
	}
	if e.Manifest == nil {
		return nil, i18n.E(msgPAFUnreadable, map[string]any{"File": filepath.Base(f), "Error": "?"}, dossier.ErrCorrupt)
	}
	return archive.InfoOf(e.Manifest, f)
}

// pafExercices are the archive's exercices as ledger rows, with their
// state in the target dossier when it has them.
func pafExercices(w *wizard, info *archive.Info) ([]ledger.Exercice, map[string]ledger.Exercice) {
	inDossier := map[string]ledger.Exercice{}
	if list, err := w.exercicesOf(w.opts.Numero); err == nil {
		for _, e := range list {
			inDossier[e.Code] = e
		}
	}
	var out []ledger.Exercice
	for _, e := range info.Exercices {
		x := ledger.Exercice{Code: e.Code, Debut: e.Debut, Fin: e.Fin, Cloture: true, Archive: true}
		if d, ok := inDossier[e.Code]; ok {
			x.Cloture, x.Archive = d.Cloture, d.Archive
		}
		out = append(out, x)
	}
	return out, inDossier
}

func unarchiveOptions(w *wizard) fyne.CanvasObject {
	o := &w.opts
	f := firstFile(o)
	info, err := pafInfo(w)
	if err != nil {
		return warnLabel(i18n.T(msgPAFUnreadable, map[string]any{"File": filepath.Base(f), "Error": i18n.Describe(err)}))
	}
	list, inDossier := pafExercices(w, info)
	counts := map[string]string{}
	for _, e := range info.Exercices {
		counts[e.Code] = i18n.T(msgPAFItem, map[string]any{"Ecritures": e.Ecritures, "Lignes": e.Lignes, "Annexes": e.Annexes})
	}
	checks := exerciceChecks(w, f, list, func(e ledger.Exercice) (bool, string, bool) {
		d, ok := inDossier[e.Code]
		switch {
		case len(inDossier) > 0 && !ok:
			return false, i18n.T(msgPAFUnknown, nil), false
		case ok && !d.Archive:
			return false, i18n.T(msgPAFNotArch, nil), false
		}
		return true, counts[e.Code], true
	})
	del := newCheck(i18n.T(msgPAFDelete, nil), func(b bool) { o.DeleteArchive = b })
	del.SetChecked(o.DeleteArchive)
	return container.NewVBox(fieldTitle(i18n.T(msgPAFExercices, map[string]any{"Dossier": w.dossierLabel(o.Numero)})), checks, widget.NewSeparator(), del)
}

func unarchiveCheck(w *wizard) error {
	if _, err := pafInfo(w); err != nil {
		return err
	}
	return needExercices(w, []string{firstFile(&w.opts)})
}

func unarchiveSummary(w *wizard) []line {
	o := &w.opts
	f := firstFile(o)
	id := w.entry(f).Identity()
	data := map[string]any{"File": filepath.Base(f), "Source": dossier.Label(id.Numero, id.Nom), "Dossier": w.dossierLabel(o.Numero),
		"Codes": report.Codes(o.Exercices[f]), "Dir": paths.Safety()}
	out := []line{
		{text: i18n.T(sumUnarchFrom, data)},
		{text: i18n.T(sumUnarchEdits, data), warn: true},
	}
	if o.DeleteArchive {
		return append(out, line{text: i18n.T(sumUnarchDelete, map[string]any{"File": f}), warn: true})
	}
	return append(out, line{text: i18n.T(sumUnarchKeep, map[string]any{"File": f})})
}

func runUnarchive(ctx context.Context, j *job) outcome {
	f := firstFile(&j.o)
	d := j.infos[j.o.Numero]
	j.started(0, 1, dossier.Label(d.Numero, d.Nom))
	res, err := archive.Restore(ctx, archive.RestoreRequest{File: f, Store: j.store, Numero: j.o.Numero, Exercices: j.o.Exercices[f],
		DeleteArchive: j.o.DeleteArchive, SafetyDir: paths.Safety(), IgnoreSessions: j.o.IgnoreSessions, SessionIdle: sessionIdle(), Now: j.now, Progress: j.progress})
	return outcome{Summary: report.Unarchive(f, res, err), dir: filepath.Dir(f)}
}

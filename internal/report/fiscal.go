package report

import (
	"errors"
	"path/filepath"
	"strings"

	"coffre/internal/admin"
	"coffre/internal/archive"
	"coffre/internal/batch"
	"coffre/internal/cut"
	"coffre/internal/export"
	"coffre/internal/fec"
	"coffre/internal/i18n"
	"coffre/internal/transfer"
)

var (
	TitleExport    = &i18n.Message{ID: "UIResExportOK", Other: "Export terminé"}
	TitlePTFSent   = &i18n.Message{ID: "UIResTransfertEnvoiOK", Other: "Transfert écrit"}
	TitlePTFApply  = &i18n.Message{ID: "UIResTransfertReceptionOK", Other: "Transfert appliqué"}
	TitleArchive   = &i18n.Message{ID: "UIResArchivageOK", Other: "Archivage terminé"}
	TitleUnarchive = &i18n.Message{ID: "UIResDesarchivageOK", Other: "Exercices remis en place"}
	TitleCut       = &i18n.Message{ID: "UIResDecoupeOK", Other: "Découpe terminée"}
	TitleAdmin     = &i18n.Message{ID: "UIResAdministrationOK", Other: "Copie pour l'administration écrite"}

	msgAnd          = &i18n.Message{ID: "UIEt", Other: "et"}
	msgSafetyBefore = &i18n.Message{ID: "CLISecuriteAvant", Other: "Sauvegarde de sécurité prise avant de modifier le dossier : {{.File}}"}
	msgDuration     = &i18n.Message{ID: "UIResultatDuree", Other: "Durée : {{.Duration}}"}

	msgExportFile     = &i18n.Message{ID: "ResExport", Other: "{{.Label}} : {{.File}} ({{.Size}}, {{.Tables}}, {{.Exercices}}, contrôlé), en {{.Duration}}."}
	msgExportServer   = &i18n.Message{ID: "ResExportServeur", Other: "{{.Label}} : base {{.File}} écrite sur le serveur ({{.Size}}, {{.Tables}}, {{.Exercices}}, contrôlée), en {{.Duration}}."}
	msgExportReplaced = &i18n.Message{ID: "ResExportRemplace", Other: "{{.Label}} : l'ancien export de même nom a été remplacé."}
	msgExportBack     = &i18n.Message{ID: "ResExportReprendre", Other: "Pour reprendre {{.File}} comme dossier, restaurez ce fichier (« Restauration » dans l'assistant, « coffre restaurer » en ligne de commande) : il redevient {{.Base}}."}

	msgPTFNote    = &i18n.Message{ID: "UIResultatTransfertMessage", Other: "{{.Numero}} : {{.Text}}"}
	msgPTFWritten = &i18n.Message{ID: "ResTransfert", Other: "{{.Label}} : transfert n° {{.Sequence}} écrit, {{.File}} ({{.Size}}) — {{.Changes}} sur {{.Rows}}, en {{.Duration}}."}
	msgPTFBase    = &i18n.Message{ID: "ResTransfertBase", Other: "{{.Label}} : transfert complet n° {{.Sequence}} écrit, {{.File}} ({{.Size}}), en {{.Duration}}. Sur l'autre site, restaurez ce fichier (« Restauration » dans l'assistant, « coffre restaurer … --remplacer » en ligne de commande si le dossier y existe)."}
	msgPTFTables  = &i18n.Message{ID: "UIResultatTransfertTables", Other: "Lignes ajoutées (+), modifiées (~), supprimées (−) : {{.List}}"}
	msgPTFTable   = &i18n.Message{ID: "UIResumeTransfertTable", Other: "{{.Table}} +{{.Inserts}} ~{{.Updates}} −{{.Deletes}}"}
	msgPTFApplied = &i18n.Message{ID: "CLITransfertApplique", Other: "Transfert n° {{.Sequence}} appliqué au dossier {{.Dossier}} : {{.Changes}}, en {{.Duration}}."}

	msgArchFile      = &i18n.Message{ID: "ResArchive", Other: "{{.Label}} : archive écrite et vérifiée, {{.File}} ({{.Size}}), en {{.Duration}}."}
	msgArchMoved     = &i18n.Message{ID: "UIResultatArchiveDeplace", Other: "Exercices {{.Codes}} archivés : {{.Ecritures}}, {{.Lignes}} et {{.Annexes}} retirées du dossier, remplacées par une écriture de solde chacun ({{.Balances}}). Soldes par compte et par tiers inchangés."}
	msgArchBalance   = &i18n.Message{ID: "UIResultatArchiveSolde", Other: "{{.Exercice}} : OD n° {{.Numero}}, {{.Lignes}}"}
	msgUnarchDone    = &i18n.Message{ID: "UIResultatDesarchive", Other: "Dossier {{.Dossier}} : exercices {{.Codes}} remis en place — {{.Ecritures}}, {{.Lignes}}, {{.Annexes}}, identiques à l'archive ; écritures de solde retirées, soldes inchangés ; en {{.Duration}}."}
	msgUnarchAlready = &i18n.Message{ID: "CLIDesarchiveDejaRemis", Other: "Déjà remis dans le dossier auparavant, laissés tels quels : {{.Codes}}."}
	msgFact          = &i18n.Message{ID: "ResFait", Other: "{{.Text}}"}
	msgUnarchMore    = &i18n.Message{ID: "UIResultatDesarchiveRecrees", Other: "Remis aussi, car supprimés du dossier depuis l'archivage : {{.List}}"}
	msgUnarchDel     = &i18n.Message{ID: "UIResultatDesarchiveSupprimee", Other: "Archive supprimée : {{.File}}"}
	msgUnarchKept    = &i18n.Message{ID: "UIResultatDesarchiveGardee", Other: "Archive conservée : {{.File}}"}
	msgUnarchLeft    = &i18n.Message{ID: "ResDesarchiveReste", Other: "Archive conservée : {{.File}} ; elle contient encore des exercices archivés ({{.Codes}})."}

	msgCutDone   = &i18n.Message{ID: "ResDecoupe", Other: "Découpe faite : exercices {{.Moved}} déplacés dans {{.File}} ({{.Size}}) — {{.Ecritures}}, {{.Lignes}}, {{.Annexes}} ; le dossier {{.Dossier}} garde {{.Kept}} (fichier de {{.Before}} avant, {{.After}} après), en {{.Duration}}."}
	msgCutClean  = &i18n.Message{ID: "CLIDecoupeNettoyage", Other: "Nettoyage : {{.CutTiers}} et {{.CutComptes}} retirés du fichier découpé, {{.Tiers}} et {{.Comptes}} du dossier."}
	msgCutImport = &i18n.Message{ID: "ResDecoupeConsulter", Other: "Pour consulter les anciens exercices, restaurez {{.File}} (« Restauration » dans l'assistant, « coffre restaurer » en ligne de commande) : il s'importe comme un dossier."}

	msgAdminCopy     = &i18n.Message{ID: "UIResultatAdmin", Other: "Copie : {{.File}} ({{.Size}}) — dossier {{.Dossier}}, exercices {{.Codes}}, version {{.Version}}, {{.Annexes}}. Elle ne peut pas être restaurée comme un dossier."}
	msgAdminHolds    = &i18n.Message{ID: "UIResultatAdminContient", Other: "Le vérificateur y trouve les exercices {{.Codes}} : {{.Ecritures}} et {{.Lignes}}, avec les comptes ({{.Comptes}}), les tiers ({{.Tiers}}) et les journaux."}
	msgAdminGive     = &i18n.Message{ID: "UIResultatAdminRemettre", One: "À remettre au vérificateur : le répertoire « {{.Dir}} », qui contient la copie et {{.Count}} fichier FEC.", Other: "À remettre au vérificateur : le répertoire « {{.Dir}} », qui contient la copie et {{.Count}} fichiers FEC."}
	msgAdminGiveCopy = &i18n.Message{ID: "UIResultatAdminRemettreCopie", Other: "À remettre au vérificateur : la copie, dans le répertoire « {{.Dir}} »."}
	msgAdminFEC      = &i18n.Message{ID: "UIResultatAdminFEC", Other: "FEC {{.Exercice}} : {{.File}} ({{.Size}}) — {{.Ecritures}}, {{.Lignes}}, débit = crédit = {{.Total}}, contrôlé avant écriture."}
	msgAdminCleaned  = &i18n.Message{ID: "UIResultatAdminFECAdapte", One: "{{.Exercice}} : {{.Count}} champ adapté au jeu de caractères ISO-8859-15 (émojis retirés, tirets et guillemets typographiques simplifiés).", Other: "{{.Exercice}} : {{.Count}} champs adaptés au jeu de caractères ISO-8859-15 (émojis retirés, tirets et guillemets typographiques simplifiés)."}
	msgAdminComplete = &i18n.Message{ID: "UIAdminVersionComplete", Other: "complète"}
	msgAdminSimple   = &i18n.Message{ID: "UIAdminVersionSimplifiee", Other: "simplifiée"}
	msgAdminWithAnn  = &i18n.Message{ID: "UIAdminAvecAnnexes", Other: "avec les annexes"}
	msgAdminNoAnn    = &i18n.Message{ID: "UIAdminSansAnnexes", Other: "sans les annexes"}
)

// Codes names a list of exercices: « 2014, 2015 et 2016 ».
func Codes(codes []string) string {
	if len(codes) <= 1 {
		return strings.Join(codes, "")
	}
	return strings.Join(codes[:len(codes)-1], ", ") + " " + i18n.T(msgAnd, nil) + " " + codes[len(codes)-1]
}

// codesArg is Codes(codes) as message data, rendered with the sentence.
func codesArg(codes []string) any { return i18n.Lazy(func() string { return Codes(codes) }) }

// joinArg is notes rendered and joined by sep, as message data.
func joinArg(notes []i18n.Note, sep string) any {
	return i18n.Lazy(func() string {
		parts := make([]string, len(notes))
		for i, n := range notes {
			parts[i] = n.String()
		}
		return strings.Join(parts, sep)
	})
}

func safetyLines(path string) []Line {
	if path == "" {
		return nil
	}
	return []Line{info(msgSafetyBefore, map[string]any{"File": path})}
}

// Export is the lines of one dossier's export.
func Export(it batch.Item, r export.Result) []Line {
	d := map[string]any{"Label": it.Label, "File": r.Path, "Size": i18n.BytesArg(r.Size), "Tables": count(cntTables, len(r.Stats.Tables)),
		"Exercices": count(cntExercices, len(r.Stats.Exercices)), "Duration": i18n.DurationArg(r.Duration), "Base": r.Dossier.Base()}
	if r.OnServer {
		return append([]Line{info(msgExportServer, d)}, warnNotes(r.Notes)...)
	}
	out := []Line{info(msgExportFile, d)}
	if r.Replaced {
		out = append(out, info(msgExportReplaced, d))
	}
	d["File"] = filepath.Base(r.Path)
	out = append(out, info(msgExportBack, d))
	return append(out, warnNotes(r.Notes)...)
}

// TableChanges names each table's changes: « ecritures +3 ~1 −0, … ».
func TableChanges(cs []transfer.TableChanges) string {
	var parts []string
	for _, c := range cs {
		parts = append(parts, i18n.T(msgPTFTable, map[string]any{"Table": c.Table, "Inserts": c.Inserts, "Updates": c.Updates, "Deletes": c.Deletes}))
	}
	return strings.Join(parts, ", ")
}

func tableLines(cs []transfer.TableChanges) []Line {
	if len(cs) == 0 {
		return nil
	}
	return []Line{info(msgPTFTables, map[string]any{"List": TableChanges(cs)})}
}

// TransferExport is the lines of one dossier's partial transfer.
func TransferExport(it batch.Item, r transfer.ExportResult) []Line {
	var out []Line
	if r.Message.Msg != nil {
		out = append(out, info(msgPTFNote, map[string]any{"Numero": it.Label, "Text": r.Message}))
	}
	d := map[string]any{"Label": it.Label, "Sequence": r.Sequence, "File": r.Path, "Size": i18n.BytesArg(r.Size),
		"Changes": count(cntChanged, r.TotalChanges()), "Rows": count(cntCompared, r.Rows), "Duration": i18n.DurationArg(r.Duration)}
	switch {
	case r.NoChange:
		return out
	case r.Full:
		return append(out, info(msgPTFBase, d))
	}
	return append(append(out, info(msgPTFWritten, d)), tableLines(r.Changes)...)
}

// TransferImport is the summary of a transfer applied to a dossier.
func TransferImport(r transfer.ImportResult, err error) Summary {
	s := Summary{Title: TitlePTFApply, Facts: r, Err: err, Lines: safetyLines(r.SafetyBackup)}
	if err != nil {
		return s
	}
	s.Lines = append(s.Lines, info(msgPTFApplied, map[string]any{"Sequence": r.Sequence, "Dossier": r.Dossier.Base(),
		"Changes": count(cntChanged, r.TotalChanges()), "Duration": i18n.DurationArg(r.Duration)}))
	s.Lines = append(s.Lines, tableLines(r.Changes)...)
	return s.with(warnNotes(r.Notes)...)
}

// Archive is the lines of one dossier's archiving.
func Archive(it batch.Item, r archive.Result) []Line {
	var codes []string
	var balances []i18n.Note
	for _, e := range r.Exercices {
		codes = append(codes, e.Code)
		balances = append(balances, i18n.NewNote(msgArchBalance, map[string]any{"Exercice": e.Code, "Numero": e.BalanceNumero, "Lignes": count(cntLignes, e.BalanceLignes)}))
	}
	out := append([]Line{
		info(msgArchFile, map[string]any{"Label": it.Label, "File": r.Path, "Size": i18n.BytesArg(r.Size), "Duration": i18n.DurationArg(r.Duration)}),
		info(msgArchMoved, map[string]any{"Codes": codesArg(codes), "Ecritures": count(cntEcritures, r.Ecritures), "Lignes": count(cntLignes, r.Lignes), "Annexes": count(cntAnnexes, r.Annexes), "Balances": joinArg(balances, "\u00a0; ")}),
	}, safetyLines(r.SafetyBackup)...)
	return append(out, warnNotes(r.Notes)...)
}

// Unarchive is the summary of exercices put back from the archive file.
func Unarchive(file string, r archive.RestoreResult, err error) Summary {
	s := Summary{Title: TitleUnarchive, Facts: r, Err: err, Lines: safetyLines(r.SafetyBackup)}
	if errors.Is(err, batch.ErrNothingToDo) {
		// Everything is back already: a fact, not a failure.
		s.Err = nil
		return s.with(info(msgFact, map[string]any{"Text": i18n.Described(err)}))
	}
	if err != nil {
		return s
	}
	if len(r.AlreadyBack) > 0 {
		s.Lines = append(s.Lines, info(msgUnarchAlready, map[string]any{"Codes": codesArg(r.AlreadyBack)}))
	}
	var codes []string
	back := map[string]bool{}
	for _, e := range r.Exercices {
		codes = append(codes, e.Code)
		back[e.Code] = true
	}
	s.Lines = append(s.Lines, info(msgUnarchDone, map[string]any{"Dossier": r.Dossier.Base(), "Codes": codesArg(codes),
		"Ecritures": count(cntEcritures, r.Ecritures), "Lignes": count(cntLignes, r.Lignes), "Annexes": count(cntAnnexes, r.Annexes), "Duration": i18n.DurationArg(r.Duration)}))
	if len(r.Recreated) > 0 {
		s.Lines = append(s.Lines, info(msgUnarchMore, map[string]any{"List": strings.Join(r.Recreated, ", ")}))
	}
	s.Lines = append(s.Lines, warnNotes(r.Notes)...)
	if r.Deleted {
		return s.with(info(msgUnarchDel, map[string]any{"File": file}))
	}
	var left []string
	if r.Archive != nil {
		for _, c := range r.Archive.Codes() {
			if !back[c] {
				left = append(left, c)
			}
		}
	}
	if len(left) > 0 {
		return s.with(info(msgUnarchLeft, map[string]any{"File": file, "Codes": codesArg(left)}))
	}
	return s.with(info(msgUnarchKept, map[string]any{"File": file}))
}

func (s Summary) with(l ...Line) Summary {
	s.Lines = append(s.Lines, l...)
	return s
}

// Cut is the summary of a cut; clean says whether the cleaning was asked.
func Cut(r cut.Result, clean bool, err error) Summary {
	s := Summary{Title: TitleCut, Facts: r, Err: err, Lines: safetyLines(r.SafetyBackup)}
	if err != nil {
		return s
	}
	s.Lines = append(s.Lines, info(msgCutDone, map[string]any{
		"Moved": codesArg(r.Moved), "File": r.CutPath, "Size": i18n.BytesArg(r.CutSize),
		"Ecritures": count(cntEcritures, r.Ecritures), "Lignes": count(cntLignes, r.Lignes), "Annexes": count(cntAnnexes, r.Annexes),
		"Dossier": r.Dossier.Base(), "Kept": codesArg(r.Kept),
		"Before": i18n.BytesArg(r.SizeBefore), "After": i18n.BytesArg(r.SizeAfter), "Duration": i18n.DurationArg(r.Duration),
	}))
	if clean {
		s.Lines = append(s.Lines, info(msgCutClean, map[string]any{
			"CutTiers": count(cntTiers, r.CleanedCut.Tiers), "CutComptes": count(cntComptes, r.CleanedCut.Comptes),
			"Tiers": count(cntTiers, r.CleanedKept.Tiers), "Comptes": count(cntComptes, r.CleanedKept.Comptes)}))
	}
	s.Lines = append(s.Lines, warnings(r.Warnings)...)
	s.Lines = append(s.Lines, warnNotes(r.Notes)...)
	return s.with(info(msgCutImport, map[string]any{"File": r.CutPath}))
}

// AdminWords names a tax-audit copy's version and whether it has the
// annexes: « complète », « sans les annexes ».
func AdminWords(simplified, annexes bool) (version, withAnnexes string) {
	version, withAnnexes = i18n.T(msgAdminComplete, nil), i18n.T(msgAdminNoAnn, nil)
	if simplified {
		version = i18n.T(msgAdminSimple, nil)
	}
	if annexes {
		withAnnexes = i18n.T(msgAdminWithAnn, nil)
	}
	return version, withAnnexes
}

// Admin is the summary of a tax-audit copy and its FEC; a refusal by the
// FEC rules comes with their whole report as the text block.
func Admin(r admin.Result, err error) Summary {
	s := Summary{Title: TitleAdmin, Facts: r, Err: err}
	var rules *fec.RuleError
	if errors.As(err, &rules) {
		s.Text = rules.Report()
	}
	if err != nil {
		return s
	}
	version := i18n.Lazy(func() string { v, _ := AdminWords(r.Simplified, r.Annexes); return v })
	ann := i18n.Lazy(func() string { _, a := AdminWords(r.Simplified, r.Annexes); return a })
	s.Lines = append(s.Lines, info(msgAdminCopy, map[string]any{"File": r.Path, "Size": i18n.BytesArg(r.Size), "Dossier": r.Dossier.Base(),
		"Codes": codesArg(r.Exercices), "Version": version, "Annexes": ann}))
	rows := map[string]int64{}
	for _, t := range r.Tables {
		rows[t.Name] = t.Rows
	}
	s.Lines = append(s.Lines, info(msgAdminHolds, map[string]any{"Codes": codesArg(r.Exercices),
		"Ecritures": count(cntEcritures, rows["ecritures"]), "Lignes": count(cntLignes, rows["lignes"]),
		"Comptes": count(cntComptes, rows["comptes"]), "Tiers": count(cntTiers, rows["tiers"])}))
	for _, f := range r.FEC {
		s.Lines = append(s.Lines, info(msgAdminFEC, map[string]any{"Exercice": f.Exercice, "File": f.Path, "Size": i18n.BytesArg(f.Size),
			"Ecritures": count(cntEcritures, f.Ecritures), "Lignes": count(cntLignes, f.Lignes), "Total": i18n.MoneyArg(f.Debit)}))
		if f.Cleaned > 0 {
			s.Lines = append(s.Lines, info(msgAdminCleaned, map[string]any{"Exercice": f.Exercice, "Count": f.Cleaned}))
		}
		s.Lines = append(s.Lines, notes(f.Notes)...)
	}
	if len(r.FEC) > 0 {
		s.Lines = append(s.Lines, info(msgAdminGive, map[string]any{"Dir": filepath.Dir(r.Path), "Count": len(r.FEC)}))
	} else {
		s.Lines = append(s.Lines, info(msgAdminGiveCopy, map[string]any{"Dir": filepath.Dir(r.Path)}))
	}
	return s.with(info(msgDuration, map[string]any{"Duration": i18n.DurationArg(r.Duration)}))
}

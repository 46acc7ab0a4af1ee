package app

import (
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"coffre/internal/batch"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/report"
)

var (
	msgCtFile      = &i18n.Message{ID: "UIContenuFichier", Other: "Fichier"}
	msgCtDossier   = &i18n.Message{ID: "UIContenuDossier", Other: "Dossier"}
	msgCtSiren     = &i18n.Message{ID: "UIContenuSiren", Other: "SIREN"}
	msgCtDate      = &i18n.Message{ID: "UIContenuDate", Other: "Sauvegardé le"}
	msgCtSource    = &i18n.Message{ID: "UIContenuSource", Other: "Venant de"}
	msgCtSize      = &i18n.Message{ID: "UIContenuTaille", Other: "Taille"}
	msgCtEncrypted = &i18n.Message{ID: "UIContenuChiffrement", Other: "Chiffrement"}
	msgCtEncYes    = &i18n.Message{ID: "UIContenuChiffree", Other: "chiffrée (il faut la phrase secrète ou la clé pour la restaurer)"}
	msgCtEncNo     = &i18n.Message{ID: "UIContenuNonChiffree", Other: "non chiffrée"}
	msgCtCheck     = &i18n.Message{ID: "UIContenuControle", Other: "Vérification"}
	msgCtCheckText = &i18n.Message{ID: "UIContenuControleTexte", One: "{{.Count}} partie, chacune avec son empreinte SHA-256, relue à chaque restauration ; l'opération « Vérification » la contrôle entièrement.", Other: "{{.Count}} parties, chacune avec son empreinte SHA-256, relues à chaque restauration ; l'opération « Vérification » les contrôle entièrement."}
	msgCtLast      = &i18n.Message{ID: "UIContenuDerniereEcriture", Other: "Dernière écriture"}
	msgCtOpenBy    = &i18n.Message{ID: "UIContenuOuvert", Other: "Ouvert pendant la sauvegarde"}
	msgCtExercices = &i18n.Message{ID: "UIContenuExercices", Other: "Exercices"}
	msgCtExLine    = &i18n.Message{ID: "UIContenuExercice", Other: "{{.Code}} — du {{.Debut}} au {{.Fin}}, {{.Etat}} : {{.Ecritures}}, {{.Lignes}}, débit {{.Debit}}, crédit {{.Credit}}"}
	msgCtOpen      = &i18n.Message{ID: "UIContenuOuvertEtat", Other: "ouvert"}
	msgCtClosed    = &i18n.Message{ID: "UIContenuClotureEtat", Other: "clôturé"}
	msgCtArchived  = &i18n.Message{ID: "UIContenuArchiveEtat", Other: "archivé"}
	msgCtNoEx      = &i18n.Message{ID: "UIContenuSansExercice", Other: "aucun exercice (base sans le schéma du logiciel de comptabilité)"}
	msgCtEcritures = &i18n.Message{ID: "UIContenuNbEcritures", One: "{{.Count}} écriture", Other: "{{.Count}} écritures"}
	msgCtLignes    = &i18n.Message{ID: "UIContenuNbLignes", One: "{{.Count}} ligne", Other: "{{.Count}} lignes"}
)

// resultDetails is the part of the Résultat step an operation shows as a
// form rather than as text: « Contenu » shows each backup read as a form
// (dossier, date, exercices with their counts and totals, size,
// encryption, verification). Nil for the others.
func resultDetails(out outcome) fyne.CanvasObject {
	res, ok := out.Facts.(batch.Result[report.Inspected])
	if !ok {
		return nil
	}
	box := container.NewVBox()
	for _, o := range res.Outcomes {
		if o.Status != batch.Done || o.Result.Manifest == nil {
			continue
		}
		if len(box.Objects) > 0 {
			box.Add(widget.NewSeparator())
		}
		box.Add(contentForm(o.Result))
	}
	if len(box.Objects) == 0 {
		return nil
	}
	return box
}

// contentForm is one backup's manifest as a form.
func contentForm(in report.Inspected) fyne.CanvasObject {
	m := in.Manifest
	d := m.Dossier
	item := func(label *i18n.Message, text string) *widget.FormItem {
		return widget.NewFormItem(i18n.T(label, nil), wrapLabel(text))
	}
	name := report.Clean(d.Numero) + " " + report.Clean(d.Nom)
	if d.RaisonSociale != "" {
		name += " — " + report.Clean(d.RaisonSociale)
	}
	form := widget.NewForm(
		item(msgCtFile, filepath.Base(in.Path)),
		item(msgCtDossier, name),
	)
	if d.SIREN != "" {
		form.AppendItem(item(msgCtSiren, report.Clean(d.SIREN)))
	}
	form.AppendItem(item(msgCtDate, i18n.DateTime(m.CreatedAt)))
	if m.Source.Description != "" {
		form.AppendItem(item(msgCtSource, report.Clean(m.Source.Description)))
	}
	form.AppendItem(item(msgCtSize, i18n.Bytes(in.Size)))
	enc := i18n.T(msgCtEncNo, nil)
	if m.Encrypted {
		enc = i18n.T(msgCtEncYes, nil)
	}
	form.AppendItem(item(msgCtEncrypted, enc))
	form.AppendItem(item(msgCtCheck, i18n.N(msgCtCheckText, int64(len(m.Parts)), nil)))
	if m.Stats.LastEntryDate != "" {
		form.AppendItem(item(msgCtLast, i18n.Date(report.Clean(m.Stats.LastEntryDate))))
	}
	if len(m.Sessions) > 0 {
		form.AppendItem(item(msgCtOpenBy, report.Sessions(m.Sessions)))
	}
	form.AppendItem(widget.NewFormItem(i18n.T(msgCtExercices, nil), exercicesBox(m)))
	return form
}

func exercicesBox(m *pack.Manifest) fyne.CanvasObject {
	box := container.NewVBox()
	for _, e := range m.Stats.Exercices {
		state := i18n.T(msgCtOpen, nil)
		switch {
		case e.Archive:
			state = i18n.T(msgCtArchived, nil)
		case e.Cloture:
			state = i18n.T(msgCtClosed, nil)
		}
		box.Add(wrapLabel(i18n.T(msgCtExLine, map[string]any{"Code": report.Clean(e.Code), "Debut": i18n.Date(report.Clean(e.Debut)), "Fin": i18n.Date(report.Clean(e.Fin)),
			"Etat": state, "Ecritures": i18n.N(msgCtEcritures, e.Ecritures, nil), "Lignes": i18n.N(msgCtLignes, e.Lignes, nil),
			"Debit": i18n.Money(e.Debit), "Credit": i18n.Money(e.Credit)})))
	}
	if len(box.Objects) == 0 {
		box.Add(wrapLabel(i18n.T(msgCtNoEx, nil)))
	}
	return box
}

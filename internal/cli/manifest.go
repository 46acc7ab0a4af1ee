package cli

import (
	"fmt"
	"io"
	"text/tabwriter"

	"coffre/internal/access"
	"coffre/internal/i18n"
	"coffre/internal/pack"
)

var (
	msgMfTitle     = &i18n.Message{ID: "MfTitre", Other: "Ce que contient cette sauvegarde : {{.File}} ({{.Size}})"}
	msgMfTitlePTF  = &i18n.Message{ID: "MfTitrePTF", Other: "Ce que contient ce transfert partiel : {{.File}} ({{.Size}})"}
	msgMfTitlePAF  = &i18n.Message{ID: "MfTitrePAF", Other: "Ce que contient cette archive d'exercices : {{.File}} ({{.Size}})"}
	msgMfDossier   = &i18n.Message{ID: "MfDossier", Other: "Dossier\t{{.Numero}} {{.Nom}} — {{.RaisonSociale}}"}
	msgMfSiren     = &i18n.Message{ID: "MfSiren", Other: "SIREN\t{{.Siren}}"}
	msgMfIdent     = &i18n.Message{ID: "MfIdentifiant", Other: "Identifiant\t{{.Id}}"}
	msgMfCreated   = &i18n.Message{ID: "MfCree", Other: "Créée le\t{{.When}} par {{.Tool}}"}
	msgMfSource    = &i18n.Message{ID: "MfSource", Other: "Source\t{{.Kind}} ({{.Where}})"}
	msgMfType      = &i18n.Message{ID: "MfType", Other: "Type\t{{.Kind}}, format {{.Format}}"}
	msgMfEncrypted = &i18n.Message{ID: "MfChiffre", Other: "Chiffrée\t{{.Yes}}"}
	msgMfSessions  = &i18n.Message{ID: "MfSessions", Other: "Ouvert pendant la sauvegarde\t{{.List}}"}
	msgMfNone      = &i18n.Message{ID: "MfAucune", Other: "personne"}
	msgMfLast      = &i18n.Message{ID: "MfDerniereEcriture", Other: "Dernière écriture\t{{.Date}}"}
	msgMfExHeader  = &i18n.Message{ID: "MfEnteteExercices", Other: "Exercice\tDu\tAu\tÉtat\tÉcritures\tLignes\tDébit\tCrédit"}
	msgMfClosed    = &i18n.Message{ID: "MfCloture", Other: "clôturé"}
	msgMfOpen      = &i18n.Message{ID: "MfOuvert", Other: "ouvert"}
	msgMfArchived  = &i18n.Message{ID: "MfArchive", Other: "archivé"}
	msgMfTables    = &i18n.Message{ID: "MfTables", Other: "Tables (lignes)"}
	msgMfParts     = &i18n.Message{ID: "MfParties", Other: "Parties (SHA-256)"}
	msgMfUnbal     = &i18n.Message{ID: "MfDesequilibre", Other: "Écritures déséquilibrées\t{{.Count}}"}
	msgYes         = &i18n.Message{ID: "Oui", Other: "oui"}
	msgNo          = &i18n.Message{ID: "Non", Other: "non"}
)

// WriteManifest prints a manifest for a person.
func WriteManifest(w io.Writer, file string, size int64, m *pack.Manifest) error {
	title := map[pack.Kind]*i18n.Message{pack.KindPTF: msgMfTitlePTF, pack.KindPAF: msgMfTitlePAF}[m.Kind]
	if title == nil {
		title = msgMfTitle
	}
	fmt.Fprintln(w, i18n.T(title, map[string]any{"File": file, "Size": i18n.Bytes(size)}))
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	d := m.Dossier
	fmt.Fprintln(tw, "  "+i18n.T(msgMfDossier, map[string]any{"Numero": d.Numero, "Nom": d.Nom, "RaisonSociale": d.RaisonSociale}))
	if d.SIREN != "" {
		fmt.Fprintln(tw, "  "+i18n.T(msgMfSiren, map[string]any{"Siren": d.SIREN}))
	}
	if d.Identifiant != "" {
		fmt.Fprintln(tw, "  "+i18n.T(msgMfIdent, map[string]any{"Id": d.Identifiant}))
	}
	fmt.Fprintln(tw, "  "+i18n.T(msgMfType, map[string]any{"Kind": string(m.Kind), "Format": m.Format}))
	fmt.Fprintln(tw, "  "+i18n.T(msgMfCreated, map[string]any{"When": i18n.DateTime(m.CreatedAt), "Tool": m.Tool}))
	fmt.Fprintln(tw, "  "+i18n.T(msgMfSource, map[string]any{"Kind": m.Source.Kind, "Where": m.Source.Description}))
	if info, ok := access.InfoOf(m); ok {
		fmt.Fprintln(tw, "  "+i18n.T(msgMfAccess, map[string]any{"Base": info.File, "Size": i18n.Bytes(info.Size)}))
	}
	yes := i18n.T(msgNo, nil)
	if m.Encrypted {
		yes = i18n.T(msgYes, nil)
	}
	fmt.Fprintln(tw, "  "+i18n.T(msgMfEncrypted, map[string]any{"Yes": yes}))
	sessions := i18n.T(msgMfNone, nil)
	if len(m.Sessions) > 0 {
		sessions = sessionList(m.Sessions)
	}
	fmt.Fprintln(tw, "  "+i18n.T(msgMfSessions, map[string]any{"List": sessions}))
	if m.Stats.LastEntryDate != "" {
		fmt.Fprintln(tw, "  "+i18n.T(msgMfLast, map[string]any{"Date": m.Stats.LastEntryDate}))
	}
	if m.Stats.Unbalanced > 0 {
		fmt.Fprintln(tw, "  "+i18n.T(msgMfUnbal, map[string]any{"Count": m.Stats.Unbalanced}))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(m.Stats.Exercices) > 0 {
		fmt.Fprintln(w)
		tw = tabwriter.NewWriter(w, 0, 2, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintln(tw, i18n.T(msgMfExHeader, nil)+"\t")
		for _, e := range m.Stats.Exercices {
			state := i18n.T(msgMfOpen, nil)
			if e.Archive {
				state = i18n.T(msgMfArchived, nil)
			} else if e.Cloture {
				state = i18n.T(msgMfClosed, nil)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t\n", e.Code, e.Debut, e.Fin, state, e.Ecritures, e.Lignes, i18n.Money(e.Debit), i18n.Money(e.Credit))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T(msgMfTables, nil))
	tw = tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	for _, t := range m.Stats.Tables {
		fmt.Fprintf(tw, "  %s\t%d\n", t.Name, t.Rows)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T(msgMfParts, nil))
	for _, p := range m.Parts {
		fmt.Fprintf(w, "  %s  %s  %s\n", p.Name, i18n.Bytes(p.Size), p.SHA256)
	}
	return nil
}

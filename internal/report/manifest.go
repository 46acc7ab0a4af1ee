package report

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"coffre/internal/access"
	"coffre/internal/archive"
	"coffre/internal/batch"
	"coffre/internal/i18n"
	"coffre/internal/pack"
)

var (
	msgMfTitle     = &i18n.Message{ID: "MfTitre", Other: "Ce que contient cette sauvegarde : {{.File}} ({{.Size}})"}
	msgMfTitlePTF  = &i18n.Message{ID: "MfTitrePTF", Other: "Ce que contient ce transfert partiel : {{.File}} ({{.Size}})"}
	msgMfTitlePAF  = &i18n.Message{ID: "MfTitrePAF", Other: "Ce que contient cette archive d'exercices : {{.File}} ({{.Size}})"}
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
	msgMfAccess    = &i18n.Message{ID: "MfAccess", Other: "Base Access\t{{.Base}} ({{.Size}}), copiée entière ; se restaure sous ce nom dans un dossier de fichiers"}
)

// Manifest prints a file's manifest for a person (« coffre contenu », the
// wizard's Contenu): what it holds, before anything is restored.
func Manifest(w io.Writer, file string, size int64, m *pack.Manifest) error {
	title := map[pack.Kind]*i18n.Message{pack.KindPTF: msgMfTitlePTF, pack.KindPAF: msgMfTitlePAF}[m.Kind]
	if title == nil {
		title = msgMfTitle
	}
	fmt.Fprintln(w, i18n.T(title, map[string]any{"File": file, "Size": i18n.Bytes(size)}))
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	d := m.Dossier
	fmt.Fprintln(tw, "  "+i18n.T(msgMfDossier, map[string]any{"Numero": Clean(d.Numero), "Nom": Clean(d.Nom), "RaisonSociale": Clean(d.RaisonSociale)}))
	if d.SIREN != "" {
		fmt.Fprintln(tw, "  "+i18n.T(msgMfSiren, map[string]any{"Siren": Clean(d.SIREN)}))
	}
	if d.Identifiant != "" {
		fmt.Fprintln(tw, "  "+i18n.T(msgMfIdent, map[string]any{"Id": Clean(d.Identifiant)}))
	}
	fmt.Fprintln(tw, "  "+i18n.T(msgMfType, map[string]any{"Kind": string(m.Kind), "Format": m.Format}))
	fmt.Fprintln(tw, "  "+i18n.T(msgMfCreated, map[string]any{"When": i18n.DateTime(m.CreatedAt), "Tool": Clean(m.Tool)}))
	fmt.Fprintln(tw, "  "+i18n.T(msgMfSource, map[string]any{"Kind": Clean(m.Source.Kind), "Where": Clean(m.Source.Description)}))
	if info, ok := access.InfoOf(m); ok {
		fmt.Fprintln(tw, "  "+i18n.T(msgMfAccess, map[string]any{"Base": Clean(info.File), "Size": i18n.Bytes(info.Size)}))
	}
	yes := i18n.T(msgNo, nil)
	if m.Encrypted {
		yes = i18n.T(msgYes, nil)
	}
	fmt.Fprintln(tw, "  "+i18n.T(msgMfEncrypted, map[string]any{"Yes": yes}))
	sessions := i18n.T(msgMfNone, nil)
	if len(m.Sessions) > 0 {
		sessions = Sessions(m.Sessions)
	}
	fmt.Fprintln(tw, "  "+i18n.T(msgMfSessions, map[string]any{"List": sessions}))
	if m.Stats.LastEntryDate != "" {
		fmt.Fprintln(tw, "  "+i18n.T(msgMfLast, map[string]any{"Date": Clean(m.Stats.LastEntryDate)}))
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
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\t%s\t\n", Clean(e.Code), Clean(e.Debut), Clean(e.Fin), state, e.Ecritures, e.Lignes, i18n.Money(e.Debit), i18n.Money(e.Credit))
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T(msgMfTables, nil))
	tw = tabwriter.NewWriter(w, 0, 2, 2, ' ', 0)
	for _, t := range m.Stats.Tables {
		fmt.Fprintf(tw, "  %s\t%d\n", Clean(t.Name), t.Rows)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T(msgMfParts, nil))
	for _, p := range m.Parts {
		fmt.Fprintf(w, "  %s  %s  %s\n", Clean(p.Name), i18n.Bytes(p.Size), Clean(p.SHA256))
	}
	return nil
}

// Contents is the manifest of file (size bytes) and, for an archive, the
// exercices it holds: what « Contenu » shows.
func Contents(w io.Writer, file string, size int64, m *pack.Manifest) error {
	if err := Manifest(w, filepath.Base(file), size, m); err != nil || m.Kind != pack.KindPAF {
		return err
	}
	return paf(w, file, m)
}

var (
	msgPAFTitle  = &i18n.Message{ID: "PAFTitre", Other: "Exercices archivés dans ce fichier"}
	msgPAFHeader = &i18n.Message{ID: "PAFEntete", Other: "Exercice\tDu\tAu\tÉcritures\tLignes\tAnnexes\tDébit\tCrédit\tÉcriture de solde"}
	msgPAFHint   = &i18n.Message{ID: "PAFAide", Other: "Pour les remettre dans le dossier : coffre desarchiver {{.File}} --connexion … --dossier {{.Numero}} [--exercices …]"}
)

// paf prints what only a PAF holds — its archived exercices and their
// balance entries — after the generic manifest.
func paf(w io.Writer, file string, m *pack.Manifest) error {
	info, err := archive.InfoOf(m, file)
	if err != nil {
		return err
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T(msgPAFTitle, nil))
	if err := PAFTable(w, info); err != nil {
		return err
	}
	fmt.Fprintln(w, i18n.T(msgPAFHint, map[string]any{"File": filepath.Base(file), "Numero": m.Dossier.Numero}))
	return nil
}

// PAFTable prints an archive's exercices, one per row.
func PAFTable(w io.Writer, info *archive.Info) error {
	tw := tabwriter.NewWriter(w, 0, 2, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, i18n.T(msgPAFHeader, nil)+"\t")
	for _, e := range info.Exercices {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\tOD n° %d\t\n", Clean(e.Code), Clean(e.Debut), Clean(e.Fin), e.Ecritures, e.Lignes, e.Annexes,
			i18n.Money(e.Debit), i18n.Money(e.Credit), e.BalanceNumero)
	}
	return tw.Flush()
}

// TitleContents heads the contents of files.
var TitleContents = &i18n.Message{ID: "UIResContenuOK", Other: "Contenu de la sauvegarde"}

// Inspected is one file whose manifest was read, for Inspections.
type Inspected struct {
	Path     string
	Size     int64
	Manifest *pack.Manifest
}

// Inspections is the summary of the contents of several files: their
// manifests as the text block, a line for each file that could not be read.
func Inspections(res batch.Result[Inspected]) Summary {
	s := Summary{Title: TitleContents, Facts: res, Err: res.Err()}
	var b strings.Builder
	for _, o := range res.Outcomes {
		s.Lines = append(s.Lines, ItemLines(o, res.Total, func(batch.Item, Inspected) []Line { return nil })...)
		if o.Status != batch.Done {
			continue
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		if err := Contents(&b, o.Result.Path, o.Result.Size, o.Result.Manifest); err != nil {
			s.Lines = append(s.Lines, warn(msgItemError, map[string]any{"Label": o.Item.Label, "Error": i18n.Described(err)}))
		}
	}
	s.Text = strings.TrimRight(b.String(), "\n")
	return s
}

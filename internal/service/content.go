package service

import (
	"slices"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

// The thresholds of a suspicious change between two backups of a dossier.
// Archiving (entries replaced by one balance entry) and cutting (old
// exercices moved away) legitimately shrink a dossier, so entries are only
// compared within exercices that are in both backups and not archived, and
// only a loss of more than half counts.
const (
	// minEntries is the least number of entries (or of rows, for a
	// database that is not a management dossier) worth comparing.
	minEntries = 20
	minRows    = 100
)

var (
	msgChangeEmpty     = &i18n.Message{ID: "ChangementVide", Other: "le fichier du dossier est vide : aucune table (la sauvegarde précédente en avait {{.From}})"}
	msgChangeEmptyNew  = &i18n.Message{ID: "ChangementVideSansPrecedente", Other: "le fichier du dossier est vide : aucune table"}
	msgChangeEmptied   = &i18n.Message{ID: "ChangementFichierVide", Other: "le fichier du dossier est vide (0 octet) : il ne contient plus aucune table (la sauvegarde précédente en avait {{.From}})"}
	msgChangeNoDossier = &i18n.Message{ID: "ChangementSansTableDossier", Other: "la table « dossier » a disparu : ce n'est plus un dossier du logiciel de gestion"}
	msgChangeIdentity  = &i18n.Message{ID: "ChangementIdentite", Other: "ce n'est plus le même dossier : identifiant {{.From}} devenu {{.To}}"}
	msgChangeSIREN     = &i18n.Message{ID: "ChangementSIREN", Other: "le SIREN est passé de {{.From}} à {{.To}}"}
	msgChangeExercices = &i18n.Message{ID: "ChangementExercices", Other: "le nombre d'exercices est passé de {{.From}} à {{.To}} (plus de la moitié ont disparu)"}
	msgChangeEntries   = &i18n.Message{ID: "ChangementEcritures", Other: "le nombre d'écritures des exercices non archivés est passé de {{.From}} à {{.To}} (plus de la moitié ont disparu)"}
	msgChangeRows      = &i18n.Message{ID: "ChangementLignes", Other: "le nombre de lignes de la base est passé de {{.From}} à {{.To}} (plus de la moitié ont disparu)"}
)

// compare says what makes cur, a new backup, suspicious compared with
// prev, the newest healthy backup of the same dossier (nil: none): an
// empty file, the `dossier` table gone, another identity, more than half
// of the exercices or of the entries gone. Nothing means it looks like the
// same dossier, grown or changed as accounting does.
func compare(prev, cur *Content) []i18n.Note {
	if cur == nil {
		return nil
	}
	if len(cur.Stats.Tables) == 0 {
		switch {
		case prev == nil:
			return []i18n.Note{i18n.NewNote(msgChangeEmptyNew, nil)}
		case len(prev.Stats.Tables) > 0:
			return []i18n.Note{i18n.NewNote(msgChangeEmpty, map[string]any{"From": len(prev.Stats.Tables)})}
		}
		return nil // an empty reference, accepted as such
	}
	if prev == nil {
		return nil
	}
	var out []i18n.Note
	if hasTable(prev.Stats, "dossier") && !hasTable(cur.Stats, "dossier") {
		out = append(out, i18n.NewNote(msgChangeNoDossier, nil))
	}
	if a, b := prev.Identity.Identifiant, cur.Identity.Identifiant; a != "" && b != "" && a != b {
		out = append(out, i18n.NewNote(msgChangeIdentity, map[string]any{"From": a, "To": b}))
	}
	if a, b := prev.Identity.SIREN, cur.Identity.SIREN; a != "" && b != "" && a != b {
		out = append(out, i18n.NewNote(msgChangeSIREN, map[string]any{"From": a, "To": b}))
	}
	if np, nc := len(prev.Stats.Exercices), len(cur.Stats.Exercices); nc*2 < np {
		out = append(out, i18n.NewNote(msgChangeExercices, map[string]any{"From": np, "To": nc}))
	}
	if ep, ec := commonEntries(prev.Stats, cur.Stats); ep >= minEntries && ec*2 < ep {
		out = append(out, i18n.NewNote(msgChangeEntries, map[string]any{"From": ep, "To": ec}))
	}
	if len(prev.Stats.Exercices) == 0 && len(cur.Stats.Exercices) == 0 {
		if rp, rc := rows(prev.Stats), rows(cur.Stats); rp >= minRows && rc*2 < rp {
			out = append(out, i18n.NewNote(msgChangeRows, map[string]any{"From": rp, "To": rc}))
		}
	}
	return out
}

func hasTable(s dossier.Stats, name string) bool {
	return slices.ContainsFunc(s.Tables, func(t dossier.TableCount) bool { return t.Name == name })
}

// commonEntries sums the entries of the exercices found in both, archived in
// neither.
func commonEntries(prev, cur dossier.Stats) (ep, ec int64) {
	now := map[string]dossier.ExerciceTotals{}
	for _, x := range cur.Exercices {
		now[x.Code] = x
	}
	for _, x := range prev.Exercices {
		y, ok := now[x.Code]
		if !ok || x.Archive || y.Archive {
			continue
		}
		ep += x.Ecritures
		ec += y.Ecritures
	}
	return ep, ec
}

func rows(s dossier.Stats) int64 {
	var n int64
	for _, t := range s.Tables {
		n += t.Rows
	}
	return n
}

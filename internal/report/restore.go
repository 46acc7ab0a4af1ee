package report

import (
	"coffre/internal/i18n"
	"coffre/internal/restore"
)

var (
	TitleRestore = &i18n.Message{ID: "UIResRestaurationOK", Other: "Restauration terminée"}

	msgRestored = &i18n.Message{ID: "ResRestaure", Other: "Dossier n° {{.Numero}} restauré : {{.File}}, en {{.Duration}}."}
	msgSafety   = &i18n.Message{ID: "CLISecurite", Other: "Sauvegarde de sécurité de l'ancien dossier : {{.File}}"}
)

// PlanNotes are what the engine says about a restore before it runs (a
// number other than the file's own, an export taken back without its E).
func PlanNotes(p restore.Plan) []Line { return notes(p.Notes) }

// Restore is the summary of a restore that ended with err.
func Restore(r restore.Result, err error) Summary {
	s := Summary{Title: TitleRestore, Facts: r, Err: err}
	if r.SafetyBackup != "" {
		s.Lines = append(s.Lines, info(msgSafety, map[string]any{"File": r.SafetyBackup}))
	}
	if err != nil {
		return s
	}
	s.Lines = append(PlanNotes(r.Plan), s.Lines...)
	s.Lines = append(s.Lines, warnings(r.Warnings)...)
	s.Lines = append(s.Lines, info(msgRestored, map[string]any{"Numero": r.Numero, "File": r.Path, "Duration": i18n.DurationArg(r.Duration)}))
	return s
}

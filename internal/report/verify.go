package report

import (
	"coffre/internal/access"
	"coffre/internal/batch"
	"coffre/internal/i18n"
	"coffre/internal/verify"
)

var (
	TitleVerify = &i18n.Message{ID: "UIResVerificationOK", Other: "Vérification réussie"}

	msgVerifyOK        = &i18n.Message{ID: "ResVerification", Other: "{{.File}} : correct ({{.Level}}) — dossier {{.Dossier}}, {{.Tables}}, {{.Exercices}}, en {{.Duration}}."}
	msgVerifyContainer = &i18n.Message{ID: "ResVerificationConteneur", Other: "{{.File}} : correct (fichier {{.Kind}} du dossier {{.Dossier}}) — sommes de contrôle et décompression correctes, en {{.Duration}}. Son contenu est contrôlé ligne à ligne quand il est appliqué."}
	msgVerifyAccess    = &i18n.Message{ID: "ResVerificationAccess", Other: "{{.File}} : correct (base Access {{.Base}}, copiée entière) — sommes de contrôle et décompression correctes, en {{.Duration}}. Une base Access n'a pas de contrôle SQLite."}
	msgLevelQuick      = &i18n.Message{ID: "NiveauRapide", Other: "niveau rapide"}
	msgLevelFull       = &i18n.Message{ID: "NiveauComplet", Other: "niveau complet"}
)

// VerifyLevel names a verification level.
func VerifyLevel(complete bool) string {
	if complete {
		return i18n.T(msgLevelFull, nil)
	}
	return i18n.T(msgLevelQuick, nil)
}

// Verify is the lines of one file's verification at the given level.
func Verify(complete bool) func(batch.Item, verify.Report) []Line {
	return func(it batch.Item, rep verify.Report) []Line {
		m := rep.Manifest
		d := map[string]any{"File": it.Label, "Duration": i18n.DurationArg(rep.Duration)}
		if m != nil {
			d["Dossier"], d["Kind"] = m.Dossier.Base(), string(m.Kind)
		}
		if rep.ContainerOnly {
			if a, ok := access.InfoOf(m); ok {
				d["Base"] = a.File
				return []Line{info(msgVerifyAccess, d)}
			}
			return []Line{info(msgVerifyContainer, d)}
		}
		d["Level"], d["Tables"], d["Exercices"] = i18n.Lazy(func() string { return VerifyLevel(complete) }), count(cntTables, len(rep.Stats.Tables)), count(cntExercices, len(rep.Stats.Exercices))
		return append([]Line{info(msgVerifyOK, d)}, warnings(rep.Warnings)...)
	}
}

// Verifications is the summary of the verification of several files.
func Verifications(res batch.Result[verify.Report], complete bool) Summary {
	return Batch(TitleVerify, res, Verify(complete))
}

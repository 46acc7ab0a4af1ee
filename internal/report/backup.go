package report

import (
	"path/filepath"
	"strings"

	"coffre/internal/backup"
	"coffre/internal/batch"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

var (
	TitleBackup = &i18n.Message{ID: "UIResSauvegardeOK", Other: "Sauvegarde terminée"}

	msgBackupFile   = &i18n.Message{ID: "ResSauvegarde", Other: "{{.Label}} : {{.File}} ({{.Size}}, en {{.Duration}}{{.Verified}})"}
	msgVerified     = &i18n.Message{ID: "UIResultatVerifiee", Other: ", vérifiée"}
	msgBackupDetail = &i18n.Message{ID: "CLIDetails", Other: "{{.File}} : {{.Size}} en {{.Total}} — ouverture {{.Read}}, compression et écriture {{.Compress}} (dont contrôle de la base en parallèle {{.Check}}), relecture et vérification {{.Verify}}"}
	msgSession      = &i18n.Message{ID: "ResSession", Other: "{{.Programme}} sur {{.Poste}} ({{.Utilisateur}})"}
	msgAccessBackup = &i18n.Message{ID: "CLIAccessSauvegardee", Other: "Base Access {{.Base}} sauvegardée entière ({{.Size}}{{.Verified}}) en {{.Duration}}."}
	msgAccessVerif  = &i18n.Message{ID: "CLIAccessVerifiee", Other: ", relue et vérifiée"}
)

// Sessions names the programs that had a dossier open: « Compta sur
// POSTE-2 (Marie), … ».
func Sessions(ss []dossier.Session) string {
	var parts []string
	for _, s := range ss {
		parts = append(parts, i18n.T(msgSession, map[string]any{"Programme": Clean(s.Programme), "Poste": Clean(s.Poste), "Utilisateur": Clean(s.Utilisateur)}))
	}
	return strings.Join(parts, ", ")
}

// Backup is the lines of one dossier's backup.
func Backup(it batch.Item, r backup.Result) []Line {
	v := i18n.Lazy(func() string {
		if r.Verified {
			return i18n.T(msgVerified, nil)
		}
		return ""
	})
	out := []Line{info(msgBackupFile, map[string]any{"Label": it.Label, "File": r.Path, "Size": i18n.BytesArg(r.Size), "Duration": i18n.DurationArg(r.Duration), "Verified": v})}
	out = append(out, warnings(r.Warnings)...)
	return append(out, warnNotes(r.Notes)...)
}

// BackupDetails says where a backup's time went (sauvegarder --details).
func BackupDetails(r backup.Result) Line {
	return info(msgBackupDetail, map[string]any{
		"File": filepath.Base(r.Path), "Size": i18n.BytesArg(r.Size), "Total": i18n.DurationArg(r.Duration),
		"Read": i18n.DurationArg(r.Phases["lecture"]), "Compress": i18n.DurationArg(r.Phases["compression"]),
		"Check": i18n.DurationArg(r.Phases["controle"]), "Verify": i18n.DurationArg(r.Phases["verification"]),
	})
}

// Backups is the summary of a backup of several dossiers.
func Backups(res batch.Result[backup.Result]) Summary {
	return Batch(TitleBackup, res, Backup)
}

// AccessBackup is the line of the Access database base, packed whole.
func AccessBackup(base string, r backup.Result) []Line {
	v := i18n.Lazy(func() string {
		if r.Verified {
			return i18n.T(msgAccessVerif, nil)
		}
		return ""
	})
	return []Line{info(msgAccessBackup, map[string]any{"Base": base, "Size": i18n.BytesArg(r.Size), "Verified": v, "Duration": i18n.DurationArg(r.Duration)})}
}

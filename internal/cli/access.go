package cli

import (
	"flag"
	"fmt"
	"path/filepath"

	"coffre/internal/access"
	"coffre/internal/backup"
	"coffre/internal/i18n"
	"coffre/internal/verify"
)

var (
	msgAccessOneFile  = &i18n.Message{ID: "CLIAccessSeule", Other: "une base Access (--fichier …mdb/.accdb) se sauvegarde seule : retirez --dossier"}
	msgVerifyAccess   = &i18n.Message{ID: "CLIVerificationAccess", Other: "Vérification réussie : {{.File}} (base Access {{.Base}}, copiée entière) — sommes de contrôle et décompression correctes, en {{.Duration}}. Une base Access n'a pas de contrôle SQLite."}
	msgMfAccess       = &i18n.Message{ID: "MfAccess", Other: "Base Access\t{{.Base}} ({{.Size}}), copiée entière ; se restaure sous ce nom dans un dossier de fichiers"}
	msgAccessBackedUp = &i18n.Message{ID: "CLIAccessSauvegardee", Other: "Base Access {{.Base}} sauvegardée entière ({{.Size}}{{.Verified}}) en {{.Duration}}."}
	msgAccessVerified = &i18n.Message{ID: "CLIAccessVerifiee", Other: ", relue et vérifiée"}
)

// backupAccess is sauvegarder --fichier X.mdb: the Access database is
// packed whole, and only while no .ldb/.laccdb lock file says it is open.
// Access files are reached through --fichier only: a folder connexion
// lists SQLite dossiers.
func backupAccess(env *Env, fs *flag.FlagSet, file, dest, pass string) error {
	if str(fs, "dossier") != "" {
		return usagef(msgAccessOneFile, nil)
	}
	res, err := backup.RunAccess(env.Ctx, backup.AccessRequest{
		File: file, DestDir: dest, Name: str(fs, "nom"), Passphrase: pass, Verify: boolean(fs, "verifier"), Progress: env.progress(),
	})
	env.endProgress()
	if err != nil {
		return err
	}
	fmt.Fprintln(env.Stdout, res.Path)
	verified := ""
	if res.Verified {
		verified = i18n.T(msgAccessVerified, nil)
	}
	fmt.Fprintln(env.Stderr, i18n.T(msgAccessBackedUp, map[string]any{
		"Base": filepath.Base(file), "Size": i18n.Bytes(res.Size), "Verified": verified, "Duration": i18n.Duration(res.Duration),
	}))
	return nil
}

// printAccessVerified reports the verification of an Access backup; false
// when rep is not one.
func printAccessVerified(env *Env, file string, rep verify.Report) bool {
	info, ok := access.InfoOf(rep.Manifest)
	if !ok {
		return false
	}
	fmt.Fprintln(env.Stdout, i18n.T(msgVerifyAccess, map[string]any{"File": filepath.Base(file), "Base": info.File, "Duration": i18n.Duration(rep.Duration)}))
	return true
}

package batch

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/store"
)

var (
	msgSomeFailed = &i18n.Message{ID: "LotEchecs", One: "{{.Count}} sauvegarde sur {{.Total}} a échoué : {{.First}}", Other: "{{.Count}} sauvegardes sur {{.Total}} ont échoué ; la première : {{.First}}"}
	msgNothing    = &i18n.Message{ID: "LotRien", Other: "Aucun dossier à sauvegarder."}
	msgNoDest     = &i18n.Message{ID: "LotDestinationAbsente", Other: "L'emplacement « {{.Dir}} » n'existe pas."}
	msgBadName    = &i18n.Message{ID: "LotNomInvalide", Other: "Nom invalide « {{.Name}} » : pas de / \\ : * ? \" < > |, ni de nom vide."}
)

// Request is a backup of several dossiers of one connexion.
type Request struct {
	Store   store.Store
	Numeros []string
	DestDir string
	// Name is the file's base name; only used when there is one dossier
	// ("" = the default « 001-SOC_AAAAMMJJ_HHMM »).
	Name       string
	Verify     bool
	Passphrase string
	Progress   dossier.Progress
	// Started is told, from the working goroutine, which dossier starts
	// (index from 0).
	Started func(index int, numero string)
}

// Item is what happened to one dossier.
type Item struct {
	Numero string
	Result backup.Result
	Err    error
}

// Backup backs up each dossier in turn, going on after a failure so one
// damaged dossier does not cost the others their backup. It stops at once on
// cancellation (returning ctx's error, with nothing of the current dossier
// left). The error, when some failed, is a user-facing summary.
func Backup(ctx context.Context, req Request) ([]Item, error) {
	if len(req.Numeros) == 0 {
		return nil, i18n.E(msgNothing, nil, nil)
	}
	var items []Item
	var failed []Item
	for i, n := range req.Numeros {
		if err := ctx.Err(); err != nil {
			return items, err
		}
		if req.Started != nil {
			req.Started(i, n)
		}
		name := ""
		if len(req.Numeros) == 1 {
			name = req.Name
		}
		res, err := backup.Run(ctx, backup.Request{
			Source: store.InStore(req.Store, n), DestDir: req.DestDir, Name: name,
			Verify: req.Verify, Passphrase: req.Passphrase, Progress: req.Progress,
		})
		if errors.Is(err, context.Canceled) {
			return items, err
		}
		it := Item{Numero: n, Result: res, Err: err}
		items = append(items, it)
		if err != nil {
			failed = append(failed, it)
		}
	}
	switch {
	case len(failed) == 1 && len(items) == 1:
		return items, failed[0].Err
	case len(failed) > 0:
		first := fmt.Sprintf("%s : %s", failed[0].Numero, i18n.Describe(failed[0].Err))
		return items, i18n.E(msgSomeFailed, map[string]any{"Count": len(failed), "Total": len(items), "First": first}, failed[0].Err)
	}
	return items, nil
}

// ExitName is the name the exit-time prompt proposes: the dossier's backup
// name when there is one dossier, otherwise the name of a folder that will
// hold one file per dossier: « Sauvegarde_AAAAMMJJ_HHMM ».
func ExitName(list []dossier.Info, now time.Time) string {
	if len(list) == 1 && dossier.ValidNumero(list[0].Numero) && dossier.ValidNom(list[0].Nom) {
		return dossier.BackupName(list[0].Numero, list[0].Nom, now)
	}
	return "Sauvegarde_" + now.Format("20060102_1504")
}

// ExitTarget says where the exit-time backup of count dossiers goes, given
// the chosen folder and name: one dossier is the file dest/name.pbf; several
// go into the new folder dest/name, each under its default name. It creates
// that folder.
func ExitTarget(dest, name string, count int) (dir, fileName string, err error) {
	if !backup.ValidName(name) {
		return "", "", i18n.E(msgBadName, map[string]any{"Name": name}, nil)
	}
	if fi, err := os.Stat(dest); err != nil || !fi.IsDir() {
		return "", "", i18n.E(msgNoDest, map[string]any{"Dir": dest}, dossier.ErrNotFound)
	}
	if count == 1 {
		return dest, name, nil
	}
	dir = filepath.Join(dest, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", "", err
	}
	return dir, "", nil
}

package batch

import (
	"os"
	"path/filepath"
	"time"

	"coffre/internal/backup"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

var (
	msgNoDest  = &i18n.Message{ID: "LotDestinationAbsente", Other: "L'emplacement « {{.Dir}} » n'existe pas."}
	msgBadName = &i18n.Message{ID: "LotNomInvalide", Other: "Nom invalide « {{.Name}} » : pas de / \\ : * ? \" < > |, ni de nom vide."}
)

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

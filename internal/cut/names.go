package cut

import (
	"coffre/internal/dossier"
	"coffre/internal/store"
)

// NextName is the file name (with .db) the next cut of dossier id into
// destDir will get, as Run numbers it: 001SOC_CUT001.db, then _CUT002…
func NextName(s store.Store, id dossier.Identity, destDir string) string {
	return dossier.CutName(id.Numero, id.Nom, nextSequence(id, destDir, s.Describe().Location)) + dossier.ExtDB
}

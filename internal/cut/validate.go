package cut

import (
	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

var msgNeedFirst = &i18n.Message{ID: "DecoupePremierRequis", Other: "Indiquez le premier exercice que le dossier garde."}

// Validate says why the request cannot run, as the wizard's Options step
// and the command line both ask: a dossier, the first exercice kept, and a
// destination folder that exists.
func (req Request) Validate() error {
	if err := dossier.CheckNumero(req.Numero); err != nil {
		return err
	}
	if req.FirstKept == "" {
		return dossier.MissingField(dossier.FieldFirstKept, msgNeedFirst)
	}
	if err := dossier.CheckSafetyDir(req.SafetyDir); err != nil {
		return err
	}
	return dossier.CheckDestination(req.DestDir)
}

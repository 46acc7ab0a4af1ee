package restore

import "coffre/internal/dossier"

// Validate says why the request cannot run, as the wizard and the command
// line both ask: a file, and a valid number when one is chosen.
func (req Request) Validate() error {
	if err := dossier.CheckFile(req.File); err != nil {
		return err
	}
	if req.Numero != "" && !dossier.ValidNumero(req.Numero) {
		return dossier.BadField(dossier.FieldNumero, dossier.ErrBadNumero)
	}
	return dossier.CheckSafetyDir(req.SafetyDir)
}

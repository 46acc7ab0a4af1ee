package archive

import "coffre/internal/dossier"

// Validate says why the request cannot run, as the wizard's Options step
// and the command line both ask: a dossier and a destination folder that
// exists.
func (req Request) Validate() error {
	if err := dossier.CheckNumero(req.Numero); err != nil {
		return err
	}
	if err := dossier.CheckSafetyDir(req.SafetyDir); err != nil {
		return err
	}
	return dossier.CheckDestination(req.DestDir)
}

// Validate says why the request cannot run: an archive file and a dossier.
func (req RestoreRequest) Validate() error {
	if err := dossier.CheckFile(req.File); err != nil {
		return err
	}
	if err := dossier.CheckSafetyDir(req.SafetyDir); err != nil {
		return err
	}
	return dossier.CheckNumero(req.Numero)
}

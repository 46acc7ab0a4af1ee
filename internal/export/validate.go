package export

import "coffre/internal/dossier"

// Validate says why the request cannot run, as the wizard's Options step
// and the command line both ask: a dossier and, when one is given (the
// default is the connexion itself), a destination folder that exists.
func (req Request) Validate() error {
	if err := dossier.CheckNumero(req.Numero); err != nil {
		return err
	}
	if req.DestDir == "" {
		return nil
	}
	return dossier.CheckDestination(req.DestDir)
}

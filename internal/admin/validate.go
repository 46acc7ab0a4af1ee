package admin

import "coffre/internal/dossier"

// Validate says why the request cannot run, as the wizard's Options step
// and the command line both ask: at least one exercice, and a destination
// folder that exists.
func (req Request) Validate() error {
	if len(req.Exercices) == 0 {
		return dossier.MissingField(dossier.FieldExercices, msgNeedExercices)
	}
	return dossier.CheckDestination(req.DestDir)
}

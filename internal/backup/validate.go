package backup

import (
	"coffre/internal/dossier"
	"coffre/internal/fsutil"
	"coffre/internal/i18n"
	"coffre/internal/secret"
)

// Validate says why the request cannot run, as the wizard's Options step
// and the command line both ask: a destination folder that exists, and a
// file name every system accepts. (Which dossier is the caller's choice:
// the command line's --dossier or --fichier, the wizard's Dossiers step.)
func (req Request) Validate() error {
	if err := checkNewPassphrase(req.Passphrase); err != nil {
		return err
	}
	return checkTarget(req.DestDir, req.Name)
}

// Validate is Request.Validate for an Access database.
func (req AccessRequest) Validate() error {
	if err := dossier.CheckFile(req.File); err != nil {
		return err
	}
	if err := checkNewPassphrase(req.Passphrase); err != nil {
		return err
	}
	return checkTarget(req.DestDir, req.Name)
}

// checkNewPassphrase holds a phrase chosen for new backups, whichever way
// it came, to the stated minimum.
func checkNewPassphrase(pass string) error {
	if pass == "" {
		return nil
	}
	return secret.CheckNew(pass)
}

func checkTarget(dest, name string) error {
	if err := dossier.CheckDestination(dest); err != nil {
		return err
	}
	if name != "" && !ValidName(name) {
		return dossier.BadField(dossier.FieldName, i18n.E(msgBadName, map[string]any{"Name": name}, nil))
	}
	// Length and Windows device names (CON, aux.2025…), with room for _999.
	if name != "" {
		if err := fsutil.CheckName(name + dossier.ExtPBF); err != nil {
			return dossier.BadField(dossier.FieldName, err)
		}
	}
	return nil
}

package service

import (
	"coffre/internal/config"
	"coffre/internal/i18n"
	"coffre/internal/secret"
)

var msgNotEncrypted = &i18n.Message{ID: "FicheSansChiffrement", Other: "Les sauvegardes automatiques ne sont pas chiffrées (sauvegarde_automatique.chiffrement est vide) : il n'y a pas de fiche de secours à imprimer."}

// RecoverySheet is the sheet to print for cfg's encrypted backups, the
// same for the command line and the Configuration screen. identity is the
// private key just made (NewAgeKey), "" when it is not on this machine.
func (e *Engine) RecoverySheet(cfg config.Config, identity string) (secret.Sheet, error) {
	in := secret.SheetInput{Poste: e.Poste, Date: e.now(), Destination: cfg.Auto.DestinationDir(), Distant: DescribeRemote(cfg.Distant)}
	switch cfg.Auto.Chiffrement {
	case config.ChiffrementPhrase:
		p, _, err := cfg.Auto.Encryption(e.Secrets)
		if err != nil {
			return secret.Sheet{}, err
		}
		in.Phrase = p
	case config.ChiffrementCle:
		in.Recipient, in.Identity = cfg.Auto.CleAge, identity
	default:
		return secret.Sheet{}, i18n.E(msgNotEncrypted, nil, nil)
	}
	return secret.RecoverySheet(in), nil
}

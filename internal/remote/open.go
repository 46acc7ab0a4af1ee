package remote

import (
	"context"
	"errors"
	"os"

	"coffre/internal/config"
	"coffre/internal/i18n"
)

var (
	msgNoPassword = &i18n.Message{ID: "SFTPMotDePasseAbsent", Other: "Aucun mot de passe SFTP n'est enregistré : saisissez-le dans l'écran Configuration (copie distante)."}
	msgNoFolder   = &i18n.Message{ID: "DistantDossierAbsent", Other: "Le dossier réseau « {{.Dir}} » est inaccessible : vérifiez qu'il est branché et partagé."}
)

// Options turns the configuration into connection options, reading the
// password from secrets when the password method is chosen.
func Options(d config.Distant, secrets config.Secrets) (SFTPOptions, error) {
	o := SFTPOptions{Host: d.Hote, Port: d.Port, User: d.Utilisateur, KnownHosts: d.KnownHostsFile(), Dir: d.Chemin}
	if d.Authentication == config.AuthMotDePasse {
		pw, err := secrets.Get(config.SecretSFTP)
		if errors.Is(err, config.ErrNoSecret) {
			return o, i18n.E(msgNoPassword, nil, err)
		}
		if err != nil {
			return o, err
		}
		o.Password = pw
	} else {
		o.KeyFile = d.Cle
	}
	return o, nil
}

// Open connects to the configured offsite destination.
func Open(ctx context.Context, d config.Distant, secrets config.Secrets) (Backend, error) {
	switch d.Type {
	case config.DistantSFTP:
		o, err := Options(d, secrets)
		if err != nil {
			return nil, err
		}
		return DialSFTP(ctx, o)
	case config.DistantDossier:
		if fi, err := os.Stat(d.Dossier); err != nil || !fi.IsDir() {
			return nil, i18n.E(msgNoFolder, map[string]any{"Dir": d.Dossier}, err)
		}
		return Folder{Dir: d.Dossier}, nil
	}
	return nil, errors.New("remote: no offsite copy configured")
}

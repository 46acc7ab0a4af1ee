package remote

import (
	"context"
	"errors"
	"os"
	"time"

	"coffre/internal/config"
	"coffre/internal/i18n"
)

var (
	msgNoPassword = &i18n.Message{ID: "SFTPMotDePasseAbsent", Other: "Aucun mot de passe SFTP n'est enregistré : saisissez-le dans l'écran Configuration (copie distante)."}
	msgNoFolder   = &i18n.Message{ID: "DistantDossierAbsent", Other: "Le dossier réseau « {{.Dir}} » est inaccessible : vérifiez qu'il est branché et partagé."}
	msgNoRemote   = &i18n.Message{ID: "DistantNonConfiguree", Other: "Aucune copie distante n'est configurée : choisissez-en une dans l'écran Configuration (copie distante)."}
)

// ErrNotConfigured is wrapped by Open when coffre.toml names no offsite
// destination.
var ErrNotConfigured = errors.New("remote: no offsite copy configured")

// Options turns the configuration into connection options, reading the
// password from secrets when the password method is chosen.
func Options(d config.Distant, secrets config.Secrets) (SFTPOptions, error) {
	o := SFTPOptions{Host: d.Hote, Port: d.Port, User: d.Utilisateur, KnownHosts: d.KnownHostsFile(), Dir: d.Chemin, Timeout: Stall(d)}
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

// Stall is the configured stall timeout (copie_distante.blocage_secondes).
func Stall(d config.Distant) time.Duration {
	if d.BlocageSecondes > 0 {
		return time.Duration(d.BlocageSecondes) * time.Second
	}
	return DefaultStall
}

// Open connects to the configured offsite destination. The backend it
// returns has every operation under the stall timeout (Guard).
func Open(ctx context.Context, d config.Distant, secrets config.Secrets) (Backend, error) {
	stall := Stall(d)
	switch d.Type {
	case config.DistantSFTP:
		o, err := Options(d, secrets)
		if err != nil {
			return nil, err
		}
		s, err := DialSFTP(ctx, o)
		if err != nil {
			return nil, err
		}
		return Guard(s, stall), nil
	case config.DistantDossier:
		g := Guard(Folder{Dir: d.Dossier}, stall).(*guarded)
		// A share that stopped answering blocks even a stat.
		err := g.call(OpConnect, "", func() error {
			if fi, err := os.Stat(d.Dossier); err != nil || !fi.IsDir() {
				return i18n.E(msgNoFolder, map[string]any{"Dir": d.Dossier}, &Error{Cause: CauseNotFound, Op: OpConnect, Dest: d.Dossier, Err: err})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		return g, nil
	}
	return nil, i18n.E(msgNoRemote, nil, ErrNotConfigured)
}

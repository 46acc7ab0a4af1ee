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
	msgNoPassword = &i18n.Message{ID: "SFTPMotDePasseAbsent", Other: "Aucun mot de passe SFTP n'est enregistré : saisissez-le dans l'écran Configuration (copie distante)."}
	msgNoFolder   = &i18n.Message{ID: "DistantDossierAbsent", Other: "Le dossier réseau « {{.Dir}} » est inaccessible : vérifiez qu'il est branché et partagé."}
	msgNoS3Secret = &i18n.Message{ID: "S3SecretAbsent", Other: "Aucune clé secrète S3 n'est enregistrée : saisissez-la dans l'écran Configuration (copie distante) ou avec « coffre service mot-de-passe --s3-fichier »."}
	msgNoWebDAVPw = &i18n.Message{ID: "WebDAVMotDePasseAbsent", Other: "Aucun mot de passe WebDAV n'est enregistré : saisissez-le dans l'écran Configuration (copie distante) ou avec « coffre service mot-de-passe --webdav-fichier »."}
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
	case config.DistantS3:
		key, err := storedSecret(secrets, config.SecretS3, msgNoS3Secret)
		if err != nil {
			return nil, err
		}
		style := StyleAuto
		switch d.Style {
		case config.StyleChemin:
			style = StylePath
		case config.StyleHote:
			style = StyleVirtualHost
		}
		s, err := DialS3(ctx, S3Options{Endpoint: d.Adresse, Region: d.Region, Bucket: d.Compartiment, Prefix: d.Prefixe,
			AccessKey: d.CleAcces, SecretKey: key, Style: style, Timeout: stall})
		if err != nil {
			return nil, err
		}
		return Guard(s, stall), nil
	case config.DistantWebDAV:
		pw, err := storedSecret(secrets, config.SecretWebDAV, msgNoWebDAVPw)
		if err != nil {
			return nil, err
		}
		w, err := DialWebDAV(ctx, WebDAVOptions{URL: d.Adresse, User: d.Utilisateur, Password: pw, Timeout: stall})
		if err != nil {
			return nil, err
		}
		return Guard(w, stall), nil
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

// storedSecret reads a password from the secret store, missing saying so.
func storedSecret(secrets config.Secrets, name string, missing *i18n.Message) (string, error) {
	v, err := secrets.Get(name)
	if errors.Is(err, config.ErrNoSecret) {
		return "", i18n.E(missing, nil, err)
	}
	return v, err
}

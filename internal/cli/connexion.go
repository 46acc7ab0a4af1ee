package cli

import (
	"flag"
	"strings"

	"coffre/internal/connexion"
	"coffre/internal/i18n"
	"coffre/internal/store"
)

var (
	msgFlagUser     = &i18n.Message{ID: "FlagUtilisateur", Other: "utilisateur du serveur SQL (connexion odbc:…)"}
	msgFlagPassFile = &i18n.Message{ID: "FlagMotDePasseFichier", Other: "fichier dont la première ligne est le mot de passe du serveur SQL (jamais sur la ligne de commande, où d'autres le verraient)"}
)

// connexionFlags declares --connexion and, for a server, --utilisateur and
// --mot-de-passe-fichier, on every verb that opens a connexion.
func connexionFlags(fs *flag.FlagSet) {
	fs.String("connexion", "", i18n.T(msgFlagConnexion, nil))
	fs.String("utilisateur", "", i18n.T(msgFlagUser, nil))
	fs.String("mot-de-passe-fichier", "", i18n.T(msgFlagPassFile, nil))
}

// openConnexion opens the connexion the flags name. A server's password is
// read from a file, so it never shows in the process list, and reaches the
// connection string only through the engine's quoting helper.
func openConnexion(env *Env, fs *flag.FlagSet) (store.Store, error) {
	spec := str(fs, "connexion")
	if !connexion.IsODBC(spec) {
		return connexion.Open(spec)
	}
	pass, err := readPassphrase(str(fs, "mot-de-passe-fichier"))
	if err != nil {
		return nil, err
	}
	server := strings.TrimSpace(spec[len(connexion.ODBCPrefix):])
	return connexion.Spec{Server: server, User: str(fs, "utilisateur"), Password: pass}.Open(env.Ctx)
}

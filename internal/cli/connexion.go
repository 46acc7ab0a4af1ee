package cli

import (
	"flag"
	"os"
	"slices"
	"strings"

	"coffre/internal/connexion"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/pack"
	"coffre/internal/paths"
	"coffre/internal/secret"
	"coffre/internal/store"
)

var (
	msgFlagConnexion = &i18n.Message{ID: "FlagConnexion", Other: "connexion : un dossier de fichiers .db, ou odbc:<chaîne de connexion> (défaut : les dossiers de Coffre)"}
	msgFlagUser      = &i18n.Message{ID: "FlagUtilisateur", Other: "utilisateur du serveur SQL (connexion odbc:…)"}
	msgFlagPassFile  = &i18n.Message{ID: "FlagMotDePasseFichier", Other: "fichier dont la première ligne est le mot de passe du serveur SQL (jamais sur la ligne de commande, où d'autres le verraient)"}
	msgFlagDossier   = &i18n.Message{ID: "FlagDossier", Other: "numéros de dossier, séparés par des virgules : 1,2,15 (l'option peut être répétée)"}
	msgFlagUnDossier = &i18n.Message{ID: "FlagUnDossier", Other: "numéro du dossier : 1 ou 001"}
	msgFlagSecurite  = &i18n.Message{ID: "FlagSecurite", Other: "dossier des sauvegardes de sécurité"}
	msgFlagPhrase    = &i18n.Message{ID: "FlagPhrase", Other: "fichier dont la première ligne est la phrase secrète (chiffrement)"}
	msgFlagJSON      = &i18n.Message{ID: "FlagJSON", Other: "afficher au format JSON"}

	msgOneDossier  = &i18n.Message{ID: "CLIUnDossier", Other: "indiquez un seul dossier avec --dossier"}
	msgNeedDossier = &i18n.Message{ID: "CLIDossierRequis", Other: "indiquez le ou les dossiers avec --dossier"}
)

// connexionOpts are --connexion and, for a server, --utilisateur and
// --mot-de-passe-fichier, on every verb that opens a connexion.
type connexionOpts struct {
	spec, user, passFile string
}

func (c *connexionOpts) flags(fs *flag.FlagSet) {
	fs.StringVar(&c.spec, "connexion", "", i18n.T(msgFlagConnexion, nil))
	fs.StringVar(&c.user, "utilisateur", "", i18n.T(msgFlagUser, nil))
	fs.StringVar(&c.passFile, "mot-de-passe-fichier", "", i18n.T(msgFlagPassFile, nil))
}

// open opens the connexion. A server's password is read from a file, so it
// never shows in the process list, and reaches the connection string only
// through the engine's quoting helper.
func (c *connexionOpts) open(env *Env) (store.Store, error) {
	if !connexion.IsODBC(c.spec) {
		return connexion.Open(c.spec)
	}
	pass, err := readPassphrase(c.passFile)
	if err != nil {
		return nil, err
	}
	server := strings.TrimSpace(c.spec[len(connexion.ODBCPrefix):])
	return connexion.Spec{Server: server, User: c.user, Password: pass}.Open(env.Ctx)
}

// numeros is --dossier: one or more numbers, comma-separated; the option
// may be repeated and its values merge (« --dossier 8 --dossier 7 » is 008
// and 007, each once).
type numeros []string

func (n *numeros) String() string { return strings.Join(*n, ",") }

func (n *numeros) Set(s string) error {
	ns, err := dossier.ParseNumeros(s)
	if err != nil {
		return err
	}
	for _, x := range ns {
		if !slices.Contains(*n, x) {
			*n = append(*n, x)
		}
	}
	slices.Sort(*n)
	return nil
}

// first is the first number given ("" for none): the request checked
// before the run differs from one dossier to the next only by it.
func first(ns numeros) string {
	if len(ns) == 0 {
		return ""
	}
	return ns[0]
}

// one is the only number given.
func (n numeros) one() (string, error) {
	if len(n) != 1 {
		return "", usagef(msgOneDossier, nil)
	}
	return n[0], nil
}

// codes is a list of exercice codes (--exercices 2015,2016); repeated
// options merge.
type codes []string

func (c *codes) String() string { return strings.Join(*c, ",") }

func (c *codes) Set(s string) error {
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" && !slices.Contains(*c, f) {
			*c = append(*c, f)
		}
	}
	return nil
}

// safetyOpt is --securite, the folder of safety backups.
type safetyOpt string

func (s *safetyOpt) flags(fs *flag.FlagSet) {
	fs.StringVar((*string)(s), "securite", "", i18n.T(msgFlagSecurite, nil))
}

func (s safetyOpt) dir() string {
	if s != "" {
		return string(s)
	}
	return paths.Safety()
}

// jsonOpt is --json: the result as one JSON document on stdout.
type jsonOpt bool

func (j *jsonOpt) flags(fs *flag.FlagSet) {
	fs.BoolVar((*bool)(j), "json", false, i18n.T(msgFlagJSON, nil))
}

// passOpt is --phrase-secrete-fichier.
type passOpt string

func (p *passOpt) flags(fs *flag.FlagSet) {
	fs.StringVar((*string)(p), "phrase-secrete-fichier", "", i18n.T(msgFlagPhrase, nil))
}

func (p passOpt) read() (string, error) { return readPassphrase(string(p)) }

// openOpt is what opens an encrypted file: --phrase-secrete-fichier or
// --identite-fichier (an age private key, passed on as the passphrase,
// which pack tells apart).
type openOpt struct {
	pass     passOpt
	identity string
}

func (o *openOpt) flags(fs *flag.FlagSet) {
	o.pass.flags(fs)
	fs.StringVar(&o.identity, "identite-fichier", "", i18n.T(msgFlagIdentite, nil))
}

func (o openOpt) read() (string, error) {
	if o.identity == "" {
		return o.pass.read()
	}
	if o.pass != "" {
		return "", usagef(msgPhraseOrKey, nil)
	}
	b, err := os.ReadFile(o.identity)
	if err != nil {
		return "", i18n.E(msgIdentityFile, map[string]any{"File": o.identity}, err)
	}
	defer secret.Wipe(b)
	secret.Protect()
	return pack.IdentityFromText(strings.TrimPrefix(string(b), "\uFEFF"))
}

var (
	msgFlagIdentite = &i18n.Message{ID: "FlagIdentite", Other: "fichier de la clé privée age (« AGE-SECRET-KEY-1… », de la fiche de secours) d'une sauvegarde chiffrée pour une clé"}
	msgPhraseOrKey  = &i18n.Message{ID: "CLIPhraseOuCle", Other: "Indiquez soit --phrase-secrete-fichier, soit --identite-fichier, pas les deux."}
	msgIdentityFile = &i18n.Message{ID: "CLIIdentiteFichier", Other: "Impossible de lire le fichier de clé « {{.File}} »."}
)

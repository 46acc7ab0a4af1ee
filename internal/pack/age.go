package pack

import (
	"strings"

	"filippo.io/age"

	"coffre/internal/i18n"
)

var (
	msgNeedIdentity     = &i18n.Message{ID: "PackCleRequise", Other: "Ce fichier est chiffré pour une clé (X25519) d'age, pas avec une phrase secrète : indiquez le fichier de la clé privée (--identite-fichier, la ligne « AGE-SECRET-KEY-1… » de la fiche de secours)."}
	msgNeedPhraseNotKey = &i18n.Message{ID: "PackPhraseRequise", Other: "Ce fichier est chiffré avec une phrase secrète, pas pour une clé age : indiquez la phrase secrète (--phrase-secrete-fichier)."}
	msgWrongIdentity    = &i18n.Message{ID: "PackCleIncorrecte", Other: "Cette clé privée age n'ouvre pas ce fichier : il a été chiffré pour une autre clé."}
	msgBadIdentity      = &i18n.Message{ID: "PackCleIllisible", Other: "Clé privée age illisible : la ligne doit commencer par « AGE-SECRET-KEY-1 »."}
	msgBadRecipient     = &i18n.Message{ID: "PackDestinataireIllisible", Other: "Clé publique age invalide « {{.Value}} » : elle doit commencer par « age1 » (commande « age-keygen »)."}
)

// IsIdentity reports whether a secret given where a passphrase is expected
// is an age X25519 private key: one field carries either, from the command
// line (--identite-fichier), the wizard or the service, down to Read.
func IsIdentity(s string) bool { return strings.HasPrefix(s, "AGE-SECRET-KEY-1") }

// ParseRecipient reads an age X25519 public key (« age1… »).
func ParseRecipient(s string) (*age.X25519Recipient, error) {
	r, err := age.ParseX25519Recipient(strings.TrimSpace(s))
	if err != nil {
		return nil, i18n.E(msgBadRecipient, map[string]any{"Value": s}, err)
	}
	return r, nil
}

// IdentityFromText finds the private key in the text of an identity file
// (age-keygen's output: comments, then « AGE-SECRET-KEY-1… »).
func IdentityFromText(text string) (string, error) {
	ids, err := age.ParseIdentities(strings.NewReader(text))
	if err == nil {
		for _, id := range ids {
			if x, ok := id.(*age.X25519Identity); ok {
				return x.String(), nil
			}
		}
	}
	return "", i18n.E(msgBadIdentity, nil, err)
}

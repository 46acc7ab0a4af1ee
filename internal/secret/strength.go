package secret

import (
	"unicode"
	"unicode/utf8"

	"coffre/internal/i18n"
)

// The minimum a new passphrase must meet. Backups are encrypted with age's
// scrypt (work factor 2^18): against an offline guesser, length is what
// counts, so the rule is about length, plus enough different characters to
// refuse « aaaaaaaaaa ». Old backups are still read with any phrase: the
// rule applies only when a phrase is chosen.
const (
	MinLength   = 10
	MinDistinct = 5
)

var msgWeak = &i18n.Message{ID: "PhraseSecreteFaible", Other: "La phrase secrète doit avoir au moins {{.Min}} caractères, dont {{.Distinct}} différents, sans compter les espaces (une courte phrase de plusieurs mots convient : « trois chats sur le toit »)."}

// CheckNew refuses, in French, a passphrase chosen for new backups that is
// shorter than MinLength characters or has fewer than MinDistinct different
// characters besides spaces. The wizard, the command line and the service
// all call it before encrypting.
func CheckNew(p string) error {
	distinct := map[rune]bool{}
	for _, r := range p {
		if !unicode.IsSpace(r) {
			distinct[r] = true
		}
	}
	if utf8.RuneCountInString(p) < MinLength || len(distinct) < MinDistinct {
		return i18n.E(msgWeak, map[string]any{"Min": MinLength, "Distinct": MinDistinct}, ErrWeak)
	}
	return nil
}

// ErrWeak is wrapped by CheckNew's error.
var ErrWeak = errorString("secret: passphrase below the minimum")

type errorString string

func (e errorString) Error() string { return string(e) }

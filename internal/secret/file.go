package secret

import (
	"bytes"
	"errors"
	"os"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"coffre/internal/i18n"
)

var (
	msgUnreadable = &i18n.Message{ID: "SecretFichierIllisible", Other: "Impossible de lire le fichier secret « {{.File}} »."}
	msgEmpty      = &i18n.Message{ID: "SecretFichierVide", Other: "Le fichier secret « {{.File}} » est vide."}
	msgEncoding   = &i18n.Message{ID: "SecretFichierEncodage", Other: "Le fichier secret « {{.File}} » n'est pas en UTF-8 (accents d'une ancienne page de code, cp850 ou Windows-1252 ?) : enregistrez-le en UTF-8 (Bloc-notes : « Enregistrer sous », codage UTF-8)."}
	msgLines      = &i18n.Message{ID: "SecretFichierLignes", Other: "Le fichier secret « {{.File}} » contient plusieurs lignes : il doit contenir la phrase secrète (ou le mot de passe) seule, sur une ligne."}
	msgSpaces     = &i18n.Message{ID: "SecretFichierEspaces", Other: "Le fichier secret « {{.File}} » commence ou finit par une espace ou une tabulation (« echo phrase > fichier » en ajoute une) : retirez-la, car elle ferait partie du secret."}
	msgControl    = &i18n.Message{ID: "SecretFichierControle", Other: "Le fichier secret « {{.File}} » contient des caractères de contrôle invisibles : il doit contenir seulement la phrase secrète (ou le mot de passe)."}
)

// ErrAmbiguous is wrapped when a secret file could be read in more than
// one way: refused rather than guessed, since a wrong guess gives a
// backup no one can open with the phrase typed in the wizard.
var ErrAmbiguous = errors.New("secret: ambiguous secret file")

// ReadFile reads a passphrase or password written by hand in a text file.
// It accepts what Windows tools write: a UTF-8 byte-order mark (Notepad),
// UTF-16 with its mark (PowerShell's « > »), one trailing line ending (CR
// LF, LF or CR). It refuses, in French, anything else that would make the
// secret differ from what a person would type: several lines, spaces or
// tabs at either end (cmd's « echo secret > f » writes « secret \r\n »),
// control characters, bytes that are not UTF-8 (cp850 or ANSI accents).
// The file's bytes are wiped once read; the caller receives a string
// because the libraries that consume it (age, go-keyring, SMTP) take one.
func ReadFile(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", i18n.E(msgUnreadable, map[string]any{"File": path}, err)
	}
	defer Wipe(raw)
	Protect()
	text, err := decode(raw)
	if err != nil {
		return "", i18n.E(msgEncoding, map[string]any{"File": path}, err)
	}
	defer Wipe(text)
	switch {
	case bytes.HasSuffix(text, []byte("\r\n")):
		text = text[:len(text)-2]
	case bytes.HasSuffix(text, []byte("\n")), bytes.HasSuffix(text, []byte("\r")):
		text = text[:len(text)-1]
	}
	if len(text) == 0 {
		return "", i18n.E(msgEmpty, map[string]any{"File": path}, ErrAmbiguous)
	}
	if bytes.ContainsAny(text, "\r\n") {
		return "", i18n.E(msgLines, map[string]any{"File": path}, ErrAmbiguous)
	}
	first, _ := utf8.DecodeRune(text)
	last, _ := utf8.DecodeLastRune(text)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return "", i18n.E(msgSpaces, map[string]any{"File": path}, ErrAmbiguous)
	}
	if bytes.ContainsFunc(text, func(r rune) bool { return unicode.IsControl(r) || r == '\uFEFF' }) {
		return "", i18n.E(msgControl, map[string]any{"File": path}, ErrAmbiguous)
	}
	return string(text), nil
}

// decode returns the UTF-8 text of a file in UTF-8 (with or without its
// mark) or UTF-16 with its mark, in a fresh slice the caller wipes.
func decode(b []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(b, []byte{0xEF, 0xBB, 0xBF}):
		b = b[3:]
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}), bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return decodeUTF16(b[2:], b[0] == 0xFF)
	}
	if !utf8.Valid(b) {
		return nil, ErrAmbiguous
	}
	if bytes.IndexByte(b, 0) >= 0 {
		return nil, ErrAmbiguous // UTF-16 without its mark: refused, not guessed
	}
	return bytes.Clone(b), nil
}

func decodeUTF16(b []byte, little bool) ([]byte, error) {
	if len(b)%2 != 0 {
		return nil, ErrAmbiguous
	}
	units := make([]uint16, len(b)/2)
	defer clear(units)
	for i := range units {
		if little {
			units[i] = uint16(b[2*i]) | uint16(b[2*i+1])<<8
		} else {
			units[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
	}
	runes := utf16.Decode(units)
	defer clear(runes)
	out := make([]byte, 0, 4*len(runes)) // never grown: no copy left behind
	for _, r := range runes {
		if r == utf8.RuneError {
			Wipe(out)
			return nil, ErrAmbiguous // a lone surrogate
		}
		out = utf8.AppendRune(out, r)
	}
	return out, nil
}

// Wipe overwrites b with zeros: a secret's bytes do not linger in memory
// after use (a string cannot be wiped, which is why the readers work on
// byte slices for as long as they can).
func Wipe(b []byte) { clear(b) }

package odbcconn

import (
	"errors"
	"fmt"
	"strings"
)

// Attr is one keyword=value pair of a connection string.
type Attr struct {
	Key, Value string
}

// ConnString is a parsed connection string: its pairs in order, keywords
// compared without regard to case as the ODBC grammar says.
type ConnString struct {
	attrs []Attr
}

// ErrSyntax is returned by Parse for a string that is not a connection
// string; its text never quotes the input (it may hold a password).
var ErrSyntax = errors.New("chaîne de connexion ODBC mal formée")

// secretKeys are the keywords whose values are never shown.
var secretKeys = map[string]bool{"pwd": true, "password": true}

// IsSecret reports whether key holds a secret (Pwd, Password).
func IsSecret(key string) bool { return secretKeys[strings.ToLower(strings.TrimSpace(key))] }

// ValidKey reports whether key can be written as a keyword: not empty, no
// ; = { } and no surrounding spaces (the grammar would lose them).
func ValidKey(key string) bool {
	return key != "" && strings.TrimSpace(key) == key && !strings.ContainsAny(key, ";={}\x00")
}

// Parse reads "Key=Value;Key={Va;lue}". A braced value runs to the closing
// brace, "}}" standing for one "}". Empty segments are ignored.
func Parse(s string) (ConnString, error) {
	var c ConnString
	i := 0
	for i < len(s) {
		if s[i] == ';' {
			i++
			continue
		}
		eq := strings.IndexByte(s[i:], '=')
		semi := strings.IndexByte(s[i:], ';')
		if eq < 0 || (semi >= 0 && semi < eq) {
			if strings.TrimSpace(s[i:end(s, i, semi)]) == "" {
				i = end(s, i, semi)
				continue
			}
			return ConnString{}, fmt.Errorf("%w : « mot-clé=valeur » attendu", ErrSyntax)
		}
		key := strings.TrimSpace(s[i : i+eq])
		if !ValidKey(key) {
			return ConnString{}, fmt.Errorf("%w : mot-clé invalide", ErrSyntax)
		}
		i += eq + 1
		j := i
		for j < len(s) && s[j] == ' ' {
			j++
		}
		var val string
		if j < len(s) && s[j] == '{' {
			var b strings.Builder
			k := j + 1
			closed := false
			for k < len(s) {
				if s[k] == '}' {
					if k+1 < len(s) && s[k+1] == '}' {
						b.WriteByte('}')
						k += 2
						continue
					}
					closed = true
					k++
					break
				}
				b.WriteByte(s[k])
				k++
			}
			if !closed {
				return ConnString{}, fmt.Errorf("%w : accolade non fermée (valeur de %s)", ErrSyntax, key)
			}
			for k < len(s) && s[k] == ' ' {
				k++
			}
			if k < len(s) && s[k] != ';' {
				return ConnString{}, fmt.Errorf("%w : texte après l'accolade fermante (valeur de %s)", ErrSyntax, key)
			}
			val = b.String()
			i = k
		} else {
			semi := strings.IndexByte(s[i:], ';')
			val = s[i:end(s, i, semi)]
			if strings.ContainsAny(val, "{}") {
				return ConnString{}, fmt.Errorf("%w : accolade dans une valeur non entourée d'accolades (valeur de %s)", ErrSyntax, key)
			}
			val = strings.TrimSpace(val)
			i = end(s, i, semi)
		}
		c.attrs = append(c.attrs, Attr{Key: key, Value: val})
	}
	return c, nil
}

func end(s string, i, rel int) int {
	if rel < 0 {
		return len(s)
	}
	return i + rel
}

// New builds a connection string from pairs; keys must be valid.
func New(attrs ...Attr) (ConnString, error) {
	var c ConnString
	for _, a := range attrs {
		if !ValidKey(a.Key) {
			return ConnString{}, fmt.Errorf("%w : mot-clé invalide", ErrSyntax)
		}
		c = c.With(a.Key, a.Value)
	}
	return c, nil
}

// Attrs returns the pairs in order.
func (c ConnString) Attrs() []Attr { return append([]Attr(nil), c.attrs...) }

// Get returns the value of key.
func (c ConnString) Get(key string) (string, bool) {
	for _, a := range c.attrs {
		if strings.EqualFold(a.Key, key) {
			return a.Value, true
		}
	}
	return "", false
}

// With returns a copy where key is set to value: replaced in place if
// present, appended otherwise. key must be valid (a programming error
// otherwise: it panics).
func (c ConnString) With(key, value string) ConnString {
	if !ValidKey(key) {
		panic("odbcconn: invalid keyword")
	}
	out := ConnString{attrs: make([]Attr, 0, len(c.attrs)+1)}
	done := false
	for _, a := range c.attrs {
		if strings.EqualFold(a.Key, key) {
			if !done {
				out.attrs = append(out.attrs, Attr{Key: a.Key, Value: value})
				done = true
			}
			continue
		}
		out.attrs = append(out.attrs, a)
	}
	if !done {
		out.attrs = append(out.attrs, Attr{Key: key, Value: value})
	}
	return out
}

// WithDefault sets key only when it is not given.
func (c ConnString) WithDefault(key, value string) ConnString {
	if _, ok := c.Get(key); ok {
		return c
	}
	return c.With(key, value)
}

// Without returns a copy without the given keys.
func (c ConnString) Without(keys ...string) ConnString {
	out := ConnString{}
	for _, a := range c.attrs {
		drop := false
		for _, k := range keys {
			if strings.EqualFold(a.Key, k) {
				drop = true
			}
		}
		if !drop {
			out.attrs = append(out.attrs, a)
		}
	}
	return out
}

// WithCredentials adds the user and password typed in separate fields,
// braced as needed; an empty field leaves the string's own value.
func (c ConnString) WithCredentials(user, password string) ConnString {
	if user != "" {
		c = c.Without("User", "UID").With("Uid", user)
	}
	if password != "" {
		c = c.Without("Password", "PWD").With("Pwd", password)
	}
	return c
}

// String is the full connection string, secrets included: only for the
// driver, never for a message, a log or a file.
func (c ConnString) String() string { return build(c.attrs, false) }

// Redacted is the connection string without its secrets, for manifests and
// messages.
func (c ConnString) Redacted() string { return build(c.attrs, true) }

// Secrets returns the secret values, for scrubbing.
func (c ConnString) Secrets() []string {
	var out []string
	for _, a := range c.attrs {
		if IsSecret(a.Key) && a.Value != "" {
			out = append(out, a.Value)
		}
	}
	return out
}

func build(attrs []Attr, redact bool) string {
	var b strings.Builder
	for _, a := range attrs {
		if redact && IsSecret(a.Key) {
			continue
		}
		b.WriteString(a.Key)
		b.WriteByte('=')
		b.WriteString(Quote(a.Value))
		b.WriteByte(';')
	}
	return b.String()
}

// Quote returns value as the grammar wants it: braced, with "}" doubled,
// when it holds ; = { } or spaces at either end; as is otherwise.
func Quote(value string) string {
	if value == "" || (!strings.ContainsAny(value, ";={}") && strings.TrimSpace(value) == value) {
		return value
	}
	return "{" + strings.ReplaceAll(value, "}", "}}") + "}"
}

// Scrub returns text with every secret of c (and its braced form) replaced
// by ***: driver messages sometimes echo the connection string.
func (c ConnString) Scrub(text string) string {
	for _, s := range c.Secrets() {
		for _, form := range []string{Quote(s), s} {
			if form != "" {
				text = strings.ReplaceAll(text, form, "***")
			}
		}
	}
	return text
}

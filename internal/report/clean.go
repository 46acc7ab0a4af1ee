package report

import (
	"strings"
	"unicode"
)

// IsControl reports whether r is a control character (C0, DEL, C1): what a
// terminal may act on rather than show.
func IsControl(r rune) bool { return unicode.IsControl(r) }

// Clean is s without its control characters, for text read from a file
// (a dossier's name, a session's workstation) before it is printed or shown:
// an escape sequence hidden there must not reach the terminal.
func Clean(s string) string {
	if strings.IndexFunc(s, IsControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if IsControl(r) {
			return -1
		}
		return r
	}, s)
}

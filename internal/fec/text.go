package fec

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/unicode/norm"
)

// Columns are the 18 fields of article A47 A-1 of the LPF, in their legal
// order and with their legal names: the FEC's header line.
var Columns = [18]string{
	"JournalCode", "JournalLib", "EcritureNum", "EcritureDate", "CompteNum", "CompteLib",
	"CompAuxNum", "CompAuxLib", "PieceRef", "PieceDate", "EcritureLib", "Debit", "Credit",
	"EcritureLet", "DateLet", "ValidDate", "Montantdevise", "Idevise",
}

// Record is one line of the FEC: its 18 fields, as text, in Columns order.
type Record [18]string

// Separator and end of line. The administration accepts CR+LF or LF; CR+LF
// is what the tools auditors run on Windows expect.
const (
	fieldSep = '\t'
	lineEnd  = "\r\n"
)

// typographic maps the usual typographic characters ISO-8859-15 lacks to
// their plain equivalents.
var typographic = map[rune]string{
	'—': "-", '–': "-", '‐': "-", '‑': "-", '‒': "-", '―': "-", '−': "-",
	'‘': "'", '’': "'", '‚': "'", '′': "'", '‹': "<", '›': ">",
	'“': "\"", '”': "\"", '„': "\"", '″': "\"",
	'…': "...", '•': "-", '™': "TM", '‰': "o/oo",
	'\u2002': " ", '\u2003': " ", '\u2004': " ", '\u2005': " ", '\u2006': " ",
	'\u2007': " ", '\u2008': " ", '\u2009': " ", '\u200a': " ", '\u202f': " ", '\u205f': " ",
}

// Clean makes s a valid FEC field: every control character (tab, carriage
// return, line feed…) becomes a space, runs of blanks shrink to one, and
// characters outside ISO-8859-15 are transliterated — typographic dashes and
// quotes to their plain forms, accented letters to their base letter
// (ğ → g), symbols and emoji dropped, anything else to « ? ». changed
// reports whether the text differs from s beyond surrounding blanks.
func Clean(s string) (out string, changed bool) {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r' || unicode.IsControl(r):
			b.WriteByte(' ')
			changed = true
		case encodable(r):
			b.WriteRune(r)
		default:
			changed = true
			b.WriteString(transliterate(r))
		}
	}
	out = strings.Join(strings.Fields(b.String()), " ")
	if !changed && out != strings.TrimSpace(s) {
		changed = true
	}
	return out, changed
}

// encodable reports whether r has an ISO-8859-15 byte and is not a C1
// control (those are handled as controls).
func encodable(r rune) bool {
	if r == utf8.RuneError {
		return false
	}
	_, ok := charmap.ISO8859_15.EncodeRune(r)
	return ok
}

func transliterate(r rune) string {
	if s, ok := typographic[r]; ok {
		return s
	}
	if unicode.IsSpace(r) {
		return " "
	}
	// Compatibility decomposition, then keep what encodes (letters without
	// their marks, ligatures split: ﬁ → fi).
	var b strings.Builder
	for _, d := range norm.NFKD.String(string(r)) {
		if unicode.Is(unicode.Mn, d) {
			continue
		}
		if encodable(d) && !unicode.IsControl(d) {
			b.WriteRune(d)
		}
	}
	if b.Len() > 0 {
		return b.String()
	}
	// Emoji, pictographs, their joiners and variation selectors: dropped.
	if unicode.In(r, unicode.So, unicode.Sk, unicode.Cf, unicode.Mn, unicode.Me, unicode.Cs, unicode.Co) || r == utf8.RuneError {
		return ""
	}
	return "?"
}

// encode appends r's encoding to dst: fields joined by tabs, CR+LF, every
// character as its ISO-8859-15 byte. Fields must have gone through Clean.
func encode(dst []byte, r *Record) []byte {
	for i, f := range r {
		if i > 0 {
			dst = append(dst, fieldSep)
		}
		for _, c := range f {
			if b, ok := charmap.ISO8859_15.EncodeRune(c); ok {
				dst = append(dst, b)
			} else {
				dst = append(dst, '?')
			}
		}
	}
	return append(dst, lineEnd...)
}

// Amount formats cents with a decimal comma and no thousands separator:
// 120000 → « 1200,00 », -5 → « -0,05 ».
func Amount(cents int64) string {
	sign := ""
	u := uint64(cents)
	if cents < 0 {
		sign = "-"
		u = uint64(-(cents + 1)) + 1
	}
	frac := strconv.FormatUint(u%100, 10)
	if len(frac) < 2 {
		frac = "0" + frac
	}
	return sign + strconv.FormatUint(u/100, 10) + "," + frac
}

// Date turns an ISO date (« 2024-12-31 », optionally followed by a time)
// into AAAAMMJJ; ok is false when s does not start with a valid date.
func Date(s string) (string, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 10 || (len(s) > 10 && s[10] != ' ' && s[10] != 'T') {
		return "", false
	}
	d := s[:10]
	if d[4] != '-' || d[7] != '-' {
		return "", false
	}
	y, err1 := strconv.Atoi(d[:4])
	m, err2 := strconv.Atoi(d[5:7])
	day, err3 := strconv.Atoi(d[8:10])
	if err1 != nil || err2 != nil || err3 != nil || y < 1000 || m < 1 || m > 12 || day < 1 || day > daysIn(y, m) {
		return "", false
	}
	return d[:4] + d[5:7] + d[8:10], true
}

func daysIn(y, m int) int {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

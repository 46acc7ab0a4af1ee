package fec

import (
	"math"
	"strconv"
	"strings"
)

// amount is a cents column read as the dossier stores it. Schema v1 says
// integer cents, but a dossier carried through another database or edited
// by hand may hold a REAL (150.5, or 15000.0), a text ('1,5', '15000.00')
// or a numeric: an exact whole number of cents is taken as such, anything
// else is kept as text in bad so the checks name the entry instead of the
// driver failing on the whole file.
type amount struct {
	v     int64
	valid bool   // not NULL
	bad   string // what the dossier holds when it is not a whole number of cents
}

// maxExact is the largest float64 below which every integer is exact.
const maxExact = 1 << 53

func (a *amount) Scan(src any) error {
	*a = amount{}
	switch x := src.(type) {
	case nil:
		return nil
	case int64:
		a.v, a.valid = x, true
	case float64:
		a.valid = true
		if x == math.Trunc(x) && math.Abs(x) < maxExact {
			a.v = int64(x)
		} else {
			a.bad = strconv.FormatFloat(x, 'f', -1, 64)
		}
	case bool:
		a.valid, a.bad = true, strconv.FormatBool(x)
	case []byte:
		a.valid = true
		a.v, a.bad = parseCents(string(x))
	case string:
		a.valid = true
		a.v, a.bad = parseCents(x)
	default:
		a.valid, a.bad = true, "?"
	}
	return nil
}

// parseCents reads a whole number of cents written as text: digits with an
// optional sign, and optionally a decimal point or comma followed only by
// zeros (« 15000.00 », how a numeric column prints); bad is the text when
// it is anything else.
func parseCents(s string) (v int64, bad string) {
	t := strings.TrimSpace(s)
	if i := strings.IndexAny(t, ".,"); i >= 0 {
		if strings.Trim(t[i+1:], "0") != "" {
			return 0, s
		}
		t = t[:i]
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, s
	}
	return n, ""
}

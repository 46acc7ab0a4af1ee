package i18n

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Bytes formats a size for people: « 12,3 Mo » in French, "12.3 MB" in
// English.
func Bytes(n int64) string {
	units := []string{"o", "Ko", "Mo", "Go", "To"}
	if Language() == "en" {
		units = []string{"B", "KB", "MB", "GB", "TB"}
	}
	f := float64(n)
	i := 0
	for f >= 1000 && i < len(units)-1 {
		f /= 1000
		i++
	}
	var s string
	if i == 0 {
		s = strconv.FormatInt(n, 10)
	} else {
		s = strconv.FormatFloat(f, 'f', 1, 64)
	}
	if Language() != "en" {
		return strings.Replace(s, ".", ",", 1) + "\u00a0" + units[i]
	}
	return s + " " + units[i]
}

// Int formats a count for people: « 1\u202f495 » in French (a narrow
// no-break space groups thousands, as in amounts), "1,495" in English.
func Int(n int64) string {
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	sep := "\u202f"
	if Language() == "en" {
		sep = ","
	}
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Money formats cents: « 1 234,56 € » (a narrow no-break space groups
// thousands in French) or "€1,234.56".
func Money(cents int64) string {
	neg := cents < 0
	if neg {
		cents = -cents
	}
	units := strconv.FormatInt(cents/100, 10)
	sep := "\u202f"
	if Language() == "en" {
		sep = ","
	}
	var b strings.Builder
	for i, r := range units {
		if i > 0 && (len(units)-i)%3 == 0 {
			b.WriteString(sep)
		}
		b.WriteRune(r)
	}
	sign := ""
	if neg {
		sign = "-"
	}
	if Language() == "en" {
		return fmt.Sprintf("%s€%s.%02d", sign, b.String(), cents%100)
	}
	return fmt.Sprintf("%s%s,%02d\u00a0€", sign, b.String(), cents%100)
}

// DateTime formats a moment in local time: « 21/11/2026 21:30 ».
func DateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	if Language() == "en" {
		return t.Local().Format("2006-01-02 15:04")
	}
	return t.Local().Format("02/01/2006 15:04")
}

// Date shows a date kept as « 2024-12-31 » (the dossiers' ISO dates) the
// way a person reads it: « 31/12/2024 » in French, as DateTime does;
// anything else is returned as it is.
func Date(iso string) string {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(iso))
	if err != nil {
		if t, err = time.Parse("2006-01-02 15:04:05", strings.TrimSpace(iso)); err != nil {
			return iso
		}
	}
	if Language() == "en" {
		return t.Format("2006-01-02")
	}
	return t.Format("02/01/2006")
}

// Duration formats an elapsed time: « 2 min 05 s », « 4,2 s ».
func Duration(d time.Duration) string {
	if d < time.Minute {
		s := strconv.FormatFloat(d.Seconds(), 'f', 1, 64)
		if Language() != "en" {
			s = strings.Replace(s, ".", ",", 1)
		}
		return s + " s"
	}
	d = d.Round(time.Second)
	if d < time.Hour {
		return fmt.Sprintf("%d min %02d s", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%d h %02d min", int(d.Hours()), int(d.Minutes())%60)
}

// The Arg functions give a message's data a value rendered when the
// message is — in the reader's language, at the edge — rather than when
// the data is built: a note built in one language reads right in another.
// JSON gets the rendered text.

// BytesArg is n as Bytes renders it.
func BytesArg(n int64) any { return lazy(func() string { return Bytes(n) }) }

// DurationArg is d as Duration renders it.
func DurationArg(d time.Duration) any { return lazy(func() string { return Duration(d) }) }

// MoneyArg is cents as Money renders them.
func MoneyArg(cents int64) any { return lazy(func() string { return Money(cents) }) }

// Lazy is the text f gives, computed when the message around it is
// rendered.
func Lazy(f func() string) any { return lazy(f) }

type lazy func() string

func (l lazy) String() string               { return l() }
func (l lazy) MarshalJSON() ([]byte, error) { return json.Marshal(l()) }

package config

import (
	"reflect"
	"regexp"
	"slices"
	"strings"

	"github.com/BurntSushi/toml"

	"coffre/internal/i18n"
)

var (
	msgUnknownKey   = &i18n.Message{ID: "ConfigCleInconnue", Other: "Le fichier de configuration « {{.File}} », ligne {{.Line}} : la clé « {{.Key}} » de la section [{{.Table}}] est inconnue{{.Hint}}. Corrigez-la ou retirez-la : rien n'a été fait."}
	msgUnknownTable = &i18n.Message{ID: "ConfigSectionInconnue", Other: "Le fichier de configuration « {{.File}} », ligne {{.Line}} : la section [{{.Table}}] est inconnue{{.Hint}}. Corrigez-la ou retirez-la : rien n'a été fait."}
	msgUnknownTop   = &i18n.Message{ID: "ConfigCleHorsSection", Other: "Le fichier de configuration « {{.File}} », ligne {{.Line}} : la clé « {{.Key}} » est hors de toute section{{.Hint}}. Corrigez-la ou retirez-la : rien n'a été fait."}
	msgHint         = &i18n.Message{ID: "ConfigSuggestion", Other: " (vouliez-vous dire « {{.Suggestion}} » ?)"}
	msgHintTable    = &i18n.Message{ID: "ConfigSuggestionSection", Other: " (elle appartient à la section [{{.Table}}])"}
)

// Keys lists the keys coffre.toml knows, by section, from the fields of
// Config: the README and the unknown-key check both follow it.
func Keys() map[string][]string {
	out := map[string][]string{}
	ct := reflect.TypeFor[Config]()
	for i := range ct.NumField() {
		sec := ct.Field(i)
		name := tomlName(sec)
		for j := range sec.Type.NumField() {
			out[name] = append(out[name], tomlName(sec.Type.Field(j)))
		}
	}
	return out
}

func tomlName(f reflect.StructField) string {
	n, _, _ := strings.Cut(f.Tag.Get("toml"), ",")
	return n
}

// unknownKey is the error for the first key of the file that Coffre does
// not know, with its line and, when one is close, the key meant: a
// misspelt key silently ignored would leave a setting nobody chose.
func unknownKey(path, text string, md toml.MetaData) error {
	known := Keys()
	type found struct {
		key  toml.Key
		line int
	}
	var all []found
	for _, k := range md.Undecoded() {
		if md.Type(k...) == "Hash" {
			// An unknown section: reported at its header.
			all = append(all, found{k, tableLine(text, k.String())})
			continue
		}
		all = append(all, found{k, lineOf(text, k)})
	}
	slices.SortFunc(all, func(a, b found) int { return a.line - b.line })
	k, line := all[0].key, all[0].line
	data := map[string]any{"File": path, "Line": line, "Hint": ""}
	table := k[0]
	if _, ok := known[table]; !ok && len(k) == 1 && md.Type(k...) != "Hash" {
		// A key outside any section: perhaps one that belongs in one.
		data["Key"] = table
		for t, ks := range known {
			if slices.Contains(ks, table) {
				data["Hint"] = i18n.T(msgHintTable, map[string]any{"Table": t})
			}
		}
		return i18n.E(msgUnknownTop, data, ErrInvalid)
	}
	if _, ok := known[table]; !ok {
		data["Table"] = table
		data["Line"] = tableLine(text, table)
		if s := suggest(table, mapKeys(known)); s != "" {
			data["Hint"] = i18n.T(msgHint, map[string]any{"Suggestion": "[" + s + "]"})
		}
		return i18n.E(msgUnknownTable, data, ErrInvalid)
	}
	data["Table"], data["Key"] = table, strings.Join(k[1:], ".")
	if s := suggest(k[len(k)-1], known[table]); s != "" {
		data["Hint"] = i18n.T(msgHint, map[string]any{"Suggestion": s})
	}
	return i18n.E(msgUnknownKey, data, ErrInvalid)
}

func mapKeys(m map[string][]string) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

var tableHeader = regexp.MustCompile(`^\s*\[\s*([A-Za-z0-9_."-]+)\s*\]`)

// lineOf finds the line of key k (table, name) in text, 0 if not found.
func lineOf(text string, k toml.Key) int {
	table := ""
	name := k[len(k)-1]
	want := strings.Join(k[:len(k)-1], ".")
	keyRe := regexp.MustCompile(`^\s*"?` + regexp.QuoteMeta(name) + `"?\s*=`)
	for i, l := range strings.Split(text, "\n") {
		if m := tableHeader.FindStringSubmatch(l); m != nil {
			table = strings.Trim(m[1], `"`)
			continue
		}
		if table == want && keyRe.MatchString(l) {
			return i + 1
		}
	}
	return 0
}

func tableLine(text, table string) int {
	for i, l := range strings.Split(text, "\n") {
		if m := tableHeader.FindStringSubmatch(l); m != nil && strings.Trim(m[1], `"`) == table {
			return i + 1
		}
	}
	return 0
}

// suggest is the known name closest to s: one that begins like it (or it
// like one), else one a few letters away; "" when none is close.
func suggest(s string, known []string) string {
	s = strings.ToLower(s)
	best, bestD := "", 1<<30
	for _, k := range known {
		d := distance(s, k)
		if strings.HasPrefix(s, k+"_") || strings.HasPrefix(k, s) {
			d = min(d, 1)
		}
		if d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if bestD <= max(2, len(s)/3) {
		return best
	}
	return ""
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

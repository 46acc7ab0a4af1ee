package dossier

import (
	"crypto/rand"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// File name extensions of what Coffre reads and writes.
const (
	ExtDB  = ".db"
	ExtPBF = ".pbf" // full backup
	ExtPTF = ".ptf" // partial transfer
	ExtPAF = ".paf" // archive of fiscal years
)

// DBExtensions are the extensions of the SQLite files a folder connexion
// looks at. They are compared without regard to case: Windows shows and
// keeps « 001SOC.DB » as the same file as « 001SOC.db ».
var DBExtensions = []string{".db", ".sqlite", ".sqlite3", ".db3"}

// SplitDBFile splits a file name into its base and its SQLite extension
// (one of DBExtensions, in any case); ok is false for any other name.
func SplitDBFile(name string) (base, ext string, ok bool) {
	ext = filepath.Ext(name)
	for _, e := range DBExtensions {
		if strings.EqualFold(ext, e) && len(name) > len(ext) {
			return name[:len(name)-len(ext)], ext, true
		}
	}
	return name, "", false
}

// ParseDBFile reads a database file name, extension included: "001SOC.db",
// "001SOC.DB", "E001SOC.sqlite"… (see ParseDBName).
func ParseDBFile(name string) (ParsedName, bool) {
	base, _, ok := SplitDBFile(name)
	if !ok {
		return ParsedName{}, false
	}
	return ParseDBName(base)
}

// Label names a dossier in every message and listing: « 001 SOC », or the
// number alone when the short name is unknown.
func Label(numero, nom string) string {
	return strings.TrimSpace(numero + " " + nom)
}

// A tax-audit copy (Admin001SOC…) is marked inside, so that it is never
// taken for a dossier or restored whatever its file name: SQLite's
// application_id "CFAD" (« Coffre, copie pour l'ADministration ») and a
// table listing what it holds.
const (
	AdminApplicationID = 0x43464144
	AdminMarkerTable   = "coffre_copie_administration"
)

// Kind tells what a database file of a connexion folder is.
type Kind int

const (
	KindDossier Kind = iota // 001SOC
	KindExport              // E001SOC: restoring it is renaming it without the E
	KindAdmin               // Admin001SOC: a copy for a tax audit, never restorable
	KindCut                 // 001SOC_CUT001: the older years cut off a dossier
)

var (
	numeroRe = regexp.MustCompile(`^[0-9]{3}$`)
	nomRe    = regexp.MustCompile(`^[A-Za-z0-9]{1,20}$`)
	baseRe   = regexp.MustCompile(`^(E|Admin)?([0-9]{3})([A-Za-z0-9]{1,20}?)(?:_CUT([0-9]{3}))?$`)
	backupRe = regexp.MustCompile(`^([0-9]{3})-([A-Za-z0-9]{1,20})_([0-9]{8})_([0-9]{4})(?:_([0-9]+))?$`)
)

// ValidNumero reports whether s is a dossier number: three digits.
func ValidNumero(s string) bool { return numeroRe.MatchString(s) }

// ValidNom reports whether s is a dossier short name: 1 to 20 letters or digits.
func ValidNom(s string) bool { return nomRe.MatchString(s) }

// DBName is the base name of a dossier database: "001SOC".
func DBName(numero, nom string) string { return numero + nom }

// ExportName is the base name of an export: "E001SOC".
func ExportName(numero, nom string) string { return "E" + numero + nom }

// AdminName is the base name of a tax-audit copy: "Admin001SOC".
func AdminName(numero, nom string) string { return "Admin" + numero + nom }

// CutName is the base name of the seq-th cut of a dossier: "001SOC_CUT001".
func CutName(numero, nom string, seq int) string {
	return fmt.Sprintf("%s%s_CUT%03d", numero, nom, seq)
}

// BackupName is the default base name (without extension) of a backup taken
// at t: "001-SOC_20261121_2130".
func BackupName(numero, nom string, t time.Time) string {
	return fmt.Sprintf("%s-%s_%s", numero, nom, t.Format("20060102_1504"))
}

// ParsedName is what a database base name says.
type ParsedName struct {
	Kind   Kind
	Numero string
	Nom    string
	Cut    int // sequence of a cut, 0 otherwise
}

// ParseDBName reads a database base name (without ".db"): "001SOC",
// "E001SOC", "Admin001SOC" or "001SOC_CUT001".
func ParseDBName(base string) (ParsedName, bool) {
	m := baseRe.FindStringSubmatch(base)
	if m == nil || m[3] == "" {
		return ParsedName{}, false
	}
	p := ParsedName{Numero: m[2], Nom: m[3]}
	switch m[1] {
	case "E":
		p.Kind = KindExport
	case "Admin":
		p.Kind = KindAdmin
	}
	if m[4] != "" {
		if p.Kind != KindDossier {
			return ParsedName{}, false
		}
		p.Kind = KindCut
		p.Cut, _ = strconv.Atoi(m[4])
	}
	return p, true
}

// ParsedBackup is what a backup file name says.
type ParsedBackup struct {
	Numero, Nom string
	Taken       time.Time // local time of the name, minute precision
}

// ParseBackupName reads a backup base name (without extension) such as
// "001-SOC_20261121_2130" or its de-duplicated form "001-SOC_20261121_2130_2".
func ParseBackupName(base string) (ParsedBackup, bool) {
	m := backupRe.FindStringSubmatch(base)
	if m == nil {
		return ParsedBackup{}, false
	}
	t, err := time.ParseInLocation("20060102 1504", m[3]+" "+m[4], time.Local)
	if err != nil {
		return ParsedBackup{}, false
	}
	return ParsedBackup{Numero: m[1], Nom: m[2], Taken: t}, true
}

// FirstFree returns the smallest three-digit number, from "001", that is not
// in used; "" when all 999 are taken.
func FirstFree(used []string) string {
	taken := make(map[string]bool, len(used))
	for _, u := range used {
		taken[u] = true
	}
	for n := 1; n <= 999; n++ {
		s := fmt.Sprintf("%03d", n)
		if !taken[s] {
			return s
		}
	}
	return ""
}

// ParseNumeros splits "1,002, 3" into sorted, de-duplicated three-digit numbers.
func ParseNumeros(list string) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil || n < 1 || n > 999 {
			return nil, fmt.Errorf("%w: %q", ErrBadNumero, f)
		}
		s := fmt.Sprintf("%03d", n)
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, ErrBadNumero
	}
	sort.Strings(out)
	return out, nil
}

var notAlnum = regexp.MustCompile(`[^A-Za-z0-9]`)

// NomFromName derives a short name from a file name that does not follow
// the 001NOM convention ("ma-base.sqlite" gives "MABASE"): see ShortNom.
func NomFromName(name string) string {
	base := strings.TrimSuffix(name, filepath.Ext(name))
	if p, ok := ParseBackupName(base); ok {
		return p.Nom
	}
	return ShortNom(strings.TrimLeft(base, "0123456789"))
}

// ShortNom makes a valid short name of s ("Café Noël" gives "CAFENOEL"):
// accents folded to their letter, then its letters and digits, upper-cased,
// without leading digits, at most 20; "" if none.
func ShortNom(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	s = strings.ToUpper(notAlnum.ReplaceAllString(b.String(), ""))
	s = strings.TrimLeft(s, "0123456789")
	if len(s) > 20 {
		s = s[:20]
	}
	return s
}

// NewIdentifiant is a random (version 4) UUID: the identity of a dossier
// that a copy becomes (a cut file, a restored copy beside its original).
func NewIdentifiant() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

package fsutil

import (
	"strings"
	"unicode/utf8"

	"coffre/internal/i18n"
)

var (
	msgNameLong    = &i18n.Message{ID: "NomFichierTropLong", Other: "Le nom « {{.Name}} » est trop long ({{.Bytes}} octets ; 255 au plus par nom de fichier) : choisissez un nom plus court."}
	msgNameDevice  = &i18n.Message{ID: "NomFichierReserve", Other: "Le nom « {{.Name}} » est réservé par Windows (CON, PRN, AUX, NUL, COM1 à COM9, LPT1 à LPT9, avec ou sans extension) : choisissez un autre nom."}
	msgNameChars   = &i18n.Message{ID: "NomFichierCaracteres", Other: "Le nom « {{.Name}} » contient un caractère interdit dans un nom de fichier ( / \\ : * ? \" < > | ou un caractère de contrôle), ou finit par un point ou une espace : choisissez un autre nom."}
	msgCannotCheck = &i18n.Message{ID: "NomFichierInverifiable", Other: "Impossible de vérifier si « {{.Path}} » existe déjà : vérifiez que le dossier « {{.Dir}} » est accessible (droits, disque connecté)."}
	msgAllTaken    = &i18n.Message{ID: "NomFichierTousPris", Other: "Les noms « {{.Name}} » à « …_{{.Max}} » sont tous déjà pris dans « {{.Dir}} » : faites de la place ou choisissez un autre nom."}
)

// MaxNameBytes is the longest file name (one path component) the usual
// file systems take: 255 bytes on ext4, 255 UTF-16 units on NTFS.
const MaxNameBytes = 255

// CheckName refuses, in French, a file name (one component, no folder)
// that no file system of Coffre's users would take: over MaxNameBytes (with
// room for a numbered twin, _999), a name Windows keeps for a device, a
// forbidden character, a trailing dot or space.
func CheckName(name string) error {
	if n := len(name) + len("_999"); n > MaxNameBytes {
		return i18n.E(msgNameLong, map[string]any{"Name": shorten(name), "Bytes": len(name)}, nil)
	}
	if WindowsDevice(name) {
		return i18n.E(msgNameDevice, map[string]any{"Name": name}, nil)
	}
	bad := name == "" || name == "." || name == ".." || !utf8.ValidString(name) ||
		strings.ContainsAny(name, `/\:*?"<>|`) || strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ")
	for _, c := range name {
		if c < 0x20 || c == 0x7f {
			bad = true
		}
	}
	if bad {
		return i18n.E(msgNameChars, map[string]any{"Name": strings.ToValidUTF8(name, "?")}, nil)
	}
	return nil
}

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	r := []rune(s)
	return string(r[:40]) + "…" + string(r[len(r)-12:])
}

// WindowsDevice reports names Windows maps to a device whatever the
// extension: CON, con.txt, COM1.db, LPT¹…
func WindowsDevice(name string) bool {
	base, _, _ := strings.Cut(name, ".")
	base = strings.ToUpper(strings.TrimRight(base, " "))
	switch base {
	case "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$":
		return true
	}
	if len(base) >= 4 && (strings.HasPrefix(base, "COM") || strings.HasPrefix(base, "LPT")) {
		switch base[3:] {
		case "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "¹", "²", "³":
			return true
		}
	}
	return false
}

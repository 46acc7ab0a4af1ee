package fsutil

import (
	"path/filepath"
	"runtime"
	"strings"
)

// CaseInsensitive is whether the file system's names ignore case: on
// Windows and macOS 001Soc.db and 001SOC.db are one file.
var CaseInsensitive = runtime.GOOS == "windows" || runtime.GOOS == "darwin"

// SameName reports whether the paths a and b name the same entry by the
// file system's rules: compared without case where names ignore it. Where
// both files exist, os.SameFile is the final word; SameName is for a name
// not written yet, or one just removed.
func SameName(a, b string) bool {
	a, b = filepath.Clean(a), filepath.Clean(b)
	if CaseInsensitive {
		return strings.EqualFold(a, b)
	}
	return a == b
}

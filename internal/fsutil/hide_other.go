//go:build !windows

package fsutil

import (
	"path/filepath"
	"strings"
)

// setHidden does nothing off Windows: the names of lock and temp files
// start with a dot, which hides them.
func setHidden(string, bool) {}

// Hidden reports whether path is hidden: off Windows, a name starting with
// a dot.
func Hidden(path string) bool { return strings.HasPrefix(filepath.Base(path), ".") }

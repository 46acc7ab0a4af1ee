package fsutil

import (
	"errors"

	"golang.org/x/sys/windows"
)

// IsInUse reports whether err is Windows refusing to replace or remove a
// file another program holds open (the accounting program on its dossier).
func IsInUse(err error) bool {
	return errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_SHARING_VIOLATION) || errors.Is(err, windows.ERROR_LOCK_VIOLATION)
}

package fsutil

import (
	"sync"

	"golang.org/x/sys/windows"
)

var wine = sync.OnceValue(func() bool {
	// Wine's ntdll exports wine_get_version; no Windows ntdll does.
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
})

// UnderWine reports whether the program runs under Wine rather than on
// Windows (scripts/wine-test.sh runs the Windows test binaries there):
// tests of what Wine does not emulate skip with their reason.
func UnderWine() bool { return wine() }

//go:build windows && coffre_wine

package fsutil

import _ "unsafe" // go:linkname

// Wine 8's NtSetInformationFile answers STATUS_NOT_IMPLEMENTED to
// FileDispositionInformationEx, which os.RemoveAll (and so every test's
// t.TempDir cleanup) tries first; Go falls back to the older call only for
// the statuses Windows itself gives. Only the Windows test binaries run
// under Wine by scripts/wine-test.sh are built with this file (tag
// coffre_wine, linker flag -checklinkname=0): they take the fallback
// straight away, as Windows 10 before 1607 would. coffre.exe is built
// without it.
//
//go:linkname deleteatFallback internal/syscall/windows.TestDeleteatFallback
var deleteatFallback bool

func init() {
	if UnderWine() {
		deleteatFallback = true
	}
}

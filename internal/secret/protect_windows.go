package secret

import (
	"os"
	"sync"
	"syscall"
	"unsafe"
)

var protectOnce sync.Once

// Protect keeps Windows Error Reporting from collecting a dump of this
// program (WerAddExcludedApplication, for the current user) from the moment
// it holds a secret. Windows has no per-process « not dumpable » flag: an
// administrator or a debugger attached by the same user can still read the
// process's memory.
func Protect() {
	protectOnce.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			return
		}
		p, err := syscall.UTF16PtrFromString(exe)
		if err != nil {
			return
		}
		wer := syscall.NewLazyDLL("wer.dll")
		add := wer.NewProc("WerAddExcludedApplication")
		if add.Find() != nil {
			return // not there (Wine, old Windows): nothing else to do
		}
		add.Call(uintptr(unsafe.Pointer(p)), 0)
	})
}

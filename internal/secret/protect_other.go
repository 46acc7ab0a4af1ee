//go:build !linux && !windows

package secret

import (
	"sync"
	"syscall"
)

var protectOnce sync.Once

// Protect sets the core size limit to zero from the moment the process
// holds a secret (macOS and the BSDs have no PR_SET_DUMPABLE).
func Protect() {
	protectOnce.Do(func() {
		syscall.Setrlimit(syscall.RLIMIT_CORE, &syscall.Rlimit{Cur: 0, Max: 0})
	})
}

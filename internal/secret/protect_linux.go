package secret

import (
	"sync"

	"golang.org/x/sys/unix"
)

var protectOnce sync.Once

// Protect keeps the process out of core dumps from the moment it holds a
// secret: not dumpable (no core file, no ptrace by other processes of the
// same user, /proc/PID/mem closed) and a core size limit of zero. It is not
// undone: the secret's bytes may stay in freed memory until the process
// ends.
func Protect() {
	protectOnce.Do(func() {
		unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
		unix.Setrlimit(unix.RLIMIT_CORE, &unix.Rlimit{Cur: 0, Max: 0})
	})
}

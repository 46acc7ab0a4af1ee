//go:build unix

package backup

import (
	"runtime"

	"golang.org/x/sys/unix"
)

// lowPriority pins the calling goroutine to its OS thread and lowers that
// thread's priority (nice 10): SQLite runs on the calling thread, so the
// checks then use what the compression leaves of the cores. The thread,
// niced, is retired with the goroutine (it stays locked).
func lowPriority() {
	runtime.LockOSThread()
	unix.Setpriority(unix.PRIO_PROCESS, unix.Gettid(), 10)
}

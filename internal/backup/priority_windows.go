package backup

import (
	"runtime"

	"golang.org/x/sys/windows"
)

// lowPriority pins the calling goroutine to its OS thread and lowers that
// thread's priority: SQLite runs on the calling thread, so the checks then
// use what the compression leaves of the cores. The thread, lowered, ends
// with the goroutine.
func lowPriority() {
	runtime.LockOSThread()
	windows.SetThreadPriority(windows.CurrentThread(), windows.THREAD_PRIORITY_BELOW_NORMAL)
}

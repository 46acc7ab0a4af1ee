package backup

import (
	"runtime"

	"golang.org/x/sys/windows"
)

var setThreadPriority = windows.NewLazySystemDLL("kernel32.dll").NewProc("SetThreadPriority")

// threadPriorityBelowNormal is THREAD_PRIORITY_BELOW_NORMAL.
const threadPriorityBelowNormal = ^uintptr(0) // -1

// lowPriority pins the calling goroutine to its OS thread and lowers that
// thread's priority: SQLite runs on the calling thread, so the checks then
// use what the compression leaves of the cores. The thread, lowered, is
// retired with the goroutine (it stays locked).
func lowPriority() {
	runtime.LockOSThread()
	setThreadPriority.Call(uintptr(windows.CurrentThread()), threadPriorityBelowNormal)
}

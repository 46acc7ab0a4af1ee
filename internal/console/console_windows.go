//go:build windows

package console

import (
	"os"

	"golang.org/x/sys/windows"
)

var attachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

const attachParentProcess = ^uintptr(0) // (DWORD)-1

// Attach connects a GUI-subsystem coffre.exe started from cmd.exe or
// PowerShell to its parent's console, so that `coffre sauvegarder …` prints
// its files and errors. Handles already redirected (Task Scheduler writing
// to a file) are kept.
func Attach() {
	out, _ := windows.GetStdHandle(windows.STD_OUTPUT_HANDLE)
	errh, _ := windows.GetStdHandle(windows.STD_ERROR_HANDLE)
	if out != 0 && out != windows.InvalidHandle && errh != 0 && errh != windows.InvalidHandle {
		return
	}
	if r, _, _ := attachConsole.Call(attachParentProcess); r == 0 {
		return
	}
	if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
		if out == 0 || out == windows.InvalidHandle {
			os.Stdout = f
		}
		if errh == 0 || errh == windows.InvalidHandle {
			os.Stderr = f
		}
	}
}

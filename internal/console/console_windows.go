//go:build windows

package console

import (
	"os"

	"golang.org/x/sys/windows"
)

var attachConsole = windows.NewLazySystemDLL("kernel32.dll").NewProc("AttachConsole")

const (
	attachParentProcess = ^uintptr(0) // (DWORD)-1
	utf8CodePage        = 65001
)

// Attach gives the command line its console and UTF-8 output, and returns
// what puts the console's code page back as it was (call it before
// exiting: the console is the user's cmd window, which outlives Coffre).
//
// A GUI-subsystem coffre.exe started from cmd.exe or PowerShell attaches to
// its parent's console, so that `coffre sauvegarder …` prints its files and
// errors. CONOUT$ is opened read-write: Go writes to a console with
// WriteConsoleW (exact accents) only when it can read the console's mode,
// which a write-only handle refuses — then UTF-8 bytes went out raw and
// the console showed « V├⌐rification ». Handles already redirected (Task
// Scheduler or a .bat writing to a file) are kept.
//
// coffre-cli.exe, a console program, already has its console; for both,
// the output code page is set to UTF-8, so that bytes written through a
// pipe (`coffre-cli liste | more`) are shown right too.
func Attach() (restore func()) {
	out, _ := windows.GetStdHandle(windows.STD_OUTPUT_HANDLE)
	errh, _ := windows.GetStdHandle(windows.STD_ERROR_HANDLE)
	if !valid(out) || !valid(errh) {
		if r, _, _ := attachConsole.Call(attachParentProcess); r != 0 {
			if f, err := os.OpenFile("CONOUT$", os.O_RDWR, 0); err == nil {
				if !valid(out) {
					os.Stdout = f
				}
				if !valid(errh) {
					os.Stderr = f
				}
			}
		}
	}
	old, err := windows.GetConsoleOutputCP()
	if err != nil || old == 0 || old == utf8CodePage {
		return func() {} // no console, or already UTF-8
	}
	if windows.SetConsoleOutputCP(utf8CodePage) != nil {
		return func() {}
	}
	return func() { _ = windows.SetConsoleOutputCP(old) }
}

func valid(h windows.Handle) bool { return h != 0 && h != windows.InvalidHandle }

package sqlitestore

import (
	"path/filepath"
	"strings"
	"syscall"
	"unsafe"
)

var getDriveType = syscall.NewLazyDLL("kernel32.dll").NewProc("GetDriveTypeW")

const driveRemote = 4 // DRIVE_REMOTE

func networkFSOf(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		abs = dir
	}
	if strings.HasPrefix(abs, `\\`) && !strings.HasPrefix(abs, `\\?\`) || strings.HasPrefix(abs, `\\?\UNC\`) {
		return "partage Windows"
	}
	root, err := syscall.UTF16PtrFromString(filepath.VolumeName(abs) + `\`)
	if err != nil {
		return ""
	}
	if t, _, _ := getDriveType.Call(uintptr(unsafe.Pointer(root))); t == driveRemote {
		return "lecteur réseau"
	}
	return ""
}

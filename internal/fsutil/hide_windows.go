package fsutil

import "golang.org/x/sys/windows"

// setHidden gives path Windows' hidden attribute, or takes it away: lock
// and temp files stay out of Explorer's view (issue #10, fault 7), and a
// temp file loses it before it becomes a backup, which would otherwise
// keep it. Best effort: a file system without attributes changes nothing.
func setHidden(path string, hidden bool) {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return
	}
	attrs, err := windows.GetFileAttributes(p)
	if err != nil {
		return
	}
	want := attrs &^ windows.FILE_ATTRIBUTE_HIDDEN
	if hidden {
		want = attrs | windows.FILE_ATTRIBUTE_HIDDEN
	}
	if want == attrs {
		return
	}
	if want&^windows.FILE_ATTRIBUTE_DIRECTORY == 0 {
		want = windows.FILE_ATTRIBUTE_NORMAL
	}
	windows.SetFileAttributes(p, want&^windows.FILE_ATTRIBUTE_DIRECTORY)
}

// Hidden reports whether path has Windows' hidden attribute.
func Hidden(path string) bool {
	p, err := windows.UTF16PtrFromString(path)
	if err != nil {
		return false
	}
	attrs, err := windows.GetFileAttributes(p)
	return err == nil && attrs&windows.FILE_ATTRIBUTE_HIDDEN != 0
}

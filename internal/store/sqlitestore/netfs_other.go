//go:build !linux && !windows

package sqlitestore

// networkFSOf knows no network file system here: no warning rather than a
// wrong one.
func networkFSOf(string) string { return "" }

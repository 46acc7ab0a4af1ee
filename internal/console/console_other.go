//go:build !windows

package console

// Attach is a no-op outside Windows: the process already has its terminal.
// The returned function undoes Attach (nothing here).
func Attach() (restore func()) { return func() {} }

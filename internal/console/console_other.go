//go:build !windows

package console

// Attach is a no-op outside Windows: the process already has its terminal.
func Attach() {}

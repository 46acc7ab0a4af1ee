//go:build !linux

package faults

import "testing"

// SmallDisk needs Linux's tmpfs: elsewhere the test is skipped.
func SmallDisk(tb testing.TB, size int64) string {
	tb.Helper()
	tb.Skip("disque plein simulé : tmpfs n'existe que sous Linux")
	return ""
}

// Package fsutil gives Coffre its file guarantees: nothing half-written under
// a final name (temp file in the same folder, fsync, rename), advisory locks
// between Coffre processes, and the sweep of temp files a crash left behind.
package fsutil

// Package verify checks a packed file end to end: container, checksums,
// decompression, the database inside, its counts and totals against the
// manifest, and the accounting invariants.
package verify

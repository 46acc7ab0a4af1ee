// Package export copies a dossier to a new database named E001SOC.db: a
// plain SQLite file, read from a consistent snapshot, that restoring turns
// back into 001SOC.db by renaming (see internal/restore).
//
// The copy is written under a hidden temporary name next to its final name,
// synced, checked (quick_check, then every table's row count and every
// exercice's totals against the snapshot it came from) and only then
// renamed. An existing export is never overwritten unless Replace is set.
package export

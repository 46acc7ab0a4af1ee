// Package faulttest is Coffre's fault matrix, as tests only: every
// operation of the real coffre binary killed at its N-th progress event,
// run on a full disk, next to stale SQLite journals, twice at once, on a
// dossier written meanwhile — and the dossier must come out in its before
// or after state, with every earlier backup intact. docs/FIABILITE.md is
// the table of what is tested where.
package faulttest

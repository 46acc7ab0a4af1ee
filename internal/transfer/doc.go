// Package transfer carries a dossier's changes to another site: partial
// transfer files (.ptf) holding only the rows inserted, updated or deleted
// since the previous transfer, in any table of the dossier.
//
// The source keeps, outside the dossier (a state file per dossier
// identifiant, see StatePath), the hash of every row as of the last
// transfer. Export diffs a consistent snapshot against it, table by table in
// rowid order (a merge, so memory does not grow with the dossier), and packs
// only the changed rows, typed exactly as stored, into a PTF container. The
// very first export, and the one after a change of the database's structure
// (--nouvelle-base), is a full PBF marked as transfer base instead: the
// receiving site restores it like any backup.
//
// Import applies a PTF in one SQLite transaction, after a verified safety
// backup: every deleted or updated row must still be, on the receiving
// side, exactly the row the source had at the base (its hash is in the PTF),
// so a PTF only ever applies onto its base; triggers do not fire (the
// source's triggers already produced what the rows hold) and foreign keys
// are checked as a whole before COMMIT, with the exercice totals the source
// had. The sequence is recorded in `transferts`; a replay, an older
// transfer, a gap or another dossier's file is refused before anything is
// touched. The tables `transferts` and `sessions` belong to each site and
// are never carried. docs/FORMAT.md (« PTF ») describes the file.
package transfer

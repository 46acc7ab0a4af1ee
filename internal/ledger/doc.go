// Package ledger computes what Coffre checks in a dossier: row counts of
// every table and, for schema v1, per-exercice entry counts and totals and
// the entries whose debit and credit differ.
package ledger

// Package cut splits a schema-v1 dossier in two at a fiscal year: the
// exercices before it move to a new dossier file 001SOC_CUT001.db (the
// number grows with each cut of the same dossier), the original keeps that
// exercice and the following ones.
//
// The order makes a crash harmless: the cut file is written under a temp
// name, trimmed, compacted and checked (its exercices' totals and its
// per-account balances are those the old years had) before it gets its
// final name; only then is a verified safety backup of the original taken,
// and the old years are deleted from it in one transaction that checks,
// before COMMIT, that the balances of the years kept are unchanged. The
// à-nouveaux entry of the first exercice kept already carries the opening
// balances, so nothing is added; a warning says when that exercice has
// none. In both files the dossier's triggers are set aside for the
// deletions, and every row outside the exercices removed must come out of
// the transaction unchanged (ledger.ContentOf). Eligible is the wizard's
// default filter.
package cut

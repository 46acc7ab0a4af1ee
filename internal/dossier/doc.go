// Package dossier is Coffre's domain: a dossier's identity, its naming rules,
// the progress events every operation reports and the sentinel errors the
// stores map their driver errors to.
package dossier

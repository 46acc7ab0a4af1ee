// Package dossiertest builds test dossiers from hand-written SQL, independently
// of Coffre's own writers, and dumps databases in a comparable form so tests
// can assert that a copy is identical row for row.
package dossiertest

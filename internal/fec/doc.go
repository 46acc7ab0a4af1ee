// Package fec writes the French « fichier des écritures comptables » (FEC,
// article A47 A-1 of the Livre des procédures fiscales) of one exercice of a
// schema-v1 dossier, after checking the rules the tax administration applies.
package fec

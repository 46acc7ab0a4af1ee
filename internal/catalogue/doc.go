// Package catalogue lists the backup files of a folder with what each one
// holds, so a person can pick the one to restore or check.
package catalogue

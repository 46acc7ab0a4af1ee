package backup

import "coffre/internal/i18n"

// warner is a snapshot that noticed something about its source worth
// telling the user (sqlitestore: a WAL dossier on a network share).
type warner interface {
	Warnings() []i18n.Note
}

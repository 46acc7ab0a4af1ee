package backup

import "coffre/internal/i18n"

// warner is a snapshot that noticed something about its source worth
// telling the user (sqlitestore: a WAL dossier on a network share).
type warner interface {
	Warnings() []i18n.Note
}

// noter is a snapshot that reports what it found beside the dossier
// (sqlitestore: a -journal or -wal it did not apply to the live file).
type noter interface {
	Notes() []i18n.Note
}

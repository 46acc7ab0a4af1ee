package backup

// warner is a snapshot that noticed something about its source worth
// telling the user (sqlitestore: a WAL dossier on a network share).
type warner interface {
	Warnings() []string
}

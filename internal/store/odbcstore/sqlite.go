package odbcstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/odbcconn"
)

// sqliteDialect is SQLite through its ODBC driver ({SQLite3}). Databases
// are the files of the folder named by Database= (see folderCatalog).
type sqliteDialect struct{}

func (sqliteDialect) Name() string          { return "sqlite" }
func (sqliteDialect) Quote(s string) string { return quoteWith(`"`, `"`, s) }
func (sqliteDialect) RowOrder() string      { return "rowid" }

// Tune: the driver's own long-name and big-integer handling; no timeout
// surprises while the management software writes.
func (sqliteDialect) Tune(c odbcconn.ConnString) odbcconn.ConnString {
	return c.WithDefault("Timeout", "10000").With("BigInt", "1")
}

// ServerType uses the names the driver reports as 64-bit integers and
// doubles (INTEGER alone would come back as a 32-bit SQL_INTEGER).
func (sqliteDialect) ServerType(kind string) string {
	switch kind {
	case kindInteger:
		return "BIGINT"
	case kindReal:
		return "DOUBLE"
	case kindText:
		return "TEXT"
	}
	// The driver reports BLOB as a 255-byte SQL_BINARY, too small for a
	// real attachment; LONGVARBINARY is read as long data. (Its NUMERIC
	// affinity leaves BLOB values as they are.)
	return "LONGVARBINARY"
}

// Param: CAST(? AS BLOB) turns the empty string sent for a zero-length
// BLOB into X” (the driver would store NULL for an empty []byte).
func (sqliteDialect) Param(kind string) string {
	if kind == kindBlob || kind == kindMixed {
		return "CAST(? AS BLOB)"
	}
	return "?"
}

func (sqliteDialect) Kind(t string) string {
	t = strings.ToUpper(t)
	switch {
	case strings.Contains(t, "INT"):
		return kindInteger
	case strings.Contains(t, "CHAR"), strings.Contains(t, "CLOB"), strings.Contains(t, "TEXT"):
		return kindText
	case strings.Contains(t, "BLOB"), strings.Contains(t, "BINARY"), t == "":
		return kindBlob
	case strings.Contains(t, "REAL"), strings.Contains(t, "FLOA"), strings.Contains(t, "DOUB"):
		return kindReal
	}
	return kindText
}

func (d sqliteDialect) Tables(ctx context.Context, q ledger.Querier) ([]Table, error) {
	rows, err := q.QueryContext(ctx, `SELECT m.name, p.name, p.type, CASE WHEN p."notnull" THEN 'NO' ELSE 'YES' END, p.pk
FROM sqlite_master m, pragma_table_info(m.name) p
WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite\_%' ESCAPE '\'
ORDER BY m.name, p.cid`)
	if err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	defer rows.Close()
	return scanTables(rows, d)
}

func (sqliteDialect) BeginSnapshot(ctx context.Context, conn *sql.Conn) (*sql.Tx, []i18n.Note, error) {
	tx, err := conn.BeginTx(ctx, nil)
	return tx, nil, err
}

func (sqliteDialect) Sessions(context.Context, ledger.Querier, string) ([]dossier.Session, error) {
	return nil, nil
}
func (sqliteDialect) Disconnect(context.Context, ledger.Querier, string) error { return nil }
func (sqliteDialect) Databases(context.Context, ledger.Querier) (map[string]int64, error) {
	return nil, nil
}
func (sqliteDialect) CreateDatabase(string) []string         { return nil }
func (sqliteDialect) DropDatabase(string) []string           { return nil }
func (sqliteDialect) RenameDatabase(string, string) []string { return nil }
func (sqliteDialect) TryLock(context.Context, *sql.Conn, int64) (bool, error) {
	return false, fmt.Errorf("odbcstore: SQLite locks are files")
}
func (sqliteDialect) Unlock(context.Context, *sql.Conn, int64) error { return nil }

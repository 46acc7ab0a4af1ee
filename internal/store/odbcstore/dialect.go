package odbcstore

import (
	"context"
	"database/sql"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/odbcconn"
)

// Value kinds: the SQLite storage classes a server column holds. A column
// whose values are of several classes (possible only in SQLite) is kept as
// binary with a one-byte tag per value (kindMixed), so it comes back exact.
const (
	kindInteger = "integer"
	kindReal    = "real"
	kindText    = "text"
	kindBlob    = "blob"
	kindMixed   = "mixte"
)

// Column is a column of a table, on the server or in the SQLite image.
type Column struct {
	Name    string
	Type    string // declared type (SQLite) or server type
	NotNull bool
	Default string // a portable SQL literal, "" for none
	PK      int    // 1-based position in the primary key, 0 if not part of it
	Kind    string // the value kind (server side)
}

// Table is a user table with its columns in order.
type Table struct {
	Name    string
	Columns []Column
}

func (t Table) pk() []string {
	var out []string
	for n := 1; ; n++ {
		found := false
		for _, c := range t.Columns {
			if c.PK == n {
				out = append(out, c.Name)
				found = true
			}
		}
		if !found {
			return out
		}
	}
}

// Dialect is what differs between servers. Its methods only build
// statements or run them through the connection they are given; they hold
// no state and are safe for concurrent use.
type Dialect interface {
	// Name is "postgresql", "sqlserver" or "sqlite" (Description.Dialect).
	Name() string
	// Quote quotes an identifier.
	Quote(ident string) string
	// Tune adds the driver options Coffre needs for exact values.
	Tune(c odbcconn.ConnString) odbcconn.ConnString
	// ServerType is the column type holding values of kind.
	ServerType(kind string) string
	// Param is the placeholder for a value of kind in an INSERT.
	Param(kind string) string
	// Kind maps a server column type to a value kind.
	Kind(serverType string) string
	// Tables lists the user tables of the database q is connected to.
	Tables(ctx context.Context, q ledger.Querier) ([]Table, error)
	// RowOrder is the ORDER BY of a table without a key ("" for none):
	// the physical order, which is the order rows were loaded in.
	RowOrder() string
	// BeginSnapshot opens the consistent read on conn; warnings say when
	// the server cannot give one as strong as asked.
	BeginSnapshot(ctx context.Context, conn *sql.Conn) (*sql.Tx, []i18n.Note, error)
	// Sessions lists the other connections to database, q being a
	// connection to the maintenance database.
	Sessions(ctx context.Context, q ledger.Querier, database string) ([]dossier.Session, error)
	// Disconnect ends the other connections to database (only after the
	// user confirmed it).
	Disconnect(ctx context.Context, q ledger.Querier, database string) error
	// Databases lists the databases of the server and their sizes.
	Databases(ctx context.Context, q ledger.Querier) (map[string]int64, error)
	CreateDatabase(name string) []string
	DropDatabase(name string) []string
	RenameDatabase(from, to string) []string
	// TryLock and Unlock take and release the advisory lock key on conn,
	// which stays reserved for the lock's life.
	TryLock(ctx context.Context, conn *sql.Conn, key int64) (bool, error)
	Unlock(ctx context.Context, conn *sql.Conn, key int64) error
}

// quoteWith doubles the closing character: "a""b", [a]]b].
func quoteWith(open, close, s string) string {
	return open + strings.ReplaceAll(s, close, close+close) + close
}

// sqlString is a SQL string literal.
func sqlString(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// lockClass is the first half of Coffre's advisory lock keys ("Cof").
const lockClass = 0x436F66

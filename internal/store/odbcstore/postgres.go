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

// postgres is PostgreSQL through psqlODBC ({PostgreSQL Unicode}).
type postgres struct{}

func (postgres) Name() string          { return "postgresql" }
func (postgres) Quote(s string) string { return quoteWith(`"`, `"`, s) }
func (postgres) RowOrder() string      { return "ctid" }
func (postgres) DropDatabase(n string) []string {
	return []string{"DROP DATABASE IF EXISTS " + postgres{}.Quote(n)}
}
func (postgres) CreateDatabase(n string) []string {
	// template0 and UTF8: the same bytes whatever the server's default.
	return []string{"CREATE DATABASE " + postgres{}.Quote(n) + " TEMPLATE template0 ENCODING 'UTF8'"}
}
func (postgres) RenameDatabase(from, to string) []string {
	return []string{"ALTER DATABASE " + postgres{}.Quote(from) + " RENAME TO " + postgres{}.Quote(to)}
}

// Tune: sums of bigint are numeric, read as text (NumericAs=12, SQL_VARCHAR)
// so they scan exactly into integers; no LF→CRLF rewriting; bytea as long
// binary. No UseDeclareFetch: a big table is read through a cursor of
// Coffre's own, in batches sized to the rows (see eachRow), three times
// faster than psqlODBC's fixed-size fetches.
func (postgres) Tune(c odbcconn.ConnString) odbcconn.ConnString {
	return c.With("NumericAs", "12").With("LFConversion", "0").With("ByteaAsLongVarBinary", "1").
		With("UseDeclareFetch", "0").With("BoolsAsChar", "0").
		// Transaction-level rollback: no savepoint around each statement,
		// so SET TRANSACTION really is the first one.
		With("Protocol", "7.4-1").
		WithDefault("MaxVarcharSize", "65535")
}

func (postgres) ServerType(kind string) string {
	switch kind {
	case kindInteger:
		return "bigint"
	case kindReal:
		return "double precision"
	case kindText:
		return "text"
	}
	return "bytea"
}

func (postgres) Param(kind string) string {
	return "CAST(? AS " + postgres{}.ServerType(kind) + ")"
}

func (postgres) Kind(t string) string {
	t = strings.ToLower(t)
	switch {
	case t == "bigint" || t == "integer" || t == "smallint" || t == "boolean":
		return kindInteger
	case t == "double precision" || t == "real":
		return kindReal
	case t == "bytea":
		return kindBlob
	}
	// text, varchar, char, numeric (read as text, exact), dates…
	return kindText
}

func (d postgres) Tables(ctx context.Context, q ledger.Querier) ([]Table, error) {
	rows, err := q.QueryContext(ctx, `
SELECT c.table_name, c.column_name, c.data_type, c.is_nullable,
       COALESCE((SELECT k.ordinal_position FROM information_schema.table_constraints t
                 JOIN information_schema.key_column_usage k
                   ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema AND k.table_name = t.table_name
                 WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema
                   AND t.table_name = c.table_name AND k.column_name = c.column_name), 0)
FROM information_schema.columns c
JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name
WHERE c.table_schema = current_schema() AND tb.table_type = 'BASE TABLE'
ORDER BY c.table_name, c.ordinal_position`)
	if err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	defer rows.Close()
	return scanTables(rows, d)
}

// scanTables folds rows of (table, column, type, nullable, pk position).
func scanTables(rows *sql.Rows, d Dialect) ([]Table, error) {
	var out []Table
	for rows.Next() {
		var t, c, typ, nullable string
		var pk int64
		if err := rows.Scan(&t, &c, &typ, &nullable, &pk); err != nil {
			return nil, err
		}
		if len(out) == 0 || out[len(out)-1].Name != t {
			out = append(out, Table{Name: t})
		}
		tb := &out[len(out)-1]
		tb.Columns = append(tb.Columns, Column{Name: c, Type: typ, NotNull: strings.EqualFold(nullable, "NO"), PK: int(pk), Kind: d.Kind(typ)})
	}
	return out, rows.Err()
}

func (postgres) BeginSnapshot(ctx context.Context, conn *sql.Conn) (*sql.Tx, []i18n.Note, error) {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return nil, nil, err
	}
	// The first statement of the transaction: every later read sees the
	// same instant, and nothing can be written through it.
	if _, err := tx.ExecContext(ctx, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"); err != nil {
		tx.Rollback()
		return nil, nil, err
	}
	return tx, nil, nil
}

func (postgres) Sessions(ctx context.Context, q ledger.Querier, database string) ([]dossier.Session, error) {
	rows, err := q.QueryContext(ctx, `
SELECT COALESCE(NULLIF(client_hostname, ''), host(client_addr), 'local'), COALESCE(usename, ''),
       COALESCE(NULLIF(application_name, ''), 'inconnu'),
       COALESCE(to_char(backend_start, 'YYYY-MM-DD"T"HH24:MI:SS'), ''),
       COALESCE(to_char(COALESCE(state_change, backend_start), 'YYYY-MM-DD"T"HH24:MI:SS'), '')
FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend' ORDER BY backend_start`, database)
	if err != nil {
		return nil, fmt.Errorf("pg_stat_activity: %w", err)
	}
	defer rows.Close()
	var out []dossier.Session
	for rows.Next() {
		var s dossier.Session
		if err := rows.Scan(&s.Poste, &s.Utilisateur, &s.Programme, &s.Debut, &s.DerniereActivite); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Only client backends are sessions: an autovacuum worker busy on a freshly
// loaded database is no user to warn about, and only a superuser may end it.
func (postgres) Disconnect(ctx context.Context, q ledger.Querier, database string) error {
	rows, err := q.QueryContext(ctx, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid() AND backend_type = 'client backend'`, database)
	if err != nil {
		return err
	}
	return rows.Close()
}

func (postgres) Databases(ctx context.Context, q ledger.Querier) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT datname, CASE WHEN has_database_privilege(datname, 'CONNECT') THEN pg_database_size(datname) ELSE 0 END FROM pg_database WHERE datallowconn AND NOT datistemplate`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var n string
		var size int64
		if err := rows.Scan(&n, &size); err != nil {
			return nil, err
		}
		out[n] = size
	}
	return out, rows.Err()
}

func (postgres) TryLock(ctx context.Context, conn *sql.Conn, key int64) (bool, error) {
	var ok bool
	err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock(CAST(? AS integer), CAST(? AS integer))", lockClass, key).Scan(&ok)
	return ok, err
}

func (postgres) Unlock(ctx context.Context, conn *sql.Conn, key int64) error {
	var ok bool
	return conn.QueryRowContext(ctx, "SELECT pg_advisory_unlock(CAST(? AS integer), CAST(? AS integer))", lockClass, key).Scan(&ok)
}

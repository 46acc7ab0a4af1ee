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

var msgSQLServerType = &i18n.Message{ID: "SQLServerTypeNonPortable", Other: "La base {{.Base}} ne peut pas être sauvegardée à l'identique : la colonne {{.Colonne}} est de type {{.Type}}, que l'image portable ne sait pas garder exactement. Rien n'a été écrit."}

var msgNoSnapshot = &i18n.Message{ID: "ODBCSansSnapshot", Other: "L'isolation SNAPSHOT n'est pas activée sur la base {{.Base}} : la sauvegarde lit en REPEATABLE READ, ce qui peut retarder les écritures du logiciel de gestion. Demandez à votre prestataire d'activer ALLOW_SNAPSHOT_ISOLATION."}

// sqlServer is Microsoft SQL Server (Express included) through the
// « ODBC Driver 17/18 for SQL Server ». No server runs in the tests: the
// statements are checked against a recording fake driver.
type sqlServer struct{}

func (sqlServer) Name() string          { return "sqlserver" }
func (sqlServer) Quote(s string) string { return quoteWith("[", "]", s) }
func (sqlServer) RowOrder() string      { return "" }

func (sqlServer) Tune(c odbcconn.ConnString) odbcconn.ConnString { return c }

func (sqlServer) ServerType(kind string) string {
	switch kind {
	case kindInteger:
		return "BIGINT"
	case kindReal:
		return "FLOAT"
	case kindText:
		return "NVARCHAR(MAX)"
	}
	return "VARBINARY(MAX)"
}

// keyType: an index key cannot be NVARCHAR(MAX) (900 bytes at most).
func (sqlServer) keyType(kind string) string {
	if kind == kindText {
		return "NVARCHAR(450)"
	}
	return sqlServer{}.ServerType(kind)
}

func (sqlServer) Param(kind string) string {
	return "CAST(? AS " + sqlServer{}.ServerType(kind) + ")"
}

func (sqlServer) Kind(t string) string {
	t = strings.ToLower(t)
	switch t {
	case "bigint", "int", "smallint", "tinyint", "bit":
		return kindInteger
	case "float", "real":
		return kindReal
	case "varbinary", "binary", "image", "timestamp", "rowversion":
		return kindBlob
	case "hierarchyid", "geography", "geometry", "sql_variant":
		return kindBlob // refused by refuseColumns
	}
	return kindText
}

// selectExpr reads a column so that its value comes exactly: the ODBC
// driver binds decimal, numeric and money as a C double (0.1 would not be
// 0.1), datetime through a struct without its offset or its 100 ns, a GUID
// as a struct. Those are read as SQL Server's own text of them instead
// (CAST and CONVERT, Transact-SQL: styles 121 and 120 are the ODBC
// canonical forms, style 2 keeps money's four decimals); the date and time
// types of SQL Server 2008 and later convert to their full-precision ISO
// text by default.
func (d sqlServer) selectExpr(c Column) string {
	q := d.Quote(c.Name)
	switch strings.ToLower(c.Type) {
	case "decimal", "numeric":
		return "CAST(" + q + " AS nvarchar(64))"
	case "money", "smallmoney":
		return "CONVERT(nvarchar(32), " + q + ", 2)"
	case "datetime":
		return "CONVERT(nvarchar(23), " + q + ", 121)"
	case "smalldatetime":
		return "CONVERT(nvarchar(19), " + q + ", 120)"
	case "datetime2", "datetimeoffset", "date", "time":
		return "CAST(" + q + " AS nvarchar(40))"
	case "uniqueidentifier":
		return "CAST(" + q + " AS nchar(36))"
	case "xml":
		return "CAST(" + q + " AS nvarchar(max))"
	}
	return q
}

// notPortable are the types whose values the image cannot keep exactly:
// CLR types (their text is not their value) and sql_variant (one column,
// many types).
var notPortable = map[string]bool{"hierarchyid": true, "geography": true, "geometry": true, "sql_variant": true}

// refuseColumns names, before anything is read, a column the image cannot
// carry.
func (sqlServer) refuseColumns(base string, tables []Table) error {
	for _, t := range tables {
		for _, c := range t.Columns {
			if notPortable[strings.ToLower(c.Type)] {
				return i18n.E(msgSQLServerType, map[string]any{"Base": base, "Colonne": t.Name + "." + c.Name, "Type": c.Type}, dossier.ErrUnfaithful)
			}
		}
	}
	return nil
}

func (d sqlServer) Tables(ctx context.Context, q ledger.Querier) ([]Table, error) {
	rows, err := q.QueryContext(ctx, `SELECT c.TABLE_NAME, c.COLUMN_NAME, c.DATA_TYPE, c.IS_NULLABLE,
 COALESCE((SELECT k.ORDINAL_POSITION FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS t
   JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE k ON k.CONSTRAINT_NAME = t.CONSTRAINT_NAME AND k.TABLE_SCHEMA = t.TABLE_SCHEMA AND k.TABLE_NAME = t.TABLE_NAME
   WHERE t.CONSTRAINT_TYPE = 'PRIMARY KEY' AND t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME), 0)
FROM INFORMATION_SCHEMA.COLUMNS c
JOIN INFORMATION_SCHEMA.TABLES tb ON tb.TABLE_SCHEMA = c.TABLE_SCHEMA AND tb.TABLE_NAME = c.TABLE_NAME
WHERE c.TABLE_SCHEMA = SCHEMA_NAME() AND tb.TABLE_TYPE = 'BASE TABLE'
ORDER BY c.TABLE_NAME, c.ORDINAL_POSITION`)
	if err != nil {
		return nil, fmt.Errorf("tables: %w", err)
	}
	defer rows.Close()
	return scanTables(rows, d)
}

// BeginSnapshot: SNAPSHOT isolation when the database allows it (one
// instant, writers never blocked); REPEATABLE READ with a warning otherwise.
func (sqlServer) BeginSnapshot(ctx context.Context, conn *sql.Conn) (*sql.Tx, []i18n.Note, error) {
	var state int64
	var name string
	if err := conn.QueryRowContext(ctx, "SELECT snapshot_isolation_state, name FROM sys.databases WHERE database_id = DB_ID()").Scan(&state, &name); err != nil {
		return nil, nil, err
	}
	level := "SNAPSHOT"
	var warnings []i18n.Note
	if state != 1 {
		level = "REPEATABLE READ"
		warnings = append(warnings, i18n.NewNote(msgNoSnapshot, map[string]any{"Base": name}))
	}
	if _, err := conn.ExecContext(ctx, "SET TRANSACTION ISOLATION LEVEL "+level); err != nil {
		return nil, nil, err
	}
	tx, err := conn.BeginTx(ctx, nil)
	return tx, warnings, err
}

func (sqlServer) Sessions(ctx context.Context, q ledger.Querier, database string) ([]dossier.Session, error) {
	rows, err := q.QueryContext(ctx, `SELECT COALESCE(host_name, ''), COALESCE(login_name, ''), COALESCE(program_name, ''),
 COALESCE(CONVERT(varchar(19), login_time, 126), ''), COALESCE(CONVERT(varchar(19), last_request_end_time, 126), '')
FROM sys.dm_exec_sessions WHERE database_id = DB_ID(?) AND session_id <> @@SPID AND is_user_process = 1 ORDER BY login_time`, database)
	if err != nil {
		return nil, fmt.Errorf("sys.dm_exec_sessions: %w", err)
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

// Disconnect puts the database in single-user mode, rolling back the other
// sessions' work: only ever called after the user confirmed it.
func (d sqlServer) Disconnect(ctx context.Context, q ledger.Querier, database string) error {
	rows, err := q.QueryContext(ctx, "ALTER DATABASE "+d.Quote(database)+" SET SINGLE_USER WITH ROLLBACK IMMEDIATE")
	if err != nil {
		return err
	}
	return rows.Close()
}

func (sqlServer) Databases(ctx context.Context, q ledger.Querier) (map[string]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.name, CAST(SUM(CAST(f.size AS bigint)) * 8192 AS bigint)
FROM sys.databases d JOIN sys.master_files f ON f.database_id = d.database_id
WHERE d.database_id > 4 AND d.state = 0 GROUP BY d.name`)
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

// CreateDatabase allows snapshot isolation on the databases Coffre
// creates, so their backups never block the management software.
func (d sqlServer) CreateDatabase(n string) []string {
	return []string{"CREATE DATABASE " + d.Quote(n), "ALTER DATABASE " + d.Quote(n) + " SET ALLOW_SNAPSHOT_ISOLATION ON"}
}

func (d sqlServer) DropDatabase(n string) []string {
	return []string{"DROP DATABASE IF EXISTS " + d.Quote(n)}
}

// RenameDatabase needs the database to itself: NO_WAIT fails at once if
// anyone is connected instead of throwing them out.
func (d sqlServer) RenameDatabase(from, to string) []string {
	return []string{
		"ALTER DATABASE " + d.Quote(from) + " SET SINGLE_USER WITH NO_WAIT",
		"ALTER DATABASE " + d.Quote(from) + " MODIFY NAME = " + d.Quote(to),
		"ALTER DATABASE " + d.Quote(to) + " SET MULTI_USER",
	}
}

func appLockResource(key int64) string { return fmt.Sprintf("coffre-dossier-%03d", key) }

func (sqlServer) TryLock(ctx context.Context, conn *sql.Conn, key int64) (bool, error) {
	var r int64
	err := conn.QueryRowContext(ctx, `SET NOCOUNT ON; DECLARE @r int;
EXEC @r = sp_getapplock @Resource = ?, @LockMode = 'Exclusive', @LockOwner = 'Session', @LockTimeout = 0, @DbPrincipal = 'public';
SELECT @r`, appLockResource(key)).Scan(&r)
	return r >= 0, err
}

func (sqlServer) Unlock(ctx context.Context, conn *sql.Conn, key int64) error {
	_, err := conn.ExecContext(ctx, "EXEC sp_releaseapplock @Resource = ?, @LockOwner = 'Session', @DbPrincipal = 'public'", appLockResource(key))
	return err
}

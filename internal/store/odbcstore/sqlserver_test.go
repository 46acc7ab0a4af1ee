package odbcstore

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/odbcconn"
)

func TestDialectFor(t *testing.T) {
	for _, tc := range []struct {
		p    odbcconn.Product
		want string
	}{
		{odbcconn.Product{DBMS: "PostgreSQL", Driver: "psqlodbcw.so"}, "postgresql"},
		{odbcconn.Product{DBMS: "Microsoft SQL Server", Driver: "libmsodbcsql-18.so"}, "sqlserver"},
		{odbcconn.Product{DBMS: "SQLite", Driver: "libsqlite3odbc.so"}, "sqlite"},
	} {
		if d := DialectFor(tc.p); d == nil || d.Name() != tc.want {
			t.Errorf("%+v: %v, want %s", tc.p, d, tc.want)
		}
	}
	if DialectFor(odbcconn.Product{DBMS: "Oracle"}) != nil {
		t.Error("Oracle taken for a known server")
	}
}

func TestSQLServerStatements(t *testing.T) {
	d := sqlServer{}
	for _, tc := range []struct{ got, want string }{
		{d.Quote("001]SOC"), "[001]]SOC]"},
		{strings.Join(d.RenameDatabase("coffre_tmp_001_ab", "001SOC"), "\n"), "ALTER DATABASE [coffre_tmp_001_ab] SET SINGLE_USER WITH NO_WAIT\nALTER DATABASE [coffre_tmp_001_ab] MODIFY NAME = [001SOC]\nALTER DATABASE [001SOC] SET MULTI_USER"},
		{strings.Join(d.CreateDatabase("x"), "\n"), "CREATE DATABASE [x]\nALTER DATABASE [x] SET ALLOW_SNAPSHOT_ISOLATION ON"},
		{serverDDL(d, sourceTable{name: "journaux", cols: []Column{{Name: "code", PK: 1, Kind: kindText, NotNull: true}, {Name: "libelle", Kind: kindText, Default: "'x'"}, {Name: "n", Kind: kindInteger, Default: "'no'"}}, nulls: []bool{false, false, false}}),
			"CREATE TABLE [journaux] ([code] NVARCHAR(450) NOT NULL, [libelle] NVARCHAR(MAX) DEFAULT 'x', [n] BIGINT, PRIMARY KEY ([code]))"},
	} {
		if tc.got != tc.want {
			t.Errorf("got\n%s\nwant\n%s", tc.got, tc.want)
		}
	}
}

// TestSQLServerSnapshotIsolation: SNAPSHOT when the database allows it,
// REPEATABLE READ with a warning otherwise, set before the transaction.
func TestSQLServerSnapshotIsolation(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		state int64
		level string
		warn  bool
	}{{1, "SNAPSHOT", false}, {0, "REPEATABLE READ", true}} {
		f, db := newFake(t, answer{match: "snapshot_isolation_state", cols: []string{"s", "name"}, rows: [][]driver.Value{{tc.state, "001SOC"}}})
		conn, err := db.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tx, warnings, err := sqlServer{}.BeginSnapshot(ctx, conn)
		if err != nil {
			t.Fatal(err)
		}
		tx.Rollback()
		conn.Close()
		log := f.statements()
		if len(log) < 3 || log[1] != "SET TRANSACTION ISOLATION LEVEL "+tc.level || log[2] != "BEGIN TRANSACTION" {
			t.Fatalf("statements %q", log)
		}
		if (len(warnings) > 0) != tc.warn || (tc.warn && !strings.Contains(warnings[0].String(), "ALLOW_SNAPSHOT_ISOLATION")) {
			t.Fatalf("warnings %q", warnings)
		}
	}
}

func TestSQLServerAppLock(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		r  int64
		ok bool
	}{{0, true}, {-1, false}} {
		f, db := newFake(t, answer{match: "sp_getapplock", cols: []string{"r"}, rows: [][]driver.Value{{tc.r}}})
		conn, _ := db.Conn(ctx)
		ok, err := sqlServer{}.TryLock(ctx, conn, 7)
		if err != nil || ok != tc.ok {
			t.Fatalf("TryLock = %v, %v", ok, err)
		}
		if log := f.statements(); !strings.Contains(log[0], "@LockOwner = 'Session', @LockTimeout = 0") || !strings.HasSuffix(log[0], "[coffre-dossier-007]") {
			t.Fatalf("statement %q", log[0])
		}
		conn.Close()
	}
}

// TestSQLServerExactReads: each SQL Server type is read so that its value
// comes exactly (the driver binds decimal and money as a C double). The
// expected statement is written from Microsoft's CAST and CONVERT
// documentation, not built by the helpers under test.
func TestSQLServerExactReads(t *testing.T) {
	d := sqlServer{}
	tbl := Table{Name: "valeurs", Columns: []Column{
		{Name: "id", Type: "int"}, {Name: "montant", Type: "decimal"}, {Name: "taux", Type: "numeric"},
		{Name: "prix", Type: "money"}, {Name: "petit", Type: "smallmoney"}, {Name: "quand", Type: "datetime"},
		{Name: "minute", Type: "smalldatetime"}, {Name: "precis", Type: "datetime2"}, {Name: "zone", Type: "datetimeoffset"},
		{Name: "jour", Type: "date"}, {Name: "heure", Type: "time"}, {Name: "guid", Type: "uniqueidentifier"},
		{Name: "doc", Type: "varbinary"}, {Name: "texte", Type: "nvarchar"}, {Name: "actif", Type: "bit"},
		{Name: "version", Type: "timestamp"}, {Name: "x", Type: "xml"}, {Name: "f", Type: "float"},
	}}
	got, _ := selectStatement(d, tbl, []string{"id"})
	want := "SELECT [id], CAST([montant] AS nvarchar(64)), CAST([taux] AS nvarchar(64)), CONVERT(nvarchar(32), [prix], 2), CONVERT(nvarchar(32), [petit], 2), " +
		"CONVERT(nvarchar(23), [quand], 121), CONVERT(nvarchar(19), [minute], 120), CAST([precis] AS nvarchar(40)), CAST([zone] AS nvarchar(40)), " +
		"CAST([jour] AS nvarchar(40)), CAST([heure] AS nvarchar(40)), CAST([guid] AS nchar(36)), [doc], [texte], [actif], [version], CAST([x] AS nvarchar(max)), [f] " +
		"FROM [valeurs] ORDER BY [id]"
	if got != want {
		t.Fatalf("got\n%s\nwant\n%s", got, want)
	}
	for _, c := range []struct {
		kind string
		in   any
		want any
	}{
		{d.Kind("decimal"), []byte("12345678901234.123456"), "12345678901234.123456"},
		{d.Kind("money"), "1.1000", "1.1000"},
		{d.Kind("datetimeoffset"), "2024-06-30 12:34:56.7800000 +02:00", "2024-06-30 12:34:56.7800000 +02:00"},
		{d.Kind("uniqueidentifier"), "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11"},
		{d.Kind("bit"), true, int64(1)},
		{d.Kind("rowversion"), []byte{0, 0, 0, 0, 0, 0, 7, 209}, []byte{0, 0, 0, 0, 0, 0, 7, 209}},
	} {
		if v := normalize(c.in, c.kind); fmt.Sprint(v) != fmt.Sprint(c.want) {
			t.Errorf("normalize(%v, %s) = %#v, want %#v", c.in, c.kind, v, c.want)
		}
	}
	for _, typ := range []string{"hierarchyid", "geography", "geometry", "sql_variant"} {
		err := d.refuseColumns("Compta", []Table{{Name: "lieux", Columns: []Column{{Name: "id", Type: "int"}, {Name: "g", Type: typ}}}})
		if !errors.Is(err, dossier.ErrUnfaithful) || !strings.Contains(i18n.Describe(err), "lieux.g est de type "+typ) {
			t.Errorf("%s: %v", typ, err)
		}
	}
}

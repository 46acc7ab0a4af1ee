package odbcstore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/odbcconn"
	"coffre/internal/store/odbcstore"
	"coffre/internal/store/pgtest"
)

// pgConn is the test cluster (pgtest.Require).
func pgConn(tb testing.TB) odbcconn.ConnString { return pgtest.Require(tb) }

// cleanServer drops every database a test may have left: dossiers (001SOC),
// exports and Coffre's temp databases.
func cleanServer(tb testing.TB, c odbcconn.ConnString) {
	tb.Helper()
	db, err := sql.Open("odbc", c.String())
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query("SELECT datname FROM pg_database WHERE NOT datistemplate AND datname <> 'postgres'")
	if err != nil {
		tb.Fatal(c.Scrub(err.Error()))
	}
	var names []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	for _, n := range names {
		if _, ok := dossier.ParseDBName(n); ok || strings.HasPrefix(n, "coffre_") {
			if _, err := db.Exec(`DROP DATABASE "` + n + `" WITH (FORCE)`); err != nil {
				tb.Fatalf("drop %s: %v", n, c.Scrub(err.Error()))
			}
		}
	}
}

func openPG(tb testing.TB) *odbcstore.Store {
	tb.Helper()
	c := pgConn(tb)
	cleanServer(tb, c)
	s, err := odbcstore.Open(context.Background(), c)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func openSQLite(tb testing.TB) *odbcstore.Store {
	tb.Helper()
	c, _ := odbcconn.New(odbcconn.Attr{Key: "Driver", Value: "SQLite3"}, odbcconn.Attr{Key: "Database", Value: tb.TempDir()})
	s, err := odbcstore.Open(context.Background(), c)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

var _ = filepath.Join

func openRaw(tb testing.TB, c odbcconn.ConnString) *sql.DB {
	tb.Helper()
	db, err := sql.Open("odbc", c.String())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// Package pgtest gives tests the PostgreSQL cluster that
// scripts/services/postgres.sh starts, and keeps the test packages that use
// it from running against it at the same time.
package pgtest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"testing"

	_ "github.com/alexbrainman/odbc" // the "odbc" database/sql driver

	"coffre/internal/odbcconn"
)

// Conn is the connection string of the test cluster's maintenance
// database, user and password included; ok is false when no cluster runs.
func Conn() (c odbcconn.ConnString, ok bool) {
	host := os.Getenv("COFFRE_TEST_PG_HOST")
	if host == "" {
		return c, false
	}
	c, err := odbcconn.New(
		odbcconn.Attr{Key: "Driver", Value: "PostgreSQL Unicode"},
		odbcconn.Attr{Key: "Server", Value: host},
		odbcconn.Attr{Key: "Port", Value: os.Getenv("COFFRE_TEST_PG_PORT")},
		odbcconn.Attr{Key: "Database", Value: "postgres"},
	)
	if err != nil {
		return c, false
	}
	return c.WithCredentials(os.Getenv("COFFRE_TEST_PG_USER"), os.Getenv("COFFRE_TEST_PG_PASSWORD")), true
}

// Require is Conn for a test that needs the cluster: without one it fails
// under make test (COFFRE_SERVICES=1, scripts/services/postgres.sh should
// have started it) and skips otherwise.
func Require(tb testing.TB) odbcconn.ConnString {
	tb.Helper()
	c, ok := Conn()
	if !ok {
		if os.Getenv("COFFRE_SERVICES") == "1" {
			tb.Fatal("COFFRE_TEST_PG_HOST is not set: scripts/services/postgres.sh did not start PostgreSQL")
		}
		tb.Skip("no PostgreSQL test server (run make test, or source scripts/services/postgres.sh)")
	}
	return c
}

// serializeKey is the advisory lock the test packages share ("CofT").
const serializeKey = 0x436F6654

// Serialize waits for, then holds until release, an advisory lock every
// test package using the cluster takes in its TestMain: go test runs
// packages in parallel, and each one drops the others' databases when it
// cleans the server. Without a cluster it does nothing.
func Serialize() (release func()) {
	c, ok := Conn()
	if !ok {
		return func() {}
	}
	db, err := sql.Open("odbc", c.String())
	if err != nil {
		return func() {}
	}
	conn, err := db.Conn(context.Background())
	if err == nil {
		_, err = conn.ExecContext(context.Background(), fmt.Sprintf("SELECT pg_advisory_lock(%d)", serializeKey))
	}
	if err != nil {
		// The tests themselves will report the unreachable server.
		db.Close()
		return func() {}
	}
	return func() {
		conn.Close()
		db.Close()
	}
}

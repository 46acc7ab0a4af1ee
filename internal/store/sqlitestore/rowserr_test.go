package sqlitestore_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/store/sqlitestore"
)

// failingList answers the query listing sqlite_master's tables with one
// table, then a read error on the next row (as a damaged page gives
// midway); every other query goes to db.
type failingList struct{ *sql.DB }

func (f failingList) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	if strings.Contains(q, "FROM sqlite_master") {
		return f.DB.QueryContext(ctx, "SELECT 't' UNION ALL SELECT abs(-9223372036854775808)")
	}
	return f.DB.QueryContext(ctx, q, args...)
}

// TestCheckModulesReadError: a read error while listing the tables is an
// error, not a check of the tables read so far passed as a check of all.
func TestCheckModulesReadError(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t(x)"); err != nil {
		t.Fatal(err)
	}
	if err := sqlitestore.CheckModules(context.Background(), db, path); err != nil {
		t.Fatalf("a sound base: %v", err)
	}
	if err := sqlitestore.CheckModules(context.Background(), failingList{db}, path); err == nil {
		t.Fatal("the listing's read error was dropped: CheckModules passed")
	}
}

package sqlitestore_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"coffre/internal/store/sqlitestore"
)

// TestBuildTags: this binary's SQLite has what Debian's sqlite3 puts in the
// files it writes — FTS5, the math functions, dbstat, percentile, R*Tree,
// FTS4, JSON. Without scripts/goenv.sh's build tags it fails, saying how to
// build.
func TestBuildTags(t *testing.T) {
	db, err := sql.Open("sqlite3", sqlitestore.DSN(filepath.Join(t.TempDir(), "t.db"), ""))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var missing []string
	for _, c := range []struct{ feature, sql string }{
		{"sqlite_fts5", "CREATE VIRTUAL TABLE f5 USING fts5(x)"},
		{"sqlite_math_functions", "SELECT sqrt(4), ln(1), pi()"},
		{"sqlite_dbstat", "SELECT count(*) FROM dbstat"},
		{"sqlite_percentile", "SELECT median(1), percentile(1, 50)"},
		{"sqlite_introspect", "SELECT count(*) FROM pragma_module_list"},
		{"R*Tree (built in)", "CREATE VIRTUAL TABLE rt USING rtree(id, x0, x1)"},
		{"FTS4 (built in)", "CREATE VIRTUAL TABLE f4 USING fts4(x, tokenize=unicode61)"},
		{"JSON (built in)", "SELECT json_extract('{\"a\":1}', '$.a')"},
	} {
		if _, err := db.Exec(c.sql); err != nil {
			missing = append(missing, c.feature+" ("+err.Error()+")")
		}
	}
	if len(missing) > 0 {
		t.Fatalf("this binary's SQLite lacks %s.\nBuild and test Coffre with its build tags: make …, the scripts, or by hand\n  . scripts/goenv.sh && go test ./…   (GOFLAGS=\"-tags=sqlite_fts5,sqlite_math_functions,sqlite_dbstat,sqlite_percentile,sqlite_introspect -mod=mod\")",
			strings.Join(missing, ", "))
	}
}

package ledger_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	_ "github.com/mattn/go-sqlite3"

	"coffre/internal/ledger"
)

// TestContentOf: the digest sees a change of one value, even of its type
// alone (1 → '1', 1 → 1.0, x'31' → '1'), a row gone or duplicated, in a
// rowid table and a WITHOUT ROWID one; it does not depend on row order, and
// ignores exactly the rows the operation may change.
func TestContentOf(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite3", "file:"+filepath.Join(t.TempDir(), "c.db")+"?mode=rwc")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		`CREATE TABLE a (id INTEGER PRIMARY KEY, v ANY, an TEXT) STRICT`,
		`CREATE TABLE b (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID`,
		`CREATE TABLE c (x)`,
		`INSERT INTO a VALUES (1, 1, '2014'), (2, 'deux', '2015'), (3, NULL, '2015'), (4, x'00ff', '2016')`,
		`INSERT INTO b VALUES ('k1', x''), ('k2', NULL)`,
		`INSERT INTO c VALUES (1), (1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
	scope := map[string]string{"a": "an = '2014'"}
	before, err := ledger.ContentOf(ctx, db, "main", scope)
	if err != nil {
		t.Fatal(err)
	}
	if len(before) != 3 || before["a"].Rows != 3 || before["c"].Rows != 2 {
		t.Fatalf("content %+v", before)
	}
	for _, c := range []struct {
		name, change, undo string
		want               []string
	}{
		{"rows in the scope", `UPDATE a SET v = 99 WHERE an = '2014'`, `UPDATE a SET v = 1 WHERE an = '2014'`, nil},
		{"row order", `DELETE FROM b; INSERT INTO b VALUES ('k2', NULL), ('k1', x'')`, ``, nil},
		{"text for an integer", `UPDATE c SET x = '1' WHERE rowid = 1`, `UPDATE c SET x = 1 WHERE rowid = 1`, []string{"c"}},
		{"real for an integer", `UPDATE c SET x = 1.0 WHERE rowid = 1`, `UPDATE c SET x = 1 WHERE rowid = 1`, []string{"c"}},
		{"empty blob for NULL", `UPDATE b SET v = x'' WHERE k = 'k2'`, `UPDATE b SET v = NULL WHERE k = 'k2'`, []string{"b"}},
		{"one value", `UPDATE a SET v = 'trois' WHERE id = 3`, `UPDATE a SET v = NULL WHERE id = 3`, []string{"a"}},
		{"a row gone", `DELETE FROM c WHERE rowid = 2`, `INSERT INTO c (rowid, x) VALUES (2, 1)`, []string{"c"}},
		{"a row duplicated", `INSERT INTO c VALUES (1)`, `DELETE FROM c WHERE rowid = 3`, []string{"c"}},
		{"a row moved out of the scope", `UPDATE a SET an = '2014' WHERE id = 2`, `UPDATE a SET an = '2015' WHERE id = 2`, []string{"a"}},
		{"a table created", `CREATE TABLE d (y)`, `DROP TABLE d`, []string{"d"}},
	} {
		if _, err := db.Exec(c.change); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		after, err := ledger.ContentOf(ctx, db, "main", scope)
		if err != nil {
			t.Fatal(err)
		}
		if got := ledger.Changed(before, after); !slices.Equal(got, c.want) {
			t.Errorf("%s: changed %v, want %v", c.name, got, c.want)
		}
		if c.undo != "" {
			if _, err := db.Exec(c.undo); err != nil {
				t.Fatalf("%s: undo: %v", c.name, err)
			}
		}
	}
	whole, err := ledger.ContentOf(ctx, db, "main", map[string]string{"c": "1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := whole["c"]; ok {
		t.Fatal(`"1" must leave the whole table out`)
	}
}

package odbcstore

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/store"
	"coffre/internal/store/pgtest"
	"coffre/internal/store/sqlitestore"
)

// pgServer is the test cluster's maintenance database, with a fresh
// database name made for the test and dropped after it.
func pgServer(t *testing.T, name, ddl string) (*Store, *sql.DB) {
	t.Helper()
	c, ok := pgtest.Conn()
	if !ok {
		if os.Getenv("COFFRE_SERVICES") == "1" {
			t.Fatal("no PostgreSQL test server")
		}
		t.Skip("no PostgreSQL test server (scripts/with-services.sh)")
	}
	maint, err := sql.Open("odbc", c.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { maint.Close() })
	maint.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`)
	if _, err := maint.Exec(`CREATE DATABASE "` + name + `"`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { maint.Exec(`DROP DATABASE IF EXISTS "` + name + `" WITH (FORCE)`) })
	db, err := sql.Open("odbc", c.With("Database", name).String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if ddl != "" {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatal(c.Scrub(err.Error()))
		}
	}
	s, err := Open(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, db
}

// TestPGFloatText: a real written by Coffre is read back by PostgreSQL
// as the very same binary value, and hashed alike on both sides, for
// values all over the range (float8 and float4).
func TestPGFloatText(t *testing.T) {
	_, db := pgServer(t, "901FLOAT", "")
	rows, err := db.Query(`SELECT x::text, encode(float8send(x), 'hex'), CASE WHEN x = 0 OR abs(x) BETWEEN 1.2e-38 AND 3.4e38 THEN x::real::text END,
  CASE WHEN x = 0 OR abs(x) BETWEEN 1.2e-38 AND 3.4e38 THEN encode(float4send(x::real), 'hex') END FROM (
  SELECT (random() - 0.5) * 10 ^ (random() * 60 - 30) AS x FROM generate_series(1, 3000)
  UNION ALL SELECT unnest(ARRAY[0, '-0', 1, -1, 0.1, 1e15, 1e14, 123456789012345.6, 1e-4, 1e-5, 0.00012345, 1e6, 999999, 1234567, 5e-324, 1.7976931348623157e308, 3.4028235e38, 1.17549435e-38, 'Infinity', '-Infinity']::float8[])) s`)
	if err != nil {
		t.Fatal(err)
	}
	var texts8, bits8, texts4, bits4 []string
	for rows.Next() {
		var f8, b8 string
		var f4, b4 sql.NullString
		if err := rows.Scan(&f8, &b8, &f4, &b4); err != nil {
			t.Fatal(err)
		}
		x, _ := strconv.ParseFloat(f8, 64)
		if got := floatBits(x, false); got != b8 {
			t.Errorf("float8 %s hashed as %s, the server says %s", f8, got, b8)
		}
		texts8, bits8 = append(texts8, pgFloat(x, false)), append(bits8, b8)
		if f4.Valid {
			y, _ := strconv.ParseFloat(f4.String, 32)
			if got := floatBits(y, true); got != b4.String {
				t.Errorf("float4 %s hashed as %s, the server says %s", f4.String, got, b4.String)
			}
			texts4, bits4 = append(texts4, pgFloat(y, true)), append(bits4, b4.String)
		}
	}
	rows.Close()
	if len(texts8) < 3000 {
		t.Fatalf("%d values", len(texts8))
	}
	// What Coffre sends, read by the server: the same bits.
	arr := func(s []string) string { return "{" + strings.Join(s, ",") + "}" }
	var bad int64
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE encode(float8send(CAST(a AS float8)), 'hex') <> b) FROM unnest(CAST(? AS text[]), CAST(? AS text[])) u(a, b)`, arr(texts8), arr(bits8)).Scan(&bad); err != nil || bad != 0 {
		t.Fatalf("float8: %d values read back differently (%v)", bad, err)
	}
	if err := db.QueryRow(`SELECT count(*) FILTER (WHERE encode(float4send(CAST(a AS real)), 'hex') <> b) FROM unnest(CAST(? AS text[]), CAST(? AS text[])) u(a, b)`, arr(texts4), arr(bits4)).Scan(&bad); err != nil || bad != 0 {
		t.Fatalf("float4: %d values read back differently (%v)", bad, err)
	}
}

// TestContentHashCatchesAChange: a value changed in the image after it
// was written (what a conversion bug would do) fails the verification,
// naming the table.
func TestContentHashCatchesAChange(t *testing.T) {
	ctx := context.Background()
	s, _ := pgServer(t, "902HASH", `CREATE TABLE public.a (id int PRIMARY KEY, v numeric(20,6), t text); INSERT INTO public.a VALUES (1, 12345678901234.123456, 'x'), (2, NULL, 'y');
CREATE TABLE public.b (id int); INSERT INTO public.b VALUES (1);`)
	snap, err := s.Snapshot(ctx, "902", store.SnapshotOptions{TempDir: t.TempDir()})
	if err != nil {
		t.Fatal(i18n.Describe(err))
	}
	defer snap.Close()
	r, _, err := snap.Database(ctx)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, r)
	sn := snap.(*snapshot)
	if err := sn.QuickCheck(ctx, "902"); err != nil {
		t.Fatalf("untouched image: %s", i18n.Describe(err))
	}
	img, err := sql.Open("sqlite3", sqlitestore.DSN(sn.image.Name(), "mode=rw"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := img.Exec(`UPDATE a SET v = '12345678901234.123' WHERE id = 1`); err != nil {
		t.Fatal(err)
	}
	img.Close()
	err = sn.QuickCheck(ctx, "902")
	if !errors.Is(err, dossier.ErrCorrupt) || !strings.Contains(i18n.Describe(err), "table a différente") || strings.Contains(i18n.Describe(err), "table b") {
		t.Fatalf("changed image: %v (%s)", err, i18n.Describe(err))
	}
}

package odbcstore_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"coffre/internal/demo"
	"coffre/internal/store"
	"coffre/internal/store/storetest"
)

// BenchmarkODBCBackup: logical backup read from PostgreSQL through
// psqlODBC — one consistent snapshot, the SQLite image built and drained,
// and the stats — next to pg_dump -Fc of the same base in the same run
// (the ratio is what to compare on a noisy machine), in rows/s and MB/s of
// image. Two bases: a ≥ 100 MB demo dossier put there by Coffre
// (BENCH_ODBC_MB changes the size) and a pgbench -i base Coffre did not
// create (BENCH_PGBENCH_SCALE, default 10: 1 M accounts).
func BenchmarkODBCBackup(b *testing.B) {
	ctx := context.Background()
	s := openPG(b)
	c := pgConn(b)
	size := 110
	if v, err := strconv.Atoi(os.Getenv("BENCH_ODBC_MB")); err == nil && v > 0 {
		size = v
	}
	scale := "10"
	if v := os.Getenv("BENCH_PGBENCH_SCALE"); v != "" {
		scale = v
	}
	dir := b.TempDir()
	if _, err := demo.Generate(ctx, dir, demo.Options{SizeMB: size}); err != nil {
		b.Fatal(err)
	}
	matches, _ := filepath.Glob(filepath.Join(dir, "001*.db"))
	if len(matches) != 1 {
		b.Fatalf("demo dossier: %v", matches)
	}
	storetest.Put(b, s, "001", "SOC", matches[0])
	if _, err := openRaw(b, c).Exec(`CREATE DATABASE "002BENCH"`); err != nil {
		b.Fatal(err)
	}
	pgbin := func(name string) string {
		bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
		if len(bins) == 0 {
			b.Fatalf("%s (Debian package postgresql) is missing", name)
		}
		return bins[len(bins)-1]
	}
	pg := func(name string, args ...string) {
		cmd := exec.Command(pgbin(name), append([]string{"-h", os.Getenv("COFFRE_TEST_PG_HOST"), "-p", os.Getenv("COFFRE_TEST_PG_PORT"), "-U", os.Getenv("COFFRE_TEST_PG_USER")}, args...)...)
		cmd.Env = append(os.Environ(), "PGPASSWORD="+os.Getenv("COFFRE_TEST_PG_PASSWORD"))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("%s: %v\n%s", name, err, out)
		}
	}
	pg("pgbench", "-i", "-q", "-s", scale, "002BENCH")
	for _, base := range []struct{ numero, name string }{{"001", "001SOC"}, {"002", "002BENCH"}} {
		b.Run(base.name, func(b *testing.B) {
			var rows, bytes int64
			var coffre, dump time.Duration
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				snap, err := s.Snapshot(ctx, base.numero, store.SnapshotOptions{TempDir: b.TempDir()})
				if err != nil {
					b.Fatal(err)
				}
				r, n, err := snap.Database(ctx)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := io.Copy(io.Discard, r); err != nil {
					b.Fatal(err)
				}
				st, err := snap.Stats(ctx)
				if err != nil {
					b.Fatal(err)
				}
				snap.Close()
				coffre += time.Since(t0)
				for _, t := range st.Tables {
					rows += t.Rows
				}
				bytes += n
				t0 = time.Now()
				pg("pg_dump", "-Fc", "-f", filepath.Join(b.TempDir(), "base.dump"), base.name)
				dump += time.Since(t0)
			}
			sec := coffre.Seconds()
			b.ReportMetric(float64(rows)/sec, "rows/s")
			b.ReportMetric(float64(bytes)/1e6/sec, "MB/s")
			b.ReportMetric(sec/float64(b.N), "coffre-s/op")
			b.ReportMetric(dump.Seconds()/float64(b.N), "pg_dump-s/op")
			b.ReportMetric(sec/dump.Seconds(), "ratio-coffre/pg_dump")
		})
	}
}

package odbcstore_test

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"coffre/internal/demo"
	"coffre/internal/store"
	"coffre/internal/store/storetest"
)

// BenchmarkODBCBackup: logical backup read of a ≥ 100 MB demo dossier from
// PostgreSQL through psqlODBC — one consistent snapshot, the SQLite image
// built and drained, and the stats — in rows/s and MB/s (of image).
// BENCH_ODBC_MB changes the size.
func BenchmarkODBCBackup(b *testing.B) {
	ctx := context.Background()
	s := openPG(b)
	size := 110
	if v, err := strconv.Atoi(os.Getenv("BENCH_ODBC_MB")); err == nil && v > 0 {
		size = v
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
	b.ResetTimer()
	var rows, bytes int64
	for i := 0; i < b.N; i++ {
		snap, err := s.Snapshot(ctx, "001", store.SnapshotOptions{TempDir: b.TempDir()})
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
		for _, t := range st.Tables {
			rows += t.Rows
		}
		bytes += n
	}
	sec := b.Elapsed().Seconds()
	b.ReportMetric(float64(rows)/sec, "rows/s")
	b.ReportMetric(float64(bytes)/1e6/sec, "MB/s")
}

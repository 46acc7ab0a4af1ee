package odbcstore_test

import (
	"os"
	"testing"

	"coffre/internal/store/pgtest"
)

// TestMain keeps the other packages testing against the same PostgreSQL
// cluster off it while these tests run.
func TestMain(m *testing.M) {
	release := pgtest.Serialize()
	code := m.Run()
	release()
	os.Exit(code)
}

package workcopy_test

import (
	"os"
	"testing"

	"coffre/internal/pack"
	"coffre/internal/store/pgtest"
)

func TestMain(m *testing.M) {
	pack.UseCheapScryptForTests()
	release := pgtest.Serialize()
	code := m.Run()
	release()
	os.Exit(code)
}

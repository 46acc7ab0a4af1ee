package service

import (
	"os"
	"testing"

	"coffre/internal/pack"
)

func TestMain(m *testing.M) {
	pack.UseCheapScryptForTests()
	os.Exit(m.Run())
}

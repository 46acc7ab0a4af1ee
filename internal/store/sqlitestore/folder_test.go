package sqlitestore_test

import (
	"testing"

	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
	"coffre/internal/store/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store {
		s, err := sqlitestore.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

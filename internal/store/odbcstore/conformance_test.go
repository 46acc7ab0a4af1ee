package odbcstore_test

import (
	"testing"

	"coffre/internal/store"
	"coffre/internal/store/storetest"
)

func TestConformancePostgreSQL(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openPG(t) })
}

func TestConformanceSQLiteODBC(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openSQLite(t) })
}

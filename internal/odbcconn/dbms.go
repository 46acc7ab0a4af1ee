package odbcconn

/*
#cgo linux LDFLAGS: -lodbc
#cgo darwin LDFLAGS: -lodbc
#cgo windows LDFLAGS: -lodbc32
#ifdef _WIN32
#include <windows.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sql.h>
#include <sqlext.h>

// coffre_dbms connects with cs, asks SQLGetInfo for the DBMS and driver
// names, and disconnects. On failure it copies the first diagnostic to err.
static int coffre_dbms(char *cs, char *dbms, char *drv, char *err, char *state, int n) {
	SQLHENV env = SQL_NULL_HENV;
	SQLHDBC dbc = SQL_NULL_HDBC;
	SQLSMALLINT len = 0;
	int ok = 0;
	dbms[0] = drv[0] = err[0] = state[0] = 0;
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env))) return 0;
	SQLSetEnvAttr(env, SQL_ATTR_ODBC_VERSION, (SQLPOINTER)SQL_OV_ODBC3, 0);
	if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env, &dbc))) goto done;
	if (!SQL_SUCCEEDED(SQLDriverConnect(dbc, NULL, (SQLCHAR *)cs, SQL_NTS, NULL, 0, &len, SQL_DRIVER_NOPROMPT))) {
		SQLINTEGER native;
		SQLSMALLINT ml;
		SQLGetDiagRec(SQL_HANDLE_DBC, dbc, 1, (SQLCHAR *)state, &native, (SQLCHAR *)err, (SQLSMALLINT)n, &ml);
		goto done;
	}
	SQLGetInfo(dbc, SQL_DBMS_NAME, dbms, (SQLSMALLINT)n, &len);
	SQLGetInfo(dbc, SQL_DRIVER_NAME, drv, (SQLSMALLINT)n, &len);
	SQLDisconnect(dbc);
	ok = 1;
done:
	if (dbc != SQL_NULL_HDBC) SQLFreeHandle(SQL_HANDLE_DBC, dbc);
	SQLFreeHandle(SQL_HANDLE_ENV, env);
	return ok;
}
*/
import "C"

import (
	"context"
	"strings"
	"unsafe"
)

// ProbeError is a failed connection: the ODBC SQLSTATE and the driver's
// message, scrubbed of secrets.
type ProbeError struct {
	State, Text string
}

func (e *ProbeError) Error() string { return e.Text }

// NoDriver reports whether the driver manager found no driver or DSN for
// the string: SQLSTATE IM002/IM003, or unixODBC's « Can't open lib » for a
// driver name it does not know.
func (e *ProbeError) NoDriver() bool {
	return e.State == "IM002" || e.State == "IM003" || strings.Contains(e.Text, "[Driver Manager]Can't open lib")
}

// Product is what the driver manager says is at the other end.
type Product struct {
	DBMS   string // SQL_DBMS_NAME: "PostgreSQL", "Microsoft SQL Server", "SQLite"…
	Driver string // SQL_DRIVER_NAME: "psqlodbcw.so", "libsqlite3odbc.so"…
}

// Probe connects once with c and asks SQLGetInfo for the DBMS and driver
// names. Its error text is scrubbed of c's secrets.
func Probe(ctx context.Context, c ConnString) (Product, error) {
	type result struct {
		p   Product
		err error
	}
	ch := make(chan result, 1)
	go func() {
		cs := C.CString(c.String())
		defer func() {
			// The string holds the password: wipe it before freeing.
			C.memset(unsafe.Pointer(cs), 0, C.size_t(len(c.String())))
			C.free(unsafe.Pointer(cs))
		}()
		const n = 512
		buf := (*C.char)(C.malloc(4 * n))
		defer C.free(unsafe.Pointer(buf))
		dbms := buf
		drv := (*C.char)(unsafe.Add(unsafe.Pointer(buf), n))
		msg := (*C.char)(unsafe.Add(unsafe.Pointer(buf), 2*n))
		state := (*C.char)(unsafe.Add(unsafe.Pointer(buf), 3*n))
		if C.coffre_dbms(cs, dbms, drv, msg, state, n) == 0 {
			text := C.GoString(msg)
			if text == "" {
				text = "connexion impossible"
			}
			ch <- result{err: &ProbeError{State: C.GoString(state), Text: c.Scrub(text)}}
			return
		}
		ch <- result{p: Product{DBMS: C.GoString(dbms), Driver: C.GoString(drv)}}
	}()
	select {
	case r := <-ch:
		return r.p, r.err
	case <-ctx.Done():
		return Product{}, ctx.Err()
	}
}

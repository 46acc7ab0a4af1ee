// Package odbcconn builds and reads ODBC connection strings: the one place
// where values are braced per the ODBC grammar and secrets are kept out of
// what Coffre shows, logs or records.
package odbcconn

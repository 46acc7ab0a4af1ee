package odbcstore

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
)

// fakeServer is a database/sql driver that records every statement and
// answers from canned results: SQL Server cannot run here, so its dialect
// and native mode are checked against what they send.
type fakeServer struct {
	mu      sync.Mutex
	log     []string
	answers []answer
}

// answer is the result of the first statement containing match.
type answer struct {
	match string
	cols  []string
	rows  [][]driver.Value
	err   error
}

func newFake(t *testing.T, answers ...answer) (*fakeServer, *sql.DB) {
	t.Helper()
	f := &fakeServer{answers: answers}
	db := sql.OpenDB(f)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	return f, db
}

func (f *fakeServer) Connect(context.Context) (driver.Conn, error) { return &fakeConn{f}, nil }
func (f *fakeServer) Driver() driver.Driver                        { return nil }

func (f *fakeServer) run(q string, args []driver.NamedValue) (answer, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	rec := q
	for _, a := range args {
		rec += fmt.Sprintf(" [%v]", a.Value)
	}
	f.log = append(f.log, rec)
	for _, a := range f.answers {
		if strings.Contains(q, a.match) {
			return a, a.err
		}
	}
	return answer{}, nil
}

func (f *fakeServer) statements() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.log...)
}

type fakeConn struct{ f *fakeServer }

func (c *fakeConn) Prepare(q string) (driver.Stmt, error) { return &fakeStmt{c.f, q}, nil }
func (c *fakeConn) Close() error                          { return nil }
func (c *fakeConn) Begin() (driver.Tx, error) {
	c.f.run("BEGIN TRANSACTION", nil)
	return fakeTx{c.f}, nil
}

type fakeTx struct{ f *fakeServer }

func (t fakeTx) Commit() error   { t.f.run("COMMIT", nil); return nil }
func (t fakeTx) Rollback() error { t.f.run("ROLLBACK", nil); return nil }

type fakeStmt struct {
	f *fakeServer
	q string
}

func (s *fakeStmt) Close() error  { return nil }
func (s *fakeStmt) NumInput() int { return -1 }
func (s *fakeStmt) Exec(args []driver.Value) (driver.Result, error) {
	_, err := s.f.run(s.q, named(args))
	return driver.RowsAffected(0), err
}
func (s *fakeStmt) Query(args []driver.Value) (driver.Rows, error) {
	a, err := s.f.run(s.q, named(args))
	if err != nil {
		return nil, err
	}
	return &fakeRows{cols: a.cols, rows: a.rows}, nil
}

func named(args []driver.Value) []driver.NamedValue {
	out := make([]driver.NamedValue, len(args))
	for i, a := range args {
		out[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	return out
}

type fakeRows struct {
	cols []string
	rows [][]driver.Value
}

func (r *fakeRows) Columns() []string { return r.cols }
func (r *fakeRows) Close() error      { return nil }
func (r *fakeRows) Next(dest []driver.Value) error {
	if len(r.rows) == 0 {
		return io.EOF
	}
	copy(dest, r.rows[0])
	r.rows = r.rows[1:]
	return nil
}

package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"io"
	"os"

	sqlite3 "github.com/mattn/go-sqlite3"
)

// copyChunk is what one step of a private copy reads under one read
// transaction: a few milliseconds of copying, the longest a writer of the
// management software then waits.
const copyChunk = 4 << 20

// maxRestarts bounds how often a private copy starts over because the
// management software committed in between two steps. The next attempt
// holds one read transaction for the whole copy: writers then wait for the
// copy (a raw copy of the file, ≈ 0.3 s per GB where the file is cached),
// instead of the backup never ending under a writer that never stops.
const maxRestarts = 3

// stepCopy copies the rollback-journal database that conn reads, through
// live (the same file), into dst: in steps of copyChunk bytes, each under
// its own short read transaction, so that writers commit in between. The
// file change counter, which every commit moves, tells when a step met a
// commit: the copy then starts over. It returns the image size and the
// number of restarts.
func stepCopy(ctx context.Context, conn *sql.Conn, live, dst *os.File, report func(done, total int64)) (int64, int, error) {
	buf := make([]byte, copyChunk)
	for attempt := 0; ; attempt++ {
		size, moved, err := copyOnce(ctx, conn, live, dst, buf, attempt == maxRestarts, report)
		if err != nil || !moved {
			return size, attempt, err
		}
	}
}

// copyOnce is one attempt; moved reports a commit met between two steps.
func copyOnce(ctx context.Context, conn *sql.Conn, live, dst *os.File, buf []byte, whole bool, report func(done, total int64)) (size int64, moved bool, err error) {
	var counter uint32
	var pageSize int64
	inTx := false
	begin := func() error {
		if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
			return err
		}
		inTx = true
		var n int
		// The first read takes the shared lock that keeps writers from
		// committing until the step ends.
		return conn.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master").Scan(&n)
	}
	end := func() {
		if inTx {
			conn.ExecContext(context.Background(), "ROLLBACK")
			inTx = false
		}
	}
	defer end()
	var hdr [100]byte
	for off := int64(0); off == 0 || off < size; {
		if err := ctx.Err(); err != nil {
			return 0, false, err
		}
		if !inTx {
			if err := begin(); err != nil {
				return 0, false, err
			}
		}
		if _, err := live.ReadAt(hdr[:], 0); err != nil {
			return 0, false, err
		}
		c := binary.BigEndian.Uint32(hdr[24:])
		if off == 0 {
			var pages int64
			if err := conn.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
				return 0, false, err
			}
			if err := conn.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil {
				return 0, false, err
			}
			counter, size = c, pages*pageSize
			if err := dst.Truncate(0); err != nil {
				return 0, false, err
			}
			if size == 0 {
				return 0, false, nil
			}
		} else if c != counter {
			return 0, true, nil
		}
		n := min(int64(len(buf)), size-off)
		if _, err := (lockBytePage{live, pageSize}).ReadAt(buf[:n], off); err != nil && err != io.EOF {
			return 0, false, err
		}
		if _, err := dst.WriteAt(buf[:n], off); err != nil {
			return 0, false, err
		}
		if !whole {
			end()
		}
		off += n
		report(off, size)
	}
	return size, false, dst.Truncate(size)
}

// backupCopy copies the WAL-mode database that conn reads into the file
// at dst with SQLite's online backup API, within one read transaction (in
// WAL mode readers never block writers), then puts the copy in
// rollback-journal mode so that it is one self-contained file.
func backupCopy(ctx context.Context, conn *sql.Conn, dst string) error {
	d, err := sql.Open("sqlite3", DSN(dst, "_journal_mode=OFF"))
	if err != nil {
		return err
	}
	defer d.Close()
	dconn, err := d.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN"); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), "ROLLBACK")
	err = dconn.Raw(func(dc any) error {
		return conn.Raw(func(sc any) error {
			b, err := dc.(*sqlite3.SQLiteConn).Backup("main", sc.(*sqlite3.SQLiteConn), "main")
			if err != nil {
				return err
			}
			for {
				if err := ctx.Err(); err != nil {
					b.Finish()
					return err
				}
				done, err := b.Step(1024)
				if err != nil {
					b.Finish()
					return err
				}
				if done {
					return b.Finish()
				}
			}
		})
	})
	if err != nil {
		return fmt.Errorf("backup API: %w", err)
	}
	_, err = dconn.ExecContext(ctx, "PRAGMA journal_mode=DELETE")
	return err
}

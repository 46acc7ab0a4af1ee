package odbcstore

import (
	"context"
	"database/sql"
	"fmt"
)

// A server table is read through a cursor of the snapshot's transaction,
// a batch of rows at a time: psqlODBC holds a whole result in memory (with
// UseDeclareFetch it does the same per fetch, of a fixed number of rows,
// and fetches three times slower), so the batch is sized from the table's
// average row width to keep about batchBytes in memory, however wide its
// rows (a 100 MB bytea is one row of one batch).
const (
	batchBytes = 32 << 20
	maxBatch   = 20000
	// defaultBatch: a table never analyzed (no width known).
	defaultBatch = 1000
)

// batchFor is the number of rows to fetch at once from relation rel (a
// regclass literal): its size over its rows, partitions included.
func batchFor(ctx context.Context, tx *sql.Tx, rel string) int {
	var width sql.NullFloat64
	err := tx.QueryRowContext(ctx, `SELECT sum(pg_total_relation_size(c.oid)) / NULLIF(sum(GREATEST(c.reltuples, 0)), 0)
FROM pg_class c WHERE c.oid = CAST(? AS regclass) OR c.oid IN (SELECT relid FROM pg_partition_tree(CAST(? AS regclass)))`, rel, rel).Scan(&width)
	if err == nil && (!width.Valid || width.Float64 <= 0) {
		// Never analyzed (a base just loaded): the first rows tell.
		err = tx.QueryRowContext(ctx, "SELECT avg(pg_column_size(s.*)) FROM (SELECT * FROM "+rel+" LIMIT 200) s").Scan(&width)
	}
	if err != nil || !width.Valid || width.Float64 <= 0 {
		return defaultBatch
	}
	return max(1, min(maxBatch, int(batchBytes/width.Float64)))
}

// eachRow runs query through the cursor, batch rows at a time, and calls
// fn with each row's values (reused from one row to the next).
func eachRow(ctx context.Context, tx *sql.Tx, query string, ncols, batch int, fn func(vals []any) error) error {
	if _, err := tx.ExecContext(ctx, "DECLARE coffre_lecture NO SCROLL CURSOR FOR "+query); err != nil {
		return err
	}
	vals := make([]any, ncols)
	ptrs := make([]any, ncols)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	fetch := fmt.Sprintf("FETCH FORWARD %d FROM coffre_lecture", batch)
	for {
		rows, err := tx.QueryContext(ctx, fetch)
		if err != nil {
			return err
		}
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				rows.Close()
				return err
			}
			if err := fn(vals); err != nil {
				rows.Close()
				return err
			}
			n++
		}
		if err := closeRows(rows); err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if n < batch {
			_, err := tx.ExecContext(ctx, "CLOSE coffre_lecture")
			return err
		}
	}
}

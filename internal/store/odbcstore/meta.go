package odbcstore

import (
	"context"
	"encoding/json"
	"strings"

	"coffre/internal/ledger"
)

// metaTable keeps, on the server, what a SQLite image needs to come back
// exactly as it was restored: the original sqlite_master (tables, indexes,
// views, triggers), the value kind of each column, each table's row order
// and sqlite_sequence. It is Coffre's, never listed among the dossier's
// tables; when the server's tables no longer match it (the management
// software changed the schema) the image is built from the catalog instead.
const metaTable = "coffre_schema_sqlite"

// metaObject is one row of metaTable.
type metaObject struct {
	Type, Name, TblName, SQL string
}

// tableLayout is the "colonnes" row of a table.
type tableLayout struct {
	Columns []layoutColumn `json:"colonnes"`
	Order   []string       `json:"ordre,omitempty"` // ORDER BY columns; none: physical order
}

type layoutColumn struct {
	Name string `json:"nom"`
	Kind string `json:"type"`
}

type meta struct {
	objects   []metaObject // sqlite_master rows, in creation order
	layouts   map[string]tableLayout
	sequences []metaObject // Name = table, SQL = seq
	stats     []metaObject // sqlite_stat1: Name = tbl, TblName = idx, SQL = stat
}

func metaDDL(d Dialect) string {
	t := d.ServerType(kindText)
	return "CREATE TABLE " + d.Quote(metaTable) + " (ordre " + d.ServerType(kindInteger) + " NOT NULL PRIMARY KEY, type " + t + " NOT NULL, name " + t + " NOT NULL, tbl_name " + t + ", " + d.Quote("sql") + " " + t + ")"
}

// readMeta reads metaTable through q; nil when absent or unusable.
func readMeta(ctx context.Context, d Dialect, q ledger.Querier, tables []Table) *meta {
	found := false
	for _, t := range tables {
		if t.Name == metaTable {
			found = true
		}
	}
	if !found {
		return nil
	}
	rows, err := q.QueryContext(ctx, "SELECT type, name, tbl_name, "+d.Quote("sql")+" FROM "+d.Quote(metaTable)+" ORDER BY ordre")
	if err != nil {
		return nil
	}
	defer rows.Close()
	m := &meta{layouts: map[string]tableLayout{}}
	for rows.Next() {
		var o metaObject
		var tbl, sqlText any
		if err := rows.Scan(&o.Type, &o.Name, &tbl, &sqlText); err != nil {
			return nil
		}
		o.TblName, _ = normalize(tbl, kindText).(string)
		o.SQL, _ = normalize(sqlText, kindText).(string)
		switch o.Type {
		case "colonnes":
			var l tableLayout
			if json.Unmarshal([]byte(o.SQL), &l) != nil {
				return nil
			}
			m.layouts[o.Name] = l
		case "sequence":
			m.sequences = append(m.sequences, o)
		case "stat1":
			m.stats = append(m.stats, o)
		default:
			m.objects = append(m.objects, o)
		}
	}
	if rows.Err() != nil {
		return nil
	}
	// Usable only if the server holds exactly the tables and columns
	// recorded.
	n := 0
	for _, t := range tables {
		if t.Name == metaTable {
			continue
		}
		n++
		l, ok := m.layouts[t.Name]
		if !ok || len(l.Columns) != len(t.Columns) {
			return nil
		}
		for i, c := range t.Columns {
			if !strings.EqualFold(c.Name, l.Columns[i].Name) {
				return nil
			}
		}
	}
	if n != len(m.layouts) {
		return nil
	}
	return m
}

package odbcstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/store/sqlitestore"
)

// A PostgreSQL base Coffre did not create (no usable coffre_schema_sqlite)
// is carried exactly: its structure as PostgreSQL's own deparsed DDL, its
// rows as the text PostgreSQL gives (numbers, booleans and bytea as SQLite
// integers, reals and blobs), both in the SQLite image; the DDL and the
// layout of each table go to the image's pgMetaTable. What the image cannot
// carry is refused before anything is written.

var (
	msgPGType   = &i18n.Message{ID: "PGTypeNonPortable", Other: "La base {{.Base}} ne peut pas être sauvegardée à l'identique : la colonne {{.Colonne}} est de type {{.Type}} ({{.Raison}}). Rien n'a été écrit."}
	msgPGObject = &i18n.Message{ID: "PGObjetNonPortable", Other: "La base {{.Base}} ne peut pas être sauvegardée à l'identique : {{.Objets}} (l'image portable ne sait pas les recréer). Rien n'a été écrit."}

	msgWhyExtension = &i18n.Message{ID: "PGRaisonExtension", Other: "type de l'extension {{.Extension}}"}
	msgWhyBase      = &i18n.Message{ID: "PGRaisonTypeExterne", Other: "type de base défini hors de PostgreSQL"}
	msgWhyReg       = &i18n.Message{ID: "PGRaisonReg", Other: "désigne un objet de la base par son numéro interne"}
)

// pgMetaTable, in the image, holds a PostgreSQL base's structure: one row
// per DDL statement, in the order a restore runs them, and one row per
// table giving its layout (type "table").
const pgMetaTable = sqlitestore.PGMetaTable

// Phases of the DDL, in restore order; the rows are loaded between
// phaseBeforeData and phaseAfterData.
const (
	phaseBeforeData = "avant"
	phaseAfterData  = "apres"
)

// pgStatement is one DDL statement of the base.
type pgStatement struct {
	Phase string
	Kind  string // schema, extension, type, function, sequence, table, index…
	Name  string // schema.name, for messages
	SQL   string
}

// Storage of a PostgreSQL column in the image.
const (
	storeInteger = "integer" // int2/int4/int8: SQLite INTEGER
	storeBool    = "bool"    // boolean: INTEGER 0/1
	storeFloat   = "float"   // float4/float8: REAL, NaN as the TEXT 'NaN'
	storeText    = "text"    // any other type: PostgreSQL's text output
	storeBytea   = "bytea"   // bytea: BLOB
	storeMoney   = "money"   // money: the text of its numeric value
)

// pgColumn is a column of a PostgreSQL table, as recorded in the image.
type pgColumn struct {
	Name      string `json:"nom"`
	Type      string `json:"type"` // format_type(), schema-qualified
	Store     string `json:"stockage"`
	Float4    bool   `json:"real,omitempty"`
	Generated bool   `json:"genere,omitempty"`   // STORED generated: recomputed by the server
	Identity  string `json:"identite,omitempty"` // 'a' ALWAYS, 'd' BY DEFAULT
	// Mixed: a SQLite column of several storage classes, kept on the
	// server as tagged bytea (see encodeMixed); only for CompareImage.
	Mixed bool `json:"-"`
}

// pgTable is a table of the base: a plain table or the root of a
// partitioned one (its partitions' rows are read through it, once).
type pgTable struct {
	Schema      string     `json:"schema"`
	Name        string     `json:"nom"`
	Image       string     `json:"image"` // table name in the image
	Partitioned bool       `json:"partitionnee,omitempty"`
	Columns     []pgColumn `json:"colonnes"`
	Key         []string   `json:"cle,omitempty"` // primary key columns: the image's order
	oid         int64
}

func (t pgTable) qualified() string {
	return postgres{}.Quote(t.Schema) + "." + postgres{}.Quote(t.Name)
}

// from is the FROM of a read of the table's own rows: ONLY for a plain
// table (inheritance children are not its rows), the whole tree for a
// partitioned one.
func (t pgTable) from() string {
	if t.Partitioned {
		return t.qualified()
	}
	return "ONLY " + t.qualified()
}

// imageName: the public schema's tables keep their name (a schema-v1
// dossier stays one), the others are « schema.table ».
func imageName(schema, name string) string {
	if schema == "public" {
		return name
	}
	return schema + "." + name
}

// pgSchema is what a snapshot read of the base's catalog found.
type pgSchema struct {
	tables     []pgTable
	statements []pgStatement
	sequences  []pgSequence
}

type pgSequence struct {
	Qualified string
	Identity  bool   // an identity column's: found again by pg_get_serial_sequence
	Table     string // identity: the table and column
	Column    string
}

// userNS keeps PostgreSQL's own schemas and those of extensions out.
const userNS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%' AND n.nspname NOT LIKE 'pg\_temp%'`

// notExtension keeps out the objects an extension created (the extension
// is recreated instead). cls is the catalog, oid the object's oid column.
func notExtension(cls, oid string) string {
	return "NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '" + cls + "'::regclass AND dep.objid = " + oid + " AND dep.deptype = 'e')"
}

// notImplied also keeps out the functions and casts PostgreSQL made along
// with another object (a range type's constructors and casts): they come
// back with it.
func notImplied(cls, oid string) string {
	return "NOT EXISTS (SELECT 1 FROM pg_depend dep WHERE dep.classid = '" + cls + "'::regclass AND dep.objid = " + oid + " AND dep.deptype IN ('e', 'i'))"
}

// readPGSchema reads the base's structure through q, inside the snapshot.
// The search path is emptied meanwhile, so that PostgreSQL's deparsing
// functions qualify every name; the caller's is put back after.
func readPGSchema(ctx context.Context, q execer, base string) (*pgSchema, error) {
	var path string
	if err := q.QueryRowContext(ctx, "SELECT current_setting('search_path')").Scan(&path); err != nil {
		return nil, err
	}
	if err := execQ(ctx, q, "SET search_path = ''"); err != nil {
		return nil, err
	}
	sc, err := readPGSchemaQualified(ctx, q, base)
	var set string
	if rerr := q.QueryRowContext(ctx, "SELECT set_config('search_path', ?, false)", path).Scan(&set); err == nil {
		err = rerr
	}
	return sc, err
}

// execer is a snapshot's transaction: queries and SETs.
type execer interface {
	ledger.Querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func execQ(ctx context.Context, q execer, query string, args ...any) error {
	_, err := q.ExecContext(ctx, query, args...)
	return err
}

// pgType is a row of pg_type, for checking what a column holds.
type pgType struct {
	name, nsp, typtype, ext string
	elem, base, rel         int64
}

func readPGSchemaQualified(ctx context.Context, q ledger.Querier, base string) (*pgSchema, error) {
	if err := refuseObjects(ctx, q, base); err != nil {
		return nil, err
	}
	types, err := readTypes(ctx, q)
	if err != nil {
		return nil, err
	}
	sc := &pgSchema{}
	add := func(phase, kind, name, sql string) {
		sc.statements = append(sc.statements, pgStatement{Phase: phase, Kind: kind, Name: name, SQL: sql})
	}
	// Schemas and extensions.
	err = scanRows(ctx, q, `SELECT quote_ident(n.nspname) FROM pg_namespace n WHERE `+userNS+` AND n.nspname <> 'public' AND `+notExtension("pg_namespace", "n.oid")+` ORDER BY n.oid`, func(r *sql.Rows) error {
		var s string
		if err := r.Scan(&s); err != nil {
			return err
		}
		add(phaseBeforeData, "schema", s, "CREATE SCHEMA IF NOT EXISTS "+s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = scanRows(ctx, q, `SELECT quote_ident(e.extname), quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.oid`, func(r *sql.Rows) error {
		var e, s string
		if err := r.Scan(&e, &s); err != nil {
			return err
		}
		add(phaseBeforeData, "extension", e, "CREATE EXTENSION IF NOT EXISTS "+e+" WITH SCHEMA "+s)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Types: enums, domains, composite types and ranges, in creation order.
	err = scanRows(ctx, q, `SELECT t.oid, t.typtype, quote_ident(n.nspname) || '.' || quote_ident(t.typname),
  CASE t.typtype
    WHEN 'e' THEN (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder) FROM pg_enum e WHERE e.enumtypid = t.oid)
    WHEN 'd' THEN format_type(t.typbasetype, t.typtypmod)
      || CASE WHEN t.typcollation <> 0 AND t.typcollation <> (SELECT b.typcollation FROM pg_type b WHERE b.oid = t.typbasetype) THEN ' COLLATE ' || (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = t.typcollation) ELSE '' END
      || CASE WHEN t.typdefaultbin IS NOT NULL THEN ' DEFAULT ' || pg_get_expr(t.typdefaultbin, 0) ELSE '' END
      || CASE WHEN t.typnotnull THEN ' NOT NULL' ELSE '' END
      || COALESCE((SELECT string_agg(' CONSTRAINT ' || quote_ident(c.conname) || ' ' || pg_get_constraintdef(c.oid), '' ORDER BY c.oid) FROM pg_constraint c WHERE c.contypid = t.oid), '')
    WHEN 'c' THEN (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum) FROM pg_attribute a WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped)
    WHEN 'r' THEN (SELECT 'SUBTYPE = ' || format_type(r.rngsubtype, NULL)
        || CASE WHEN r.rngcollation <> 0 THEN ', COLLATION = ' || (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = r.rngcollation) ELSE '' END
        || CASE WHEN r.rngcanonical <> 0 THEN ', CANONICAL = ' || r.rngcanonical::regproc::text ELSE '' END
        || CASE WHEN r.rngsubdiff <> 0 THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::regproc::text ELSE '' END
        || ', MULTIRANGE_TYPE_NAME = ' || (SELECT quote_ident(mn.nspname) || '.' || quote_ident(m.typname) FROM pg_type m JOIN pg_namespace mn ON mn.oid = m.typnamespace WHERE m.oid = r.rngmultitypid)
        FROM pg_range r WHERE r.rngtypid = t.oid)
  END
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
WHERE `+userNS+` AND t.typtype IN ('e', 'd', 'r')
  OR (`+userNS+` AND t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
ORDER BY t.oid`, func(r *sql.Rows) error {
		var oid int64
		var typ, name string
		var def sql.NullString
		if err := r.Scan(&oid, &typ, &name, &def); err != nil {
			return err
		}
		if types[oid].ext != "" {
			return nil // the extension brings it
		}
		var ddl string
		switch typ {
		case "e":
			ddl = "CREATE TYPE " + name + " AS ENUM (" + def.String + ")"
		case "d":
			ddl = "CREATE DOMAIN " + name + " AS " + def.String
		case "c":
			ddl = "CREATE TYPE " + name + " AS (" + def.String + ")"
		case "r":
			ddl = "CREATE TYPE " + name + " AS RANGE (" + def.String + ")"
		}
		add(phaseBeforeData, "type", name, ddl)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Functions and procedures (aggregates are refused above).
	err = scanRows(ctx, q, `SELECT p.oid::regprocedure::text, pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE `+userNS+` AND p.prokind IN ('f', 'p') AND `+notImplied("pg_proc", "p.oid")+` ORDER BY p.oid`, func(r *sql.Rows) error {
		var name, def string
		if err := r.Scan(&name, &def); err != nil {
			return err
		}
		add(phaseBeforeData, "function", name, def)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Sequences that are not an identity column's (those come with their
	// table); OWNED BY once the tables exist.
	var owned []pgStatement
	err = scanRows(ctx, q, `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
  (SELECT quote_ident(tn.nspname) || '.' || quote_ident(t.relname) || '.' || quote_ident(a.attname) FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid
   WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'),
  EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'i')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
WHERE c.relkind = 'S' AND `+userNS+` AND `+notExtension("pg_class", "c.oid")+` ORDER BY c.oid`, func(r *sql.Rows) error {
		var name, typ string
		var start, inc, min, max, cache int64
		var cycle, identity bool
		var owner sql.NullString
		if err := r.Scan(&name, &typ, &start, &inc, &min, &max, &cache, &cycle, &owner, &identity); err != nil {
			return err
		}
		if identity {
			return nil
		}
		ddl := fmt.Sprintf("CREATE SEQUENCE %s AS %s INCREMENT BY %d MINVALUE %d MAXVALUE %d START WITH %d CACHE %d", name, typ, inc, min, max, start, cache)
		if cycle {
			ddl += " CYCLE"
		}
		add(phaseBeforeData, "sequence", name, ddl)
		sc.sequences = append(sc.sequences, pgSequence{Qualified: name})
		if owner.Valid {
			owned = append(owned, pgStatement{Phase: phaseAfterData, Kind: "sequence", Name: name, SQL: "ALTER SEQUENCE " + name + " OWNED BY " + owner.String})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := readTables(ctx, q, base, types, sc, add); err != nil {
		return nil, err
	}
	sc.statements = append(sc.statements, owned...)
	// Constraints (not the NOT NULLs, already in the tables; not those a
	// partition inherits), foreign keys last.
	for _, fk := range []bool{false, true} {
		cond := "c.contype IN ('p', 'u', 'c', 'x')"
		if fk {
			cond = "c.contype = 'f'"
		}
		err = scanRows(ctx, q, `SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname), quote_ident(c.conname), pg_get_constraintdef(c.oid)
FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE `+cond+` AND c.conislocal AND `+userNS+` AND t.relkind IN ('r', 'p') AND `+notExtension("pg_class", "t.oid")+`
ORDER BY CASE c.contype WHEN 'p' THEN 0 WHEN 'u' THEN 1 ELSE 2 END, c.oid`, func(r *sql.Rows) error {
			var tbl, name, def string
			if err := r.Scan(&tbl, &name, &def); err != nil {
				return err
			}
			only := "ONLY "
			if strings.HasPrefix(def, "PRIMARY KEY") || strings.HasPrefix(def, "UNIQUE") || strings.HasPrefix(def, "FOREIGN KEY") || strings.HasPrefix(def, "EXCLUDE") {
				only = "" // on a partitioned table these cannot be ONLY
			}
			add(phaseAfterData, "constraint", tbl+"."+name, "ALTER TABLE "+only+tbl+" ADD CONSTRAINT "+name+" "+def)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	// Views and materialized views, in creation order.
	var refresh []pgStatement
	err = scanRows(ctx, q, `SELECT c.relkind, quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_viewdef(c.oid), c.relispopulated,
  COALESCE(array_to_string(c.reloptions, ', '), '')
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('v', 'm') AND `+userNS+` AND `+notExtension("pg_class", "c.oid")+` ORDER BY c.oid`, func(r *sql.Rows) error {
		var kind, name, def, opts string
		var populated bool
		if err := r.Scan(&kind, &name, &def, &populated, &opts); err != nil {
			return err
		}
		def = strings.TrimSuffix(strings.TrimSpace(def), ";")
		with := ""
		if opts != "" {
			with = " WITH (" + opts + ")"
		}
		if kind == "v" {
			add(phaseAfterData, "view", name, "CREATE VIEW "+name+with+" AS "+def)
			return nil
		}
		add(phaseAfterData, "matview", name, "CREATE MATERIALIZED VIEW "+name+with+" AS "+def+" WITH NO DATA")
		if populated {
			refresh = append(refresh, pgStatement{Phase: phaseAfterData, Kind: "refresh", Name: name, SQL: "REFRESH MATERIALIZED VIEW " + name})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Indexes that no constraint made, not those a partition's index
	// inherits from its parent's.
	err = scanRows(ctx, q, `SELECT quote_ident(n.nspname) || '.' || quote_ident(ic.relname), pg_get_indexdef(i.indexrelid)
FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = ic.relnamespace
WHERE `+userNS+` AND t.relkind IN ('r', 'p', 'm')
  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x'))
  AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
  AND `+notExtension("pg_class", "t.oid")+`
ORDER BY i.indexrelid`, func(r *sql.Rows) error {
		var name, def string
		if err := r.Scan(&name, &def); err != nil {
			return err
		}
		// A partitioned table's index is deparsed ON ONLY: created so, it
		// would stay invalid, without its partitions' indexes. Created on
		// the table, it makes them, named as PostgreSQL named them at first.
		def = strings.Replace(def, " ON ONLY ", " ON ", 1)
		add(phaseAfterData, "index", name, def)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sc.statements = append(sc.statements, refresh...)
	// Triggers last: they must not fire while the rows are loaded.
	err = scanRows(ctx, q, `SELECT quote_ident(n.nspname) || '.' || quote_ident(t.relname) || '.' || quote_ident(g.tgname), pg_get_triggerdef(g.oid)
FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE NOT g.tgisinternal AND g.tgparentid = 0 AND `+userNS+` AND `+notExtension("pg_class", "t.oid")+` ORDER BY g.oid`, func(r *sql.Rows) error {
		var name, def string
		if err := r.Scan(&name, &def); err != nil {
			return err
		}
		add(phaseAfterData, "trigger", name, def)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Comments on tables and their columns.
	err = scanRows(ctx, q, `SELECT CASE WHEN d.objsubid = 0 THEN 'COMMENT ON ' || CASE c.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END || ' ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname)
  ELSE 'COMMENT ON COLUMN ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) || '.' || quote_ident(a.attname) END || ' IS ' || quote_literal(d.description)
FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid
WHERE c.relkind IN ('r', 'p', 'v', 'm') AND `+userNS+` AND `+notExtension("pg_class", "c.oid")+` ORDER BY c.oid, d.objsubid`, func(r *sql.Rows) error {
		var ddl string
		if err := r.Scan(&ddl); err != nil {
			return err
		}
		add(phaseAfterData, "comment", "", ddl)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return sc, nil
}

func readTables(ctx context.Context, q ledger.Querier, base string, types map[int64]pgType, sc *pgSchema, add func(phase, kind, name, sql string)) error {
	byOID := map[int64]int{}
	// What each table's CREATE is made of, written once every column is in.
	type create struct {
		head, tail, parent, bound string
		specs, defaults           []string
	}
	var creates []create
	err := scanRows(ctx, q, `SELECT c.oid, n.nspname, c.relname, c.relkind, c.relpersistence, c.relispartition,
  CASE WHEN c.relispartition THEN (SELECT quote_ident(pn.nspname) || '.' || quote_ident(p.relname) FROM pg_inherits h JOIN pg_class p ON p.oid = h.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE h.inhrelid = c.oid) END,
  CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END,
  CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
  COALESCE(array_to_string(c.reloptions, ', '), ''),
  a.attname, format_type(a.atttypid, a.atttypmod), a.atttypid, a.attnotnull, a.attidentity, a.attgenerated,
  pg_get_expr(d.adbin, d.adrelid),
  CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END,
  CASE WHEN a.attidentity <> '' THEN (SELECT format('INCREMENT BY %s MINVALUE %s MAXVALUE %s START WITH %s CACHE %s%s', s.seqincrement, s.seqmin, s.seqmax, s.seqstart, s.seqcache, CASE WHEN s.seqcycle THEN ' CYCLE' ELSE '' END)
     FROM pg_sequence s WHERE s.seqrelid = pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname)::regclass) END
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_type t ON t.oid = a.atttypid
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
WHERE c.relkind IN ('r', 'p') AND `+userNS+` AND `+notExtension("pg_class", "c.oid")+`
ORDER BY c.oid, a.attnum`, func(r *sql.Rows) error {
		var oid int64
		var nsp, rel, kind, persistence, opts, col, typ, identity, generated string
		var isPartition, notNull bool
		var parent, bound, partKey, def, coll, idOpts sql.NullString
		var typOID int64
		if err := r.Scan(&oid, &nsp, &rel, &kind, &persistence, &isPartition, &parent, &bound, &partKey, &opts,
			&col, &typ, &typOID, &notNull, &identity, &generated, &def, &coll, &idOpts); err != nil {
			return err
		}
		i, ok := byOID[oid]
		if !ok {
			i = len(sc.tables)
			byOID[oid] = i
			t := pgTable{Schema: nsp, Name: rel, Image: imageName(nsp, rel), Partitioned: kind == "p", oid: oid}
			sc.tables = append(sc.tables, t)
			cr := create{head: "CREATE TABLE " + t.qualified()}
			if persistence == "u" {
				cr.head = "CREATE UNLOGGED TABLE " + t.qualified()
			}
			if partKey.Valid {
				cr.tail += " PARTITION BY " + partKey.String
			}
			if opts != "" {
				cr.tail += " WITH (" + opts + ")"
			}
			if isPartition {
				cr.parent, cr.bound = parent.String, bound.String
			}
			creates = append(creates, cr)
		}
		t := &sc.tables[i]
		cr := &creates[i]
		if why := portability(types, typOID); why != "" {
			return i18n.E(msgPGType, map[string]any{"Base": base, "Colonne": nsp + "." + rel + "." + col, "Type": typ, "Raison": why}, dossier.ErrUnfaithful)
		}
		c := pgColumn{Name: col, Type: typ, Store: storageOf(types, typOID), Identity: identity, Generated: generated == "s"}
		c.Float4 = types[baseOf(types, typOID)].name == "float4"
		t.Columns = append(t.Columns, c)
		qcol := postgres{}.Quote(col)
		if cr.parent != "" {
			// A partition's columns are its parent's: only a default of
			// its own is kept.
			if def.Valid && !c.Generated && identity == "" {
				cr.defaults = append(cr.defaults, "ALTER TABLE ONLY "+t.qualified()+" ALTER COLUMN "+qcol+" SET DEFAULT "+def.String)
			}
			return nil
		}
		spec := qcol + " " + typ
		if coll.Valid {
			spec += " COLLATE " + coll.String
		}
		switch {
		case c.Generated:
			spec += " GENERATED ALWAYS AS (" + def.String + ") STORED"
		case identity == "a" || identity == "d":
			mode := "ALWAYS"
			if identity == "d" {
				mode = "BY DEFAULT"
			}
			spec += " GENERATED " + mode + " AS IDENTITY (" + idOpts.String + ")"
			sc.sequences = append(sc.sequences, pgSequence{Identity: true, Table: t.qualified(), Column: col})
		case def.Valid:
			spec += " DEFAULT " + def.String
		}
		if notNull {
			spec += " NOT NULL"
		}
		cr.specs = append(cr.specs, spec)
		return nil
	})
	if err != nil {
		return err
	}
	// Plain tables and partitioned roots first, then each partition after
	// the table it is a partition of.
	var partitions []pgStatement
	for i, cr := range creates {
		t := sc.tables[i]
		if cr.parent == "" {
			add(phaseBeforeData, "table", t.qualified(), cr.head+" ("+strings.Join(cr.specs, ", ")+")"+cr.tail)
			continue
		}
		partitions = append(partitions, pgStatement{Phase: phaseBeforeData, Kind: "partition", Name: t.qualified(),
			SQL: cr.head + " PARTITION OF " + cr.parent + " " + cr.bound + cr.tail})
		for _, d := range cr.defaults {
			partitions = append(partitions, pgStatement{Phase: phaseBeforeData, Kind: "partition", Name: t.qualified(), SQL: d})
		}
	}
	sc.statements = append(sc.statements, orderPartitions(partitions)...)
	// Partitions hold no rows of their own in the image: their root does.
	var kept []pgTable
	for i, t := range sc.tables {
		if creates[i].parent == "" {
			kept = append(kept, t)
		} else {
			delete(byOID, t.oid)
		}
	}
	sc.tables = kept
	for i, t := range sc.tables {
		byOID[t.oid] = i
	}
	// Primary keys give the image's row order and key.
	return scanRows(ctx, q, `SELECT c.conrelid, a.attname FROM pg_constraint c CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum WHERE c.contype = 'p' ORDER BY c.conrelid, k.ord`, func(r *sql.Rows) error {
		var oid int64
		var col string
		if err := r.Scan(&oid, &col); err != nil {
			return err
		}
		if i, ok := byOID[oid]; ok {
			sc.tables[i].Key = append(sc.tables[i].Key, col)
		}
		return nil
	})
}

// orderPartitions puts each partition after the one it is a partition of.
func orderPartitions(ps []pgStatement) []pgStatement {
	var out []pgStatement
	done := map[string]bool{}
	for len(out) < len(ps) {
		progress := false
		for _, p := range ps {
			if done[p.Name+"\x00"+p.SQL] {
				continue
			}
			parent := ""
			if i := strings.Index(p.SQL, " PARTITION OF "); i >= 0 {
				rest := p.SQL[i+len(" PARTITION OF "):]
				parent = rest[:strings.Index(rest+" ", " ")]
			}
			waiting := false
			for _, o := range ps {
				if o.Name == parent && strings.Contains(o.SQL, " PARTITION OF ") && !done[o.Name+"\x00"+o.SQL] {
					waiting = true
				}
			}
			// A partition's ALTER … SET DEFAULT waits for its CREATE.
			if strings.HasPrefix(p.SQL, "ALTER TABLE") {
				for _, o := range ps {
					if o.Name == p.Name && strings.Contains(o.SQL, " PARTITION OF ") && !done[o.Name+"\x00"+o.SQL] {
						waiting = true
					}
				}
			}
			if !waiting {
				out = append(out, p)
				done[p.Name+"\x00"+p.SQL] = true
				progress = true
			}
		}
		if !progress {
			return ps
		}
	}
	return out
}

func readTypes(ctx context.Context, q ledger.Querier) (map[int64]pgType, error) {
	out := map[int64]pgType{}
	err := scanRows(ctx, q, `SELECT t.oid, t.typname, n.nspname, t.typtype, t.typelem, t.typbasetype, t.typrelid,
  COALESCE((SELECT e.extname FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e' AND d.refclassid = 'pg_extension'::regclass), '')
FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace`, func(r *sql.Rows) error {
		var t pgType
		var oid int64
		if err := r.Scan(&oid, &t.name, &t.nsp, &t.typtype, &t.elem, &t.base, &t.rel, &t.ext); err != nil {
			return err
		}
		out[oid] = t
		return nil
	})
	return out, err
}

// baseOf follows domains down to their base type.
func baseOf(types map[int64]pgType, oid int64) int64 {
	for i := 0; i < 32 && types[oid].typtype == "d"; i++ {
		oid = types[oid].base
	}
	return oid
}

// storageOf is how a column's values are kept in the image.
func storageOf(types map[int64]pgType, oid int64) string {
	t := types[baseOf(types, oid)]
	if t.nsp != "pg_catalog" {
		return storeText
	}
	switch t.name {
	case "int2", "int4", "int8":
		return storeInteger
	case "bool":
		return storeBool
	case "float4", "float8":
		return storeFloat
	case "bytea":
		return storeBytea
	case "money":
		return storeMoney
	}
	return storeText
}

// portability says why a column of type oid cannot be carried, "" if it
// can: a type of an extension (the image also goes to SQLite and to servers
// without it), a base type defined outside PostgreSQL, an OID alias.
func portability(types map[int64]pgType, oid int64) string {
	seen := map[int64]bool{}
	var walk func(oid int64) string
	walk = func(oid int64) string {
		if seen[oid] || oid == 0 {
			return ""
		}
		seen[oid] = true
		t, ok := types[oid]
		if !ok {
			return i18n.T(msgWhyBase, nil)
		}
		if t.ext != "" {
			return i18n.T(msgWhyExtension, map[string]any{"Extension": t.ext})
		}
		switch t.typtype {
		case "d":
			return walk(t.base)
		case "c":
			return "" // its attributes are columns of a relation: checked below
		case "r", "m", "e":
			return ""
		}
		if t.elem != 0 {
			if w := walk(t.elem); w != "" {
				return w
			}
		}
		if t.nsp != "pg_catalog" {
			return i18n.T(msgWhyBase, nil)
		}
		if strings.HasPrefix(t.name, "reg") {
			return i18n.T(msgWhyReg, nil)
		}
		return ""
	}
	return walk(oid)
}

// refuseObjects names, before anything is read, what the base holds that
// the image does not recreate.
func refuseObjects(ctx context.Context, q ledger.Querier, base string) error {
	var found []string
	err := scanRows(ctx, q, `
SELECT 'table étrangère ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'f' AND `+userNS+`
UNION ALL SELECT 'héritage de tables ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_inherits h JOIN pg_class c ON c.oid = h.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_class p ON p.oid = h.inhparent WHERE p.relkind = 'r' AND `+userNS+`
UNION ALL SELECT 'table typée ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.reloftype <> 0 AND c.relkind IN ('r', 'p') AND `+userNS+`
UNION ALL SELECT 'règle ' || quote_ident(r.rulename) || ' sur ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN' AND `+userNS+`
UNION ALL SELECT 'politique de sécurité ' || quote_ident(p.polname) || ' sur ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace
UNION ALL SELECT 'sécurité par ligne sur ' || quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relrowsecurity AND `+userNS+`
UNION ALL SELECT 'agrégat ' || p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.prokind IN ('a', 'w') AND `+userNS+` AND `+notExtension("pg_proc", "p.oid")+`
UNION ALL SELECT 'opérateur ' || o.oid::regoperator::text FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE `+userNS+` AND `+notExtension("pg_operator", "o.oid")+`
UNION ALL SELECT 'classe d''opérateurs ' || quote_ident(o.opcname) FROM pg_opclass o JOIN pg_namespace n ON n.oid = o.opcnamespace WHERE `+userNS+` AND `+notExtension("pg_opclass", "o.oid")+`
UNION ALL SELECT 'collation ' || quote_ident(c.collname) FROM pg_collation c JOIN pg_namespace n ON n.oid = c.collnamespace WHERE `+userNS+` AND `+notExtension("pg_collation", "c.oid")+`
UNION ALL SELECT 'conversion de type ' || format_type(c.castsource, NULL) || ' → ' || format_type(c.casttarget, NULL) FROM pg_cast c WHERE c.oid >= 16384 AND `+notImplied("pg_cast", "c.oid")+`
UNION ALL SELECT 'configuration de recherche ' || quote_ident(c.cfgname) FROM pg_ts_config c JOIN pg_namespace n ON n.oid = c.cfgnamespace WHERE `+userNS+` AND `+notExtension("pg_ts_config", "c.oid")+`
UNION ALL SELECT 'dictionnaire de recherche ' || quote_ident(d.dictname) FROM pg_ts_dict d JOIN pg_namespace n ON n.oid = d.dictnamespace WHERE `+userNS+` AND `+notExtension("pg_ts_dict", "d.oid")+`
UNION ALL SELECT 'statistiques étendues ' || quote_ident(s.stxname) FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE `+userNS+`
UNION ALL SELECT 'type de base ' || quote_ident(n.nspname) || '.' || quote_ident(t.typname) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typtype = 'b' AND t.typelem = 0 AND `+userNS+` AND `+notExtension("pg_type", "t.oid")+`
UNION ALL SELECT 'publication ' || quote_ident(p.pubname) FROM pg_publication p
UNION ALL SELECT 'objets volumineux (' || count(*) || ')' FROM pg_largeobject_metadata HAVING count(*) > 0
LIMIT 6`, func(r *sql.Rows) error {
		var s string
		if err := r.Scan(&s); err != nil {
			return err
		}
		found = append(found, s)
		return nil
	})
	if err != nil {
		return err
	}
	if len(found) > 0 {
		if len(found) > 5 {
			found = append(found[:5], "…")
		}
		return i18n.E(msgPGObject, map[string]any{"Base": base, "Objets": strings.Join(found, ", ")}, dossier.ErrUnfaithful)
	}
	return nil
}

// scanRows runs query and calls fn for each row, ending with the scan's
// error if any.
func scanRows(ctx context.Context, q ledger.Querier, query string, fn func(*sql.Rows) error, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	for rows.Next() {
		if err := fn(rows); err != nil {
			rows.Close()
			return err
		}
	}
	return closeRows(rows)
}

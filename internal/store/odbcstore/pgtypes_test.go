package odbcstore_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"coffre/internal/backup"
	"coffre/internal/cli"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/odbcconn"
	"coffre/internal/pack"
	"coffre/internal/restore"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// typesSQL is a base using PostgreSQL's own types and objects, in two
// schemas: every type of the list, at their edges (numeric at any scale,
// NaN and infinities, time precision, time zones, arrays, enums, domains,
// ranges, geometry…), a partitioned table, views, a materialized view,
// sequences, identity and generated columns, constraints, an index, a
// trigger with its function, comments.
const typesSQL = `
CREATE SCHEMA compta;
CREATE TYPE compta.humeur AS ENUM ('triste', 'ok', 'ravi');
CREATE DOMAIN compta.montant AS numeric(12,2) CHECK (VALUE > -1000000000) DEFAULT 0;
CREATE TYPE compta.adresse AS (rue text, cp varchar(5));
CREATE TYPE compta.plage AS RANGE (SUBTYPE = float8);
CREATE SEQUENCE compta.numeros START 100 INCREMENT 5;
CREATE TABLE compta.valeurs (
  id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  n20 numeric(20,6), n12 numeric(12,2), nlibre numeric, f8 double precision, f4 real,
  d date, t time, t3 time(3), ttz timetz, ts timestamp, ts0 timestamp(0), tstz timestamptz, tstz2 timestamptz(2),
  iv interval, iv2 interval day to second(2), b bytea, tx text, vc varchar(10), ch char(5), js json, jb jsonb, u uuid,
  ai integer[], at text[], a2 numeric[][], h compta.humeur, m compta.montant, adr compta.adresse, pl compta.plage,
  i4r int4range, tsr tstzrange, dr datemultirange, ip inet, cidr_ cidr, mac macaddr, mac8 macaddr8, mo money,
  bo boolean, bi bit(4), vb varbit, x xml, pt point, ln line, ls lseg, bx box, pa path, po polygon, ci circle,
  tsv tsvector, tq tsquery, i2 smallint, i8 bigint, o oid, lsn pg_lsn,
  num integer NOT NULL DEFAULT nextval('compta.numeros'),
  double_n20 numeric GENERATED ALWAYS AS (n20 * 2) STORED
);
ALTER SEQUENCE compta.numeros OWNED BY compta.valeurs.num;
INSERT INTO compta.valeurs (n20, n12, nlibre, f8, f4, d, t, t3, ttz, ts, ts0, tstz, tstz2, iv, iv2, b, tx, vc, ch, js, jb, u,
  ai, at, a2, h, m, adr, pl, i4r, tsr, dr, ip, cidr_, mac, mac8, mo, bo, bi, vb, x, pt, ln, ls, bx, pa, po, ci, tsv, tq, i2, i8, o, lsn) VALUES
 (12345678901234.123456, 1.10, 0.000000000000000000000000000001, 'NaN', 'Infinity', '2024-02-29', '23:59:59.999999', '23:59:59.999', '12:00:00+05:30',
  '2024-01-01 00:00:00.123456', '1999-12-31 23:59:59', 'infinity', '2024-06-30 12:34:56.78+02', '1 year 2 mons 3 days 04:05:06.789', '3 days 04:05:06.78',
  '\x00ff10', 'Écritures « comptables »', 'dix', 'ab', '{"b": 1, "a": [1, 2.50]}', '{"b": 1, "a": [1, 2.50]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
  '{1,NULL,3}', '{"a b","c,d",NULL,""}', '{{1.5,2},{3,4}}', 'ravi', 12.5, ROW('1 rue de la Paix', '75002'), '[1.5,2.5)',
  '[1,10)', '[2024-01-01 00:00+00,infinity)', '{[2024-01-01,2024-02-01),[2024-03-01,2024-04-01)}', '192.168.1.1/24', '10.0.0.0/8', '08:00:2b:01:02:03', '08:00:2b:01:02:03:04:05', 1234.56,
  true, B'1010', B'101', '<compta montant="1"/>', '(1.5,2.25)', '{1,-1,0}', '[(0,0),(1,1)]', '(1,1),(0,0)', '[(0,0),(1,1),(2,0)]', '((0,0),(1,1),(1,0))', '<(0,0),2>',
  'a:1 fat:2 cat:3', 'fat & rat', -32768, 9223372036854775807, 4294967295, '16/B374D848'),
 (-0.000001, -1.00, 'NaN', '-Infinity', 'NaN', '-infinity', '00:00:00', '00:00:00.001', '00:00:00-12', '-infinity', 'infinity', '-infinity', '1970-01-01 00:00:00+00',
  '-178000000 years', '-1 days -00:00:00.01', '\x', '', '', '', 'null', 'null', '00000000-0000-0000-0000-000000000000',
  '{}', '{}', '{}', 'triste', -999999999.99, ROW(NULL, NULL), 'empty', 'empty', '(,)', '{}', '::1', '::/0', 'ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff:ff:ff', -92233720368547758.08,
  false, B'0000', B'', '<a/>', '(0,0)', '{0,1,0}', '[(0,0),(0,0)]', '(0,0),(0,0)', '((0,0))', '((0,0))', '<(0,0),0>', '', '!a', 0, -9223372036854775808, 0, '0/0'),
 (1e-10, 0, 1e100, 5e-324, 1.17549435e-38, '0001-01-01', '24:00:00', NULL, NULL, '4713-01-01 00:00:00 BC', NULL, '294276-12-31 23:59:59.999999+00', NULL, NULL, NULL,
  NULL, E'tab\there\nnewline\\back', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (NULL, NULL, NULL, 0.1, 0.1, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (NULL, NULL, NULL, -0, 123456789012345678, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (NULL, NULL, NULL, 1e15, 1e6, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
 (NULL, NULL, NULL, 123456789012345.6, 123456.7, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
CREATE TABLE compta.ventes (id bigint NOT NULL, jour date NOT NULL, total compta.montant, CONSTRAINT ventes_pk PRIMARY KEY (id, jour)) PARTITION BY RANGE (jour);
CREATE TABLE compta.ventes_2024 PARTITION OF compta.ventes FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE compta.ventes_2025 PARTITION OF compta.ventes FOR VALUES FROM ('2025-01-01') TO ('2026-01-01') PARTITION BY LIST (id);
CREATE TABLE compta.ventes_2025_a PARTITION OF compta.ventes_2025 FOR VALUES IN (1, 2, 3);
CREATE TABLE compta.ventes_2025_b PARTITION OF compta.ventes_2025 DEFAULT;
CREATE INDEX ventes_jour ON compta.ventes (jour DESC);
INSERT INTO compta.ventes VALUES (1, '2024-05-01', 10), (2, '2025-03-01', 20), (9, '2025-04-01', 30);
CREATE TABLE public.clients (id serial PRIMARY KEY, nom text NOT NULL UNIQUE, humeur compta.humeur DEFAULT 'ok', cree timestamptz DEFAULT now(), CHECK (length(nom) > 0));
CREATE TABLE public.commandes (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, client integer REFERENCES public.clients(id) ON DELETE CASCADE, montant compta.montant NOT NULL, maj timestamptz);
CREATE INDEX commandes_client ON public.commandes (client) WHERE montant > 0;
CREATE FUNCTION public.touche() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.maj := '2000-01-01'; RETURN NEW; END $$;
CREATE TRIGGER commandes_maj BEFORE INSERT OR UPDATE ON public.commandes FOR EACH ROW EXECUTE FUNCTION public.touche();
INSERT INTO public.clients (nom, humeur, cree) VALUES ('Dupont', 'ravi', '2024-01-01 10:00+00'), ('Martin', 'triste', '2024-01-02 10:00+00');
INSERT INTO public.commandes (client, montant) VALUES (1, 100.10), (1, 5), (2, 0.01);
CREATE VIEW public.totaux AS SELECT c.nom, sum(o.montant) AS total FROM public.clients c JOIN public.commandes o ON o.client = c.id GROUP BY c.nom;
CREATE MATERIALIZED VIEW compta.mv_ventes AS SELECT jour, total FROM compta.ventes;
CREATE UNIQUE INDEX mv_ventes_jour ON compta.mv_ventes (jour);
CREATE TABLE public.courts (c char(3), v varchar(4), n char(1));
INSERT INTO public.courts VALUES ('😀é€', '😀😀😀😀', 'x'), ('a', '', NULL), (NULL, ' a ', ' ');
COMMENT ON TABLE public.clients IS 'Les clients';
COMMENT ON COLUMN public.clients.nom IS 'Nom « usuel »';
SELECT nextval('compta.numeros');
`

// pgCompare describes a database with PostgreSQL's own words, to compare
// a base with the one restored from its backup: every column's type, every
// row's ::text, every object's definition, every sequence's value.
func pgCompare(t *testing.T, db *sql.DB) map[string]string {
	t.Helper()
	out := map[string]string{}
	one := func(key, q string) {
		var s sql.NullString
		if err := db.QueryRow(q).Scan(&s); err != nil {
			t.Fatalf("%s: %v", key, err)
		}
		out[key] = s.String
	}
	const ns = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_%'`
	one("colonnes", `SELECT string_agg(x, E'\n' ORDER BY x) FROM (SELECT n.nspname || '.' || c.relname || '.' || lpad(a.attnum::text, 3) || ' ' || a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' ' || a.attidentity::text || a.attgenerated::text || ' ' || COALESCE(pg_get_expr(d.adbin, d.adrelid), '') AS x
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum WHERE c.relkind IN ('r', 'p', 'v', 'm') AND `+ns+`) s`)
	one("objets", `SELECT string_agg(x, E'\n' ORDER BY x) FROM (
  SELECT 'index ' || pg_get_indexdef(i.indexrelid) AS x FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE `+ns+`
  UNION ALL SELECT 'contrainte ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE `+ns+`
  UNION ALL SELECT 'vue ' || c.oid::regclass::text || ' ' || c.relkind::text || ' ' || pg_get_viewdef(c.oid) || c.relispopulated::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND `+ns+`
  UNION ALL SELECT 'declencheur ' || pg_get_triggerdef(g.oid) FROM pg_trigger g WHERE NOT g.tgisinternal
  UNION ALL SELECT 'fonction ' || pg_get_functiondef(p.oid) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE `+ns+` AND p.prokind = 'f'
  UNION ALL SELECT 'type ' || t.oid::regtype::text || ' ' || t.typtype::text FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE `+ns+` AND t.typtype IN ('e', 'd', 'c', 'r', 'm') AND NOT EXISTS (SELECT 1 FROM pg_class r WHERE r.reltype = t.oid AND r.relkind <> 'c')
  UNION ALL SELECT 'partition ' || c.oid::regclass::text || ' ' || COALESCE(pg_get_expr(c.relpartbound, c.oid), '') || ' ' || COALESCE(pg_get_partkeydef(c.oid), '') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'p') AND `+ns+`
  UNION ALL SELECT 'commentaire ' || d.objoid::regclass::text || ' ' || d.objsubid::text || ' ' || d.description FROM pg_description d JOIN pg_class c ON c.oid = d.objoid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE `+ns+`
) s`)
	rows, err := db.Query(`SELECT c.oid::regclass::text, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('r', 'm', 'S') AND ` + ns + ` ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var rels [][2]string
	for rows.Next() {
		var r [2]string
		rows.Scan(&r[0], &r[1])
		rels = append(rels, r)
	}
	rows.Close()
	for _, r := range rels {
		if r[1] == "S" {
			one("sequence "+r[0], "SELECT last_value || ' ' || is_called FROM "+r[0])
			continue
		}
		one("lignes "+r[0], "SELECT string_agg(x::text, E'\\n' ORDER BY x::text) FROM "+r[0]+" x")
	}
	return out
}

func diffMaps(a, b map[string]string) string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []string
	for _, k := range keys {
		if a[k] != b[k] {
			out = append(out, "--- "+k+"\n"+a[k]+"\n+++\n"+b[k])
		}
	}
	return strings.Join(out, "\n")
}

func createBase(t *testing.T, c odbcconn.ConnString, name, ddl string) *sql.DB {
	t.Helper()
	if _, err := openRaw(t, c).Exec(`CREATE DATABASE "` + name + `" TEMPLATE template0 ENCODING 'UTF8'`); err != nil {
		t.Fatal(err)
	}
	db := openRaw(t, c.With("Database", name))
	db.SetMaxOpenConns(1)
	if ddl != "" {
		if _, err := db.Exec(ddl); err != nil {
			t.Fatalf("%s: %v", name, c.Scrub(err.Error()))
		}
	}
	return db
}

// TestPostgreSQLTypesRoundTrip: a base Coffre did not create, using
// PostgreSQL's own types and objects, comes back server → .pbf → server
// with the same types, the same ::text of every value, the same objects
// and sequence values; the backup's verification compared contents
// (hashes in the manifest); into SQLite it follows the README's mapping.
func TestPostgreSQLTypesRoundTrip(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t)
	src := createBase(t, c, "003TYPES", typesSQL)
	want := pgCompare(t, src)
	work := t.TempDir()
	res, err := backup.Run(ctx, backup.Request{Source: store.InStore(s, "003"), DestDir: work, Verify: true})
	if err != nil {
		t.Fatalf("backup: %s", i18n.Describe(err))
	}
	hashes := 0
	for _, tc := range res.Manifest.Stats.Tables {
		if tc.Hash != "" {
			hashes++
		}
	}
	if hashes != len(res.Manifest.Stats.Tables) || hashes < 4 {
		t.Fatalf("the manifest holds %d content hashes for %d tables: %+v", hashes, len(res.Manifest.Stats.Tables), res.Manifest.Stats.Tables)
	}
	onServer, err := restore.Run(ctx, restore.Request{File: res.Path, Store: s, Numero: "004", SafetyDir: filepath.Join(work, "securite")})
	if err != nil {
		t.Fatalf("restore onto PostgreSQL: %s", i18n.Describe(err))
	}
	// The result names the server database, not a file (#13: « 001SOC.db »).
	if onServer.Path != "004TYPES" {
		t.Fatalf("restored onto the server as %q", onServer.Path)
	}
	got := pgCompare(t, openRaw(t, c.With("Database", "004TYPES")))
	if d := diffMaps(want, got); d != "" {
		t.Fatalf("server → .pbf → server changed the base:\n%s", d)
	}

	// Into a SQLite folder: the README's mapping.
	folder := filepath.Join(work, "dossiers")
	os.MkdirAll(folder, 0o755)
	f, err := sqlitestore.Open(folder)
	if err != nil {
		t.Fatal(err)
	}
	rr, err := restore.Run(ctx, restore.Request{File: res.Path, Store: f, SafetyDir: filepath.Join(work, "securite")})
	if err != nil {
		t.Fatalf("restore into SQLite: %s", i18n.Describe(err))
	}
	lite, err := sqlitestore.OpenRO(filepath.Join(folder, rr.Path))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	for _, tc := range []struct{ q, want string }{
		{`SELECT typeof(n20) || ' ' || n20 FROM "compta.valeurs" WHERE id = 1`, "text 12345678901234.123456"},
		{`SELECT n12 FROM "compta.valeurs" WHERE id = 1`, "1.10"},
		{`SELECT typeof(f8) || ' ' || f8 FROM "compta.valeurs" WHERE id = 1`, "text NaN"},
		{`SELECT typeof(f4) || ' ' || (f4 > 1e308) FROM "compta.valeurs" WHERE id = 1`, "real 1"},
		{`SELECT t FROM "compta.valeurs" WHERE id = 1`, "23:59:59.999999"},
		{`SELECT d || ' ' || tstz FROM "compta.valeurs" WHERE id = 1`, "2024-02-29 infinity"},
		{`SELECT tstz2 FROM "compta.valeurs" WHERE id = 1`, "2024-06-30 10:34:56.78+00"},
		{`SELECT typeof(bo) || bo || typeof(i8) || i8 FROM "compta.valeurs" WHERE id = 1`, "integer1integer9223372036854775807"},
		{`SELECT hex(b) FROM "compta.valeurs" WHERE id = 1`, "00FF10"},
		{`SELECT mo FROM "compta.valeurs" WHERE id = 1`, "1234.56"},
		{`SELECT count(*) FROM "compta.ventes"`, "3"},
		{`SELECT group_concat(nom, ',') FROM clients`, "Dupont,Martin"},
	} {
		var s string
		if err := lite.QueryRow(tc.q).Scan(&s); err != nil || s != tc.want {
			t.Errorf("%s = %q, %v; want %q", tc.q, s, err, tc.want)
		}
	}
}

// TestPostgreSQLRefusesWhatItCannotCarry: a column of an extension's type
// and a rule are refused before anything is written, naming them.
func TestPostgreSQLRefusesWhatItCannotCarry(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t)
	createBase(t, c, "005EXT", `CREATE EXTENSION citext; CREATE TABLE public.membres (id int PRIMARY KEY, courriel citext);`)
	createBase(t, c, "006REGLE", `CREATE TABLE public.t (id int); CREATE TABLE public.journal (id int); CREATE RULE garde AS ON INSERT TO public.t DO ALSO INSERT INTO public.journal VALUES (NEW.id);`)
	for _, tc := range []struct{ numero, want string }{
		{"005", "public.membres.courriel est de type public.citext (type de l'extension citext)"},
		{"006", "règle garde sur public.t"},
	} {
		out := t.TempDir()
		_, err := backup.Run(ctx, backup.Request{Source: store.InStore(s, tc.numero), DestDir: out, Verify: true})
		if !errors.Is(err, dossier.ErrUnfaithful) || !strings.Contains(i18n.Describe(err), tc.want) {
			t.Fatalf("%s: %v — %s", tc.numero, err, i18n.Describe(err))
		}
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Fatalf("%s: something was written: %v", tc.numero, entries)
		}
	}
}

// TestPgbenchBase: a base made by PostgreSQL's own pgbench -i comes back
// identical.
func TestPgbenchBase(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t)
	createBase(t, c, "007BENCH", "")
	bins, _ := filepath.Glob("/usr/lib/postgresql/*/bin/pgbench")
	if len(bins) == 0 {
		t.Fatal("pgbench (Debian package postgresql) is missing")
	}
	cmd := exec.Command(bins[len(bins)-1], "-i", "-s", "1", "-q", "--foreign-keys", "--partitions=3", "-h", os.Getenv("COFFRE_TEST_PG_HOST"), "-p", os.Getenv("COFFRE_TEST_PG_PORT"), "-U", os.Getenv("COFFRE_TEST_PG_USER"), "007BENCH")
	cmd.Env = append(os.Environ(), "PGPASSWORD="+os.Getenv("COFFRE_TEST_PG_PASSWORD"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("pgbench -i: %v\n%s", err, out)
	}
	want := pgCompare(t, openRaw(t, c.With("Database", "007BENCH")))
	work := t.TempDir()
	res, err := backup.Run(ctx, backup.Request{Source: store.InStore(s, "007"), DestDir: work, Verify: true})
	if err != nil {
		t.Fatalf("backup: %s", i18n.Describe(err))
	}
	if m, err := pack.Inspect(ctx, res.Path, pack.ReadOptions{}); err != nil || len(m.Stats.Tables) != 4 {
		t.Fatalf("manifest tables %+v, %v (pgbench_accounts is partitioned: counted once)", m.Stats.Tables, err)
	}
	if _, err := restore.Run(ctx, restore.Request{File: res.Path, Store: s, Numero: "008", SafetyDir: filepath.Join(work, "securite")}); err != nil {
		t.Fatalf("restore: %s", i18n.Describe(err))
	}
	if d := diffMaps(want, pgCompare(t, openRaw(t, c.With("Database", "008BENCH")))); d != "" {
		t.Fatalf("pgbench base changed:\n%s", d)
	}
}

// TestVerifyAgainstLiveBase: « coffre verifier --complet FICHIER
// --connexion … » compares each table with the live base, by row count and
// content hash computed by the server, and names the tables that changed.
func TestVerifyAgainstLiveBase(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t)
	live := createBase(t, c, "003TYPES", typesSQL)
	res, err := backup.Run(ctx, backup.Request{Source: store.InStore(s, "003"), DestDir: t.TempDir(), Verify: true})
	if err != nil {
		t.Fatalf("backup: %s", i18n.Describe(err))
	}
	verifier := func() (int, string) {
		var stdout, stderr bytes.Buffer
		code := cli.Run(&cli.Env{Ctx: ctx, Stdout: &stdout, Stderr: &stderr}, []string{"verifier", "--complet", res.Path, "--connexion", "odbc:" + c.String()})
		// The presenter may turn non-breaking spaces into spaces.
		return code, strings.ReplaceAll(stdout.String()+stderr.String(), "\u00a0", " ")
	}
	if code, out := verifier(); code != 0 || !strings.Contains(out, "Contenu identique à la base du serveur :") {
		t.Fatalf("untouched base: %d\n%s", code, out)
	}
	if _, err := live.Exec(`UPDATE compta.valeurs SET n12 = 2.20 WHERE id = 1; INSERT INTO public.clients (nom) VALUES ('Durand')`); err != nil {
		t.Fatal(err)
	}
	code, out := verifier()
	if code == 0 || !strings.Contains(out, "table compta.valeurs : contenu différent (nombre de lignes : 7 dans la sauvegarde, 7 sur le serveur)") ||
		!strings.Contains(out, "table clients : contenu différent (nombre de lignes : 2 dans la sauvegarde, 3 sur le serveur)") || strings.Contains(out, "commandes") {
		t.Fatalf("changed base: %d\n%s", code, out)
	}
}

// TestBigValues: a 10 MB text and a 100 MB bytea come back whole (no
// driver buffer truncates them), and the rows around them too.
func TestBigValues(t *testing.T) {
	ctx := context.Background()
	c := pgConn(t)
	s := openPG(t)
	src := createBase(t, c, "010GROS", `CREATE TABLE public.pieces (id int PRIMARY KEY, texte text, contenu bytea);
INSERT INTO public.pieces VALUES (1, repeat('é€x', 3500000), NULL), (2, 'petit', '\x00'), (3, NULL, decode(repeat('00ff7f80', 26214400), 'hex'));`)
	sums := func(db *sql.DB) string {
		var s string
		if err := db.QueryRow(`SELECT string_agg(id || ':' || COALESCE(length(texte), -1) || ':' || COALESCE(md5(texte), '') || ':' || COALESCE(length(contenu), -1) || ':' || COALESCE(md5(contenu), ''), ' ' ORDER BY id) FROM public.pieces`).Scan(&s); err != nil {
			t.Fatal(err)
		}
		return s
	}
	want := sums(src)
	if !strings.Contains(want, "1:10500000:") || !strings.Contains(want, ":104857600:") {
		t.Fatalf("test base: %s", want)
	}
	work := t.TempDir()
	res, err := backup.Run(ctx, backup.Request{Source: store.InStore(s, "010"), DestDir: work, Verify: true})
	if err != nil {
		t.Fatalf("backup: %s", i18n.Describe(err))
	}
	if _, err := restore.Run(ctx, restore.Request{File: res.Path, Store: s, Numero: "011", SafetyDir: filepath.Join(work, "securite")}); err != nil {
		t.Fatalf("restore: %s", i18n.Describe(err))
	}
	if got := sums(openRaw(t, c.With("Database", "011GROS"))); got != want {
		t.Fatalf("big values changed:\n%s\n%s", want, got)
	}
}

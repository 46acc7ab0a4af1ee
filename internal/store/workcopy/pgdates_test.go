package workcopy_test

import (
	"context"
	"database/sql"
	"os"
	"strings"
	"testing"

	"coffre/internal/admin"
	"coffre/internal/odbcconn"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// pgNativeDossier creates on the server a schema-v1 dossier written the
// PostgreSQL way, as a management program on PostgreSQL would: dates in
// `date` columns, amounts in numeric(15,0), timestamps in `timestamp`.
func pgNativeDossier(tb testing.TB, c odbcconn.ConnString) {
	tb.Helper()
	raw(tb, c, `CREATE DATABASE "compta_pg"`)
	db, err := sql.Open("odbc", c.With("Database", "compta_pg").String())
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE dossier (numero text NOT NULL, nom text NOT NULL, raison_sociale text NOT NULL, siren text, devise text NOT NULL DEFAULT 'EUR', identifiant text NOT NULL, version_schema integer NOT NULL DEFAULT 1)`,
		`CREATE TABLE exercices (id integer PRIMARY KEY, code text NOT NULL UNIQUE, debut date NOT NULL, fin date NOT NULL, cloture integer NOT NULL DEFAULT 0, archive integer NOT NULL DEFAULT 0)`,
		`CREATE TABLE journaux (code text PRIMARY KEY, libelle text NOT NULL, type text NOT NULL)`,
		`CREATE TABLE comptes (numero text PRIMARY KEY, libelle text NOT NULL)`,
		`CREATE TABLE tiers (id integer PRIMARY KEY, code text NOT NULL UNIQUE, nom text NOT NULL, type text NOT NULL, compte text NOT NULL REFERENCES comptes(numero), email text, telephone text, adresse text)`,
		`CREATE TABLE ecritures (id integer PRIMARY KEY, exercice_id integer NOT NULL REFERENCES exercices(id), journal text NOT NULL REFERENCES journaux(code), numero integer NOT NULL,
			date_ecriture date NOT NULL, piece_ref text, piece_date date, libelle text NOT NULL, date_validation date, origine text NOT NULL DEFAULT 'SAISIE', UNIQUE (exercice_id, numero))`,
		`CREATE TABLE lignes (id integer PRIMARY KEY, ecriture_id integer NOT NULL REFERENCES ecritures(id), compte text NOT NULL REFERENCES comptes(numero), tiers_id integer REFERENCES tiers(id),
			libelle text, debit numeric(15,0) NOT NULL DEFAULT 0, credit numeric(15,0) NOT NULL DEFAULT 0, lettrage text, date_lettrage date, montant_devise numeric(15,0), devise text)`,
		`CREATE TABLE annexes (id integer PRIMARY KEY, ecriture_id integer NOT NULL REFERENCES ecritures(id), nom_fichier text NOT NULL, type_mime text, contenu bytea NOT NULL)`,
		`CREATE TABLE sessions (poste text NOT NULL, utilisateur text NOT NULL, programme text NOT NULL, debut timestamp NOT NULL, derniere_activite timestamp NOT NULL)`,
		`CREATE TABLE transferts (sequence integer PRIMARY KEY, identifiant_source text NOT NULL, applique_le timestamp NOT NULL)`,
		`INSERT INTO dossier (numero, nom, raison_sociale, siren, identifiant) VALUES ('001', 'PG', 'Société sur PostgreSQL', '552100554', 'pg-natif-1')`,
		`INSERT INTO exercices VALUES (1, '2023', '2023-01-01', '2023-12-31', 1, 0)`,
		`INSERT INTO journaux VALUES ('AN', 'À-nouveaux', 'AN'), ('VEN', 'Ventes', 'VEN')`,
		`INSERT INTO comptes VALUES ('101000', 'Capital'), ('411000', 'Clients'), ('512000', 'Banque'), ('706000', 'Prestations')`,
		`INSERT INTO tiers (id, code, nom, type, compte) VALUES (1, 'C001', 'Café Noël', 'C', '411000')`,
		`INSERT INTO ecritures VALUES (1, 1, 'AN', 1, '2023-01-01', NULL, NULL, 'À-nouveaux 2023', '2023-01-01', 'ANOUVEAU'),
			(2, 1, 'VEN', 2, '2023-03-15', 'F1', '2023-03-14', 'Facture 2023-001', '2023-03-31', 'SAISIE')`,
		`INSERT INTO lignes (id, ecriture_id, compte, tiers_id, debit, credit, lettrage, date_lettrage) VALUES
			(1, 1, '512000', NULL, 100000, 0, NULL, NULL), (2, 1, '101000', NULL, 0, 100000, NULL, NULL),
			(3, 2, '411000', 1, 12050, 0, 'AA', '2023-04-10'), (4, 2, '706000', NULL, 0, 12050, NULL, NULL)`,
	} {
		if _, err := db.Exec(q); err != nil {
			tb.Fatalf("%s: %s", q, c.Scrub(err.Error()))
		}
	}
}

// TestAdminPostgreSQLDates: the tax-audit copy and the FEC of a dossier
// PostgreSQL holds with `date` and numeric columns carry its dates as
// dates (« 2023-01-01 », not « 2023-01-01 00:00:00 ») and its amounts
// exactly.
func TestAdminPostgreSQLDates(t *testing.T) {
	c := pgConn(t)
	pgNativeDossier(t, c)
	s := openPG(t, c)
	dest := t.TempDir()
	res, err := admin.Run(context.Background(), admin.Request{Source: store.InStore(s, "001"), Exercices: []string{"2023"}, DestDir: dest, FEC: true, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	db, err := sqlitestore.OpenRO(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for q, want := range map[string]string{
		`SELECT debut || '|' || fin FROM exercices`: "2023-01-01|2023-12-31",
		`SELECT group_concat(date_ecriture || '|' || COALESCE(piece_date, '') || '|' || date_validation, ';') FROM (SELECT * FROM ecritures ORDER BY id)`: "2023-01-01||2023-01-01;2023-03-15|2023-03-14|2023-03-31",
		`SELECT date_lettrage FROM lignes WHERE id = 3`:                                            "2023-04-10",
		`SELECT group_concat(debit || '/' || credit, ';') FROM (SELECT * FROM lignes ORDER BY id)`: "100000/0;0/100000;12050/0;0/12050",
	} {
		var got string
		if err := db.QueryRow(q).Scan(&got); err != nil || got != want {
			t.Errorf("%s: %q (%v), want %q", q, got, err, want)
		}
	}
	if len(res.FEC) != 1 {
		t.Fatalf("FEC %+v", res.FEC)
	}
	b, err := os.ReadFile(res.FEC[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(b), "\r\n"), "\r\n")
	if len(lines) != 5 || !strings.Contains(lines[3], "\t20230315\t411000\t") || !strings.Contains(lines[3], "\t120,50\t0,00\tAA\t20230410\t20230331\t") {
		t.Fatalf("FEC lines:\n%s", strings.Join(lines, "\n"))
	}
}

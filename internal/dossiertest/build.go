package dossiertest

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coffre/internal/dossier"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// Defaults of BuildV1's identity.
const (
	DefaultNumero      = "001"
	DefaultNom         = "SOC"
	DefaultIdentifiant = "6f1c2a4e-9b7d-4c3e-8a21-0d5e7f9b1c34"
	SIREN              = "732829320" // valid Luhn key
	RaisonSociale      = "Société d'Essai « Ünïcode » 🚀 SARL"
)

// What BuildV1 writes, for assertions.
const (
	FirstExercice   = 2014
	LastExercice    = 2025
	LastClosed      = 2023
	BigBlobSize     = 1 << 20
	LongLibelleSize = 20000 // about that many bytes: the very long ligne libelle
)

type config struct {
	numero, nom, identifiant string
	session                  []string
	wal                      bool
}

// Option changes what BuildV1 writes.
type Option func(*config)

// WithNumero sets dossier.numero ("001" by default).
func WithNumero(numero string) Option { return func(c *config) { c.numero = numero } }

// WithNom sets dossier.nom ("SOC" by default).
func WithNom(nom string) Option { return func(c *config) { c.nom = nom } }

// WithIdentifiant sets dossier.identifiant (DefaultIdentifiant by default).
func WithIdentifiant(id string) Option { return func(c *config) { c.identifiant = id } }

// WithSession leaves one live session, as the management software does while
// it runs: started an hour ago, last activity a minute ago.
func WithSession(poste, utilisateur, programme string) Option {
	return WithSessionAt(poste, utilisateur, programme, time.Now().Add(-time.Minute))
}

// WithSessionAt leaves one session whose last activity was at last (local
// time, written as the management software writes it), started an hour
// before: a session a crash left behind when last is old.
func WithSessionAt(poste, utilisateur, programme string, last time.Time) Option {
	const layout = "2006-01-02T15:04:05"
	return func(c *config) {
		c.session = []string{poste, utilisateur, programme, last.Add(-time.Hour).Format(layout), last.Format(layout)}
	}
}

// WithWAL leaves the file in journal_mode=WAL, as some installations run.
func WithWAL() Option { return func(c *config) { c.wal = true } }

// BuildV1 writes a small schema-v1 dossier at path from literal SQL, with the
// quirks real dossiers have: accents and emoji, NULL in every nullable
// column but dossier.siren (the FEC needs it), BLOBs with 0x00 and 0xFF, an
// empty BLOB, a 1 MB BLOB, a very long libelle, exercices 2014–2025
// (2014–2023 closed) with à-nouveaux, continuous numbering and balanced
// entries, plus objects the schema does not know: table notes_internes
// (TEXT PRIMARY KEY, a BLOB and an integer in its TEXT column, a REAL),
// view v_soldes, trigger notes_internes_maj and partial index
// lignes_lettrage. The file must not exist yet.
func BuildV1(tb testing.TB, path string, opts ...Option) {
	tb.Helper()
	c := config{numero: DefaultNumero, nom: DefaultNom, identifiant: DefaultIdentifiant}
	for _, o := range opts {
		o(&c)
	}
	db := create(tb, path)
	defer db.Close()
	tx, err := db.Begin()
	if err != nil {
		tb.Fatalf("dossiertest: %v", err)
	}
	defer tx.Rollback()
	run := func(query string, args ...any) {
		tb.Helper()
		if _, err := tx.Exec(query, args...); err != nil {
			tb.Fatalf("dossiertest: BuildV1 %s: %v\n%s", path, err, short(query))
		}
	}
	run(dossier.SchemaV1)
	run(`INSERT INTO dossier (numero, nom, raison_sociale, siren, devise, identifiant, version_schema) VALUES (?, ?, ?, ?, 'EUR', ?, 1)`,
		c.numero, c.nom, RaisonSociale, SIREN, c.identifiant)
	run(`INSERT INTO journaux (code, libelle, type) VALUES
		('ACH', 'Achats', 'ACH'),
		('VEN', 'Ventes', 'VEN'),
		('BQ1', 'Banque « Crédit Agricole »', 'FIN'),
		('OD', 'Opérations diverses', 'OD'),
		('AN', 'À-nouveaux', 'AN')`)
	run(`INSERT INTO comptes (numero, libelle) VALUES
		('101000', 'Capital'),
		('110000', 'Report à nouveau'),
		('120000', 'Résultat de l''exercice'),
		('401000', 'Fournisseurs'),
		('411000', 'Clients'),
		('445660', 'TVA déductible'),
		('445710', 'TVA collectée'),
		('512000', 'Banque — compte principal 🏦'),
		('606100', 'Fournitures non stockables (eau, énergie)'),
		('626000', 'Frais postaux et télécommunications'),
		('706000', 'Prestations de services')`)
	run(`INSERT INTO tiers (id, code, nom, type, compte, email, telephone, adresse) VALUES
		(1, 'C001', 'Café Noël ☕', 'C', '411000', 'noel@example.fr', '04 93 00 00 01', '1, place de l''Église, 06300 Nice'),
		(2, 'C002', 'L''Œuf à la Coque', 'C', '411000', NULL, NULL, NULL),
		(3, 'F001', 'Électricité Dupré', 'F', '401000', 'dupre@example.fr', NULL, 'Zone « Les Prés », 13001 Marseille'),
		(4, 'F002', 'L''Atelier Günther 🔧', 'F', '401000', NULL, '+49 761 000 00', NULL)`)
	for y := FirstExercice; y <= LastExercice; y++ {
		run(`INSERT INTO exercices (id, code, debut, fin, cloture, archive) VALUES (?, ?, ?, ?, ?, 0)`,
			exerciceID(y), fmt.Sprint(y), fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-12-31", y), boolInt(y <= LastClosed))
		for _, q := range yearSQL(y) {
			run(q)
		}
	}
	// The 2025 extras: a dollar invoice, a very long label, an entry not
	// validated yet.
	run(`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, piece_ref, piece_date, libelle, date_validation, origine) VALUES
		(99001, 12, 'ACH', 5, '2025-06-12', 'INV-2025-0612', '2025-06-10', 'Facture L''Atelier Günther 🔧 (USD)', NULL, 'SAISIE'),
		(99002, 12, 'OD', 6, '2025-09-30', NULL, NULL, ?, NULL, 'SAISIE')`,
		"Régularisation "+strings.Repeat("é", 300))
	run(`INSERT INTO lignes (id, ecriture_id, compte, tiers_id, libelle, debit, credit, lettrage, date_lettrage, montant_devise, devise) VALUES
		(990011, 99001, '626000', NULL, 'Licence logicielle annuelle', 30000, 0, NULL, NULL, 32550, 'USD'),
		(990012, 99001, '401000', 4, NULL, 0, 30000, NULL, NULL, 32550, 'USD'),
		(990021, 99002, '606100', NULL, ?, 1, 0, NULL, NULL, NULL, NULL),
		(990022, 99002, '110000', NULL, NULL, 0, 1, NULL, NULL, NULL, NULL)`,
		longLibelle())
	run(`INSERT INTO annexes (id, ecriture_id, nom_fichier, type_mime, contenu) VALUES
		(1, 1004, 'facture-énergie-2014-05.pdf', 'application/pdf', X'255044462D312E340A25E2E3CFD30A00FF00FF0000FFFF0A2525454F460A'),
		(2, 1002, 'vide.bin', NULL, X''),
		(3, 99001, 'scan très lourd 📎.tif', 'image/tiff', ?)`,
		BigBlob())
	if c.session != nil {
		run(`INSERT INTO sessions (poste, utilisateur, programme, debut, derniere_activite) VALUES (?, ?, ?, ?, ?)`,
			c.session[0], c.session[1], c.session[2], c.session[3], c.session[4])
	}
	// What the schema does not know about, and a full backup must keep.
	run(`CREATE TABLE notes_internes (
		cle     TEXT PRIMARY KEY,
		texte   TEXT,
		montant REAL,
		maj     TEXT
	)`)
	run(`INSERT INTO notes_internes (cle, texte, montant, maj) VALUES
		('relance-café', 'Relancer « Café Noël » avant le 15 📞', 1234.5, '2025-10-01'),
		('vide', NULL, NULL, NULL),
		('binaire', X'00FF00', -0.25, NULL),
		('nombre', 42, 3, '2025-10-02')`)
	run(`CREATE VIEW v_soldes AS
		SELECT compte, tiers_id, sum(debit) - sum(credit) AS solde FROM lignes GROUP BY compte, tiers_id`)
	run(`CREATE TRIGGER notes_internes_maj AFTER UPDATE OF texte ON notes_internes
		BEGIN UPDATE notes_internes SET maj = date('now') WHERE cle = NEW.cle; END`)
	run(`CREATE INDEX lignes_lettrage ON lignes (compte, lettrage) WHERE lettrage IS NOT NULL`)
	if err := tx.Commit(); err != nil {
		tb.Fatalf("dossiertest: BuildV1 %s: commit: %v", path, err)
	}
	mode := "DELETE"
	if c.wal {
		mode = "WAL"
	}
	var got string
	if err := db.QueryRow("PRAGMA journal_mode=" + mode).Scan(&got); err != nil || !strings.EqualFold(got, mode) {
		tb.Fatalf("dossiertest: BuildV1 %s: journal_mode=%s gave %q, %v", path, mode, got, err)
	}
}

func exerciceID(year int) int { return year - FirstExercice + 1 }

// yearSQL is one exercice's entries, ids 1000*exercice + n. Every year sells
// 1 200,00 TTC to Café Noël, paid and lettered, and buys 600,00 TTC of
// energy, left unpaid; the following year opens with the balances of classes
// 1 to 5, the cumulated result on 120000 and the supplier debt per tiers.
func yearSQL(y int) []string {
	x := exerciceID(y)
	k := y - FirstExercice // exercices already closed before y
	id := func(n int) int { return 1000*x + n }
	validated := fmt.Sprintf("'%d-12-31'", y)
	if y == LastExercice {
		validated = "NULL"
	}
	var q []string
	var lines []string
	n := 0
	entry := func(journal, date, ref, refDate, libelle, validation, origine string) int {
		n++
		q = append(q, fmt.Sprintf(`INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, piece_ref, piece_date, libelle, date_validation, origine)
			VALUES (%d, %d, '%s', %d, '%d-%s', %s, %s, '%s', %s, '%s')`, id(n), x, journal, n, y, date, ref, refDate, libelle, validation, origine))
		return id(n)
	}
	line := func(e, i int, compte, tiers, libelle string, debit, credit int, lettrage string) {
		lt, dl := "NULL", "NULL"
		if lettrage != "" {
			lt, dl = "'"+lettrage+"'", fmt.Sprintf("'%d-04-10'", y)
		}
		lines = append(lines, fmt.Sprintf("(%d, %d, '%s', %s, %s, %d, %d, %s, %s, NULL, NULL)", 10*e+i, e, compte, tiers, libelle, debit, credit, lt, dl))
	}
	if k == 0 {
		e := entry("BQ1", "01-01", "'Statuts'", "'2013-12-10'", "Apport en capital", validated, "SAISIE")
		line(e, 1, "512000", "NULL", "NULL", 1000000, 0, "")
		line(e, 2, "101000", "NULL", "'Capital souscrit et libéré'", 0, 1000000, "")
	} else {
		e := entry("AN", "01-01", "NULL", "NULL", fmt.Sprintf("À-nouveaux %d", y), fmt.Sprintf("'%d-01-01'", y), "ANOUVEAU")
		line(e, 1, "101000", "NULL", "'Report à nouveau'", 0, 1000000, "")
		line(e, 2, "120000", "NULL", "NULL", 0, 50000*k, "")
		line(e, 3, "401000", "3", "'Électricité Dupré — factures impayées'", 0, 60000*k, "")
		line(e, 4, "445660", "NULL", "NULL", 10000*k, 0, "")
		line(e, 5, "445710", "NULL", "NULL", 0, 20000*k, "")
		line(e, 6, "512000", "NULL", "'Solde bancaire 👍'", 1000000+120000*k, 0, "")
	}
	s := entry("VEN", "03-15", fmt.Sprintf("'F%d-001'", y), fmt.Sprintf("'%d-03-15'", y), fmt.Sprintf("Facture F%d-001 Café Noël ☕", y), validated, "SAISIE")
	line(s, 1, "411000", "1", "'Café Noël ☕'", 120000, 0, "AA")
	line(s, 2, "706000", "NULL", "'Prestation d''entretien — « forfait été »'", 0, 100000, "")
	line(s, 3, "445710", "NULL", "NULL", 0, 20000, "")
	r := entry("BQ1", "04-10", "'RLV-04'", "NULL", fmt.Sprintf("Règlement F%d-001 reçu", y), validated, "SAISIE")
	line(r, 1, "512000", "NULL", "NULL", 120000, 0, "")
	line(r, 2, "411000", "1", "'Règlement reçu 👍'", 0, 120000, "AA")
	p := entry("ACH", "05-02", "NULL", "NULL", "Facture d''électricité", validated, "SAISIE")
	line(p, 1, "606100", "NULL", "'Électricité — relevé n° 12'", 50000, 0, "")
	line(p, 2, "445660", "NULL", "NULL", 10000, 0, "")
	line(p, 3, "401000", "3", "NULL", 0, 60000, "")
	q = append(q, `INSERT INTO lignes (id, ecriture_id, compte, tiers_id, libelle, debit, credit, lettrage, date_lettrage, montant_devise, devise) VALUES
		`+strings.Join(lines, ",\n\t\t"))
	return q
}

// BigBlob is the 1 MB annex BuildV1 writes: every byte value, zeros and 0xFF
// included, in a pattern that compresses poorly.
func BigBlob() []byte {
	b := make([]byte, BigBlobSize)
	x := uint32(2463534242)
	for i := range b {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		b[i] = byte(x)
	}
	return b
}

func longLibelle() string {
	const unit = "Écriture de régularisation — reprise de l'historique 📚 "
	s := strings.Repeat(unit, LongLibelleSize/len(unit)+1)
	return strings.ToValidUTF8(s[:LongLibelleSize], "")
}

// BuildPlain writes a database that is not schema v1: an AUTOINCREMENT
// table with BLOBs, NULLs and REALs, a WITHOUT ROWID table, a table without
// primary key, and a view. The file must not exist yet.
func BuildPlain(tb testing.TB, path string) {
	tb.Helper()
	db := create(tb, path)
	defer db.Close()
	for _, q := range []string{
		`CREATE TABLE clients (id INTEGER PRIMARY KEY AUTOINCREMENT, nom TEXT NOT NULL, photo BLOB, solde REAL, cree_le DATE)`,
		`CREATE TABLE parametres (cle TEXT PRIMARY KEY, valeur) WITHOUT ROWID`,
		`CREATE TABLE evenements (quand TEXT, quoi TEXT, actif BOOLEAN)`,
		`CREATE VIEW v_clients AS SELECT nom, solde FROM clients WHERE solde IS NOT NULL`,
		`INSERT INTO clients (nom, photo, solde, cree_le) VALUES
			('Boulangerie Lefèvre & Fils', X'89504E470D0A1A0A0000FF00', 12.5, '2024-01-31'),
			('Zoë « Ünïcode » 🚀', NULL, NULL, NULL),
			('Vide', X'', -3.75, 'pas une date')`,
		`DELETE FROM clients WHERE nom = 'Vide'`,
		`INSERT INTO clients (nom, photo, solde, cree_le) VALUES ('L''Œuf à la Coque', X'00', 0.1, '2025-11-21 10:00:00')`,
		`INSERT INTO parametres (cle, valeur) VALUES ('version', 7), ('nom', 'Gestion « maison »'), ('logo', X'FF00FF'), ('rien', NULL), ('taux', 5.5)`,
		`INSERT INTO evenements (quand, quoi, actif) VALUES ('2025-11-21T10:00:00', 'ouverture', 1), (NULL, NULL, NULL), ('2025-11-21T10:05:00', 'fermeture', 0)`,
	} {
		if _, err := db.Exec(q); err != nil {
			tb.Fatalf("dossiertest: BuildPlain %s: %v\n%s", path, err, short(q))
		}
	}
}

// create opens a new database file at path, refusing an existing one so a
// fixture never silently builds on top of another.
func create(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	if _, err := os.Lstat(path); !errors.Is(err, fs.ErrNotExist) {
		tb.Fatalf("dossiertest: %s already exists or cannot be checked (%v)", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		tb.Fatalf("dossiertest: %v", err)
	}
	db, err := sql.Open("sqlite3", "file:"+uriPath(path)+"?mode=rwc&_foreign_keys=on")
	if err != nil {
		tb.Fatalf("dossiertest: open %s: %v", path, err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// open opens an existing database without creating it. A hot journal left by
// a crash is rolled back, as the management software would on its next start.
func open(tb testing.TB, path string) *sql.DB {
	tb.Helper()
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("dossiertest: %v", err)
	}
	db, err := sql.Open("sqlite3", "file:"+uriPath(path)+"?mode=rw")
	if err != nil {
		tb.Fatalf("dossiertest: open %s: %v", path, err)
	}
	db.SetMaxOpenConns(1)
	return db
}

// uriPath escapes the characters that would end the path part of a SQLite
// URI filename.
func uriPath(p string) string {
	return strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(p))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func short(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

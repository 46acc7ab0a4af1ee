package dossiertest

import (
	"fmt"
	"os/exec"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
)

// WineNoSQLite3 is why a test needing the sqlite3 command skips in the
// Windows run under Wine (scripts/wine-test.sh): Debian's sqlite3 is a Linux
// program, which Wine starts for a Windows process but without a handle to
// wait for it.
const WineNoSQLite3 = "sous Wine, le sqlite3 de Debian (programme Linux) ne peut être attendu par un processus Windows"

// SQLite3 runs script through Debian's sqlite3 command line on the database
// at path (created if missing): files a test must not have written with
// Coffre's own code, nor with its SQLite driver. The test fails when the
// command is missing (`make deps` installs it) or the script fails.
func SQLite3(tb testing.TB, path, script string) {
	tb.Helper()
	if fsutil.UnderWine() {
		tb.Skip(WineNoSQLite3)
	}
	bin, err := exec.LookPath("sqlite3")
	if err != nil {
		tb.Fatalf("dossiertest: the sqlite3 command is needed (Debian package sqlite3, `make deps`): %v", err)
	}
	cmd := exec.Command(bin, "-bail", path)
	cmd.Stdin = strings.NewReader(script)
	if out, err := cmd.CombinedOutput(); err != nil {
		tb.Fatalf("dossiertest: sqlite3 %s: %v\n%s", path, err, out)
	}
}

// V1Script is the SQL of a minimal schema-v1 dossier (the schema of
// shared/dossier-schema.sql and its one dossier row, one exercice with one
// balanced entry), for SQLite3.
func V1Script(numero, nom, identifiant string) string {
	return dossier.SchemaV1 + fmt.Sprintf(`
INSERT INTO dossier (numero, nom, raison_sociale, siren, identifiant) VALUES (%s, %s, 'Société « %s »', '732829320', %s);
INSERT INTO exercices (id, code, debut, fin) VALUES (1, '2025', '2025-01-01', '2025-12-31');
INSERT INTO journaux VALUES ('VEN', 'Ventes', 'VEN');
INSERT INTO comptes VALUES ('411000', 'Clients'), ('706000', 'Prestations');
INSERT INTO ecritures (id, exercice_id, journal, numero, date_ecriture, libelle, date_validation) VALUES (1, 1, 'VEN', 1, '2025-03-01', 'Facture 1', '2025-03-01');
INSERT INTO lignes (id, ecriture_id, compte, debit, credit) VALUES (1, 1, '411000', 12000, 0), (2, 1, '706000', 0, 12000);
`, sqlQuote(numero), sqlQuote(nom), strings.ReplaceAll(nom, "'", "''"), sqlQuote(identifiant))
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

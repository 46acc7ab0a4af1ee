package sqlitestore_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"coffre/internal/dossier"
	"coffre/internal/dossiertest"
	"coffre/internal/store"
	"coffre/internal/store/sqlitestore"
)

// oddFolder is a connexion as people really leave them: dossiers whose file
// names do not follow 001NOM.db, an upper-case extension (Windows), a
// symbolic link, two files claiming one number, files that look like
// dossiers but cannot be read, and files that are not dossiers at all. Every
// database is written by Debian's sqlite3 from the schema, not by Coffre.
func oddFolder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	v1 := func(name, numero, nom string) {
		dossiertest.SQLite3(t, filepath.Join(dir, name), dossiertest.V1Script(numero, nom, "id-"+numero+"-"+nom))
	}
	v1("001SOC.DB", "001", "SOC")         // upper-case extension
	v1("008CAFÉ.db", "008", "CAFÉ")       // accent: the row says CAFÉ
	v1("009SOC-2023.db", "009", "SOC")    // a dash and a year
	v1("010X.DB", "010", "X")             // short name of one letter
	v1("011SOC.sqlite", "011", "SOC")     // another SQLite extension
	v1("compta.sqlite3", "012", "COMPTA") // nothing of the convention
	v1("doublon.db", "009", "DOUBLE")     // claims 009 too
	// Not dossiers: another program's database, an export, a cut file, a
	// tax-audit copy under another name, Windows' thumbnail cache, hidden
	// and temp files, a journal.
	dossiertest.SQLite3(t, filepath.Join(dir, "notes.db"), "CREATE TABLE notes (x TEXT);")
	v1("E001SOC.db", "001", "SOC")
	v1("001SOC_CUT001.db", "001", "SOC")
	dossiertest.SQLite3(t, filepath.Join(dir, "pour-le-fisc.db"), dossiertest.V1Script("001", "SOC", "x")+
		"CREATE TABLE coffre_copie_administration (cle TEXT PRIMARY KEY, valeur TEXT NOT NULL);")
	write(t, filepath.Join(dir, "Thumbs.db"), "\xd0\xcf\x11\xe0 not sqlite")
	write(t, filepath.Join(dir, ".cache.db"), "x")
	write(t, filepath.Join(dir, "rapport.pdf"), "%PDF-1.4")
	// Look like dossiers, cannot be read.
	write(t, filepath.Join(dir, "015BAD.db"), "this is no database, just text")
	dossiertest.SQLite3(t, filepath.Join(dir, "vide.sqlite"), dossier.SchemaV1) // dossier table without a row
	dossiertest.SQLite3(t, filepath.Join(dir, "numero.db"), dossier.SchemaV1+
		"INSERT INTO dossier (numero, nom, raison_sociale, identifiant) VALUES ('7', 'SEPT', 'Sept', 'u');")
	if runtime.GOOS != "windows" {
		elsewhere := t.TempDir()
		dossiertest.SQLite3(t, filepath.Join(elsewhere, "vrai.db"), dossiertest.V1Script("013", "LIEN", "id-013"))
		symlink(t, filepath.Join(elsewhere, "vrai.db"), filepath.Join(dir, "013LIEN.db"))
		symlink(t, filepath.Join(elsewhere, "absent.db"), filepath.Join(dir, "014CASSE.db"))
	}
	return dir
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestDiscoveryFindsEveryDossier(t *testing.T) {
	dir := oddFolder(t)
	f, err := sqlitestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]dossier.Info{}
	for _, d := range list {
		got[d.Fichier] = d
	}
	type want struct {
		numero, nom string
		ok          bool // recognised
	}
	wants := map[string]want{
		"001SOC.DB":      {"001", "SOC", true},
		"008CAFÉ.db":     {"008", "CAFE", true},
		"009SOC-2023.db": {"009", "SOC", true},
		"010X.DB":        {"010", "X", true},
		"011SOC.sqlite":  {"011", "SOC", true},
		"compta.sqlite3": {"012", "COMPTA", true},
		"doublon.db":     {"009", "DOUBLE", true},
		"015BAD.db":      {"015", "BAD", false},
		"vide.sqlite":    {"", "", false},
		"numero.db":      {"", "", false},
	}
	if runtime.GOOS != "windows" {
		wants["013LIEN.db"] = want{"013", "LIEN", true}
		wants["014CASSE.db"] = want{"014", "CASSE", false}
	}
	for name, w := range wants {
		d, ok := got[name]
		if !ok {
			t.Errorf("%s: not listed (%d lines)", name, len(list))
			continue
		}
		if d.Numero != w.numero || d.Nom != w.nom {
			t.Errorf("%s: listed as %q %q, want %q %q", name, d.Numero, d.Nom, w.numero, w.nom)
		}
		if d.Unrecognised == w.ok || (d.Error == "") == !w.ok {
			t.Errorf("%s: unrecognised=%v error=%q, want recognised=%v", name, d.Unrecognised, d.Error, w.ok)
		}
		if w.ok && d.Schema != "v1" {
			t.Errorf("%s: schema %q", name, d.Schema)
		}
	}
	if len(got) != len(wants) {
		var names []string
		for n := range got {
			if _, ok := wants[n]; !ok {
				names = append(names, n)
			}
		}
		t.Errorf("listed files that are not dossiers: %v", names)
	}
	if c := got["009SOC-2023.db"].Conflict; !slices.Equal(c, []string{"doublon.db"}) {
		t.Errorf("009SOC-2023.db conflict = %v", c)
	}
	if c := got["doublon.db"].Conflict; !slices.Equal(c, []string{"009SOC-2023.db"}) {
		t.Errorf("doublon.db conflict = %v", c)
	}
	for name, reason := range map[string]string{"015BAD.db": "SQLite", "vide.sqlite": "aucune ligne", "numero.db": "« 7 »", "014CASSE.db": "absent.db"} {
		if d, ok := got[name]; ok && !strings.Contains(d.Error, reason) {
			t.Errorf("%s: reason %q does not say %q", name, d.Error, reason)
		}
	}

	// Reached by number, like every operation does.
	for numero, name := range map[string]string{"001": "001SOC.DB", "008": "008CAFÉ.db", "012": "compta.sqlite3", "010": "010X.DB"} {
		p, err := f.Path(numero)
		if err != nil || filepath.Base(p) != name {
			t.Errorf("Path(%s) = %q, %v; want %s", numero, p, err, name)
		}
	}
	if _, err := f.Path("009"); err == nil || !strings.Contains(err.Error(), "doublon.db") {
		t.Errorf("Path(009) with two files: %v", err)
	}
	snap, err := store.InStore(f, "008").Snapshot(context.Background(), store.SnapshotOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	if id := snap.Identity(); id.Numero != "008" || id.Identifiant != "id-008-CAFÉ" {
		t.Errorf("snapshot of 008CAFÉ.db: %+v", id)
	}
}

// TestDiscoveryNeverWrites: a listing of a dossier that has another
// database's hot journal beside it (an old copy put back by hand) leaves
// both files exactly as they were, reads the dossier as it is, and says the
// journal is not its own (OpenReadOnly).
func TestDiscoveryNeverWrites(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "007ZED.db")
	odd := filepath.Join(dir, "zed-2020.db")
	dossiertest.SQLite3(t, victim, dossiertest.V1Script("007", "ZED", "id-007"))
	dossiertest.SQLite3(t, odd, dossiertest.V1Script("017", "ZED", "id-017"))
	journal := foreignHotJournal(t)
	for _, db := range []string{victim, odd} {
		write(t, db+"-journal", string(journal))
	}
	before := map[string][32]byte{}
	for _, p := range []string{victim, victim + "-journal", odd, odd + "-journal"} {
		before[p] = hashFile(t, p)
	}
	f, err := sqlitestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 {
		t.Fatalf("listing: %+v", list)
	}
	for _, d := range list {
		if d.Error != "" || d.Unrecognised || len(d.Notes) != 1 || d.Notes[0].Code() != "NoteJournalEtranger" {
			t.Errorf("%s: not read past the foreign journal, or the journal not reported: %+v", d.Fichier, d)
		}
	}
	if _, err := f.Path("007"); err != nil {
		t.Errorf("Path(007): %v", err)
	}
	for p, h := range before {
		if hashFile(t, p) != h {
			t.Errorf("%s was modified by a listing", filepath.Base(p))
		}
	}
}

// foreignHotJournal returns the bytes of a real hot journal: the -journal
// of another database, copied while a write transaction holds it.
func foreignHotJournal(t *testing.T) []byte {
	t.Helper()
	other := filepath.Join(t.TempDir(), "autre.db")
	dossiertest.SQLite3(t, other, "CREATE TABLE t (x BLOB); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 200) INSERT INTO t SELECT randomblob(2000) FROM n;")
	db, err := sql.Open("sqlite3", "file:"+other+"?_journal_mode=DELETE")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, q := range []string{"PRAGMA cache_size = 1", "BEGIN", "UPDATE t SET x = randomblob(2000)"} {
		if _, err := conn.ExecContext(context.Background(), q); err != nil {
			t.Fatal(q, err)
		}
	}
	b, err := os.ReadFile(other + "-journal")
	if err != nil || len(b) == 0 {
		t.Fatalf("no journal written: %v", err)
	}
	conn.ExecContext(context.Background(), "ROLLBACK")
	return b
}

func hashFile(t *testing.T, p string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// stageOver restores a one-row database as dossier numero/nom of f,
// replacing what is there, and returns the folder's names afterwards.
func stageOver(t *testing.T, f *sqlitestore.Folder, numero, nom string) []string {
	t.Helper()
	ctx := context.Background()
	st, err := f.Stage(ctx, numero, nom)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	os.Remove(st.Path())
	dossiertest.SQLite3(t, st.Path(), dossiertest.V1Script(numero, nom, "restauré"))
	if err := st.Commit(ctx, true); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(f.Dir())
	var names []string
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	return names
}

func identifiant(t *testing.T, path string) string {
	t.Helper()
	db, err := sqlitestore.OpenRO(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var id string
	if err := db.QueryRow("SELECT identifiant FROM dossier").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// A restore over a dossier keeps the file name someone chose (the
// management software opens it by that name), and through a symbolic link
// replaces the file the link points to, keeping the link.
func TestReplaceKeepsTheDossiersFile(t *testing.T) {
	dir := t.TempDir()
	dossiertest.SQLite3(t, filepath.Join(dir, "009SOC-2023.db"), dossiertest.V1Script("009", "SOC", "avant"))
	dossiertest.SQLite3(t, filepath.Join(dir, "001SOC.DB"), dossiertest.V1Script("001", "SOC", "avant"))
	dossiertest.SQLite3(t, filepath.Join(dir, "002ABC.db"), dossiertest.V1Script("002", "ABC", "avant"))
	f, err := sqlitestore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := stageOver(t, f, "009", "SOC"); !slices.Contains(got, "009SOC-2023.db") || slices.Contains(got, "009SOC.db") {
		t.Errorf("after replacing 009SOC-2023.db: %v", got)
	}
	if got := identifiant(t, filepath.Join(dir, "009SOC-2023.db")); got != "restauré" {
		t.Errorf("009SOC-2023.db holds %q", got)
	}
	if got := stageOver(t, f, "001", "SOC"); !slices.Equal(got, []string{"001SOC.DB", "002ABC.db", "009SOC-2023.db"}) {
		t.Errorf("after replacing 001SOC.DB: %v", got)
	}
	// Another short name: the convention's new name, the old file gone.
	if got := stageOver(t, f, "002", "XYZ"); !slices.Equal(got, []string{"001SOC.DB", "002XYZ.db", "009SOC-2023.db"}) {
		t.Errorf("after replacing 002ABC.db by 002XYZ: %v", got)
	}
	if runtime.GOOS == "windows" {
		return
	}
	elsewhere := t.TempDir()
	target := filepath.Join(elsewhere, "vrai.db")
	dossiertest.SQLite3(t, target, dossiertest.V1Script("013", "LIEN", "avant"))
	symlink(t, target, filepath.Join(dir, "013LIEN.db"))
	stageOver(t, f, "013", "LIEN")
	if fi, err := os.Lstat(filepath.Join(dir, "013LIEN.db")); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was not kept: %v %v", fi, err)
	}
	if got := identifiant(t, target); got != "restauré" {
		t.Errorf("the file the link points to holds %q", got)
	}
}

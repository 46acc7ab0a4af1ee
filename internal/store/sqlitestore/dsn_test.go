package sqlitestore

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// TestFileURIWindowsPaths: the URIs SQLite is given for Windows paths. A
// UNC connexion (\\serveur\compta) was written file://serveur/… and every
// liste, sauvegarder and demo failed « invalid uri authority: serveur »,
// and a restore into it called a good file « endommagé » (issue #10,
// fault 3). Wine cannot serve a share, so the UNC form is checked here, on
// both systems; TestDSNOpensWindowsForms opens the other forms for real.
func TestFileURIWindowsPaths(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`C:\Compta\001SOC.db`, "file:/C:/Compta/001SOC.db"},
		{`\\serveur\compta\001SOC.db`, "file:////serveur/compta/001SOC.db"},
		{`\\serveur\compta\Société #1\001SOC.db`, "file:////serveur/compta/Société %231/001SOC.db"},
		{`\\?\UNC\serveur\compta\001SOC.db`, "file:////serveur/compta/001SOC.db"},
		{`\\?\unc\serveur\compta\001SOC.db`, "file:////serveur/compta/001SOC.db"},
		{`\\?\C:\Compta\001SOC.db`, "file:/C:/Compta/001SOC.db"},
		{`\\.\C:\Compta\001SOC.db`, "file:/C:/Compta/001SOC.db"},
	} {
		if got := fileURI(c.in, true); got != c.want {
			t.Errorf("fileURI(%s) = %s, want %s", c.in, got, c.want)
		}
	}
	if got := fileURI("/srv/compta/001SOC.db", false); got != "file:/srv/compta/001SOC.db" {
		t.Errorf("Unix path: %s", got)
	}
}

// TestDSNOpensWindowsForms: on Windows (under Wine in make test), a dossier
// reached through a \\?\ path opens through DSN and reads back.
func TestDSNOpensWindowsForms(t *testing.T) {
	if runtime.GOOS != "windows" {
		t.Skip("Windows paths")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "001SOC.db")
	db, err := sql.Open("sqlite3", DSN(path, "mode=rwc"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE t (x); INSERT INTO t VALUES (42)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	for _, p := range []string{path, `\\?\` + path} {
		db, err := OpenRO(p)
		if err != nil {
			t.Fatal(err)
		}
		var x int
		err = db.QueryRowContext(context.Background(), "SELECT x FROM t").Scan(&x)
		db.Close()
		if err != nil || x != 42 {
			t.Errorf("%s (%s): %d %v", p, DSN(p, ""), x, err)
		}
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err)
	}
}

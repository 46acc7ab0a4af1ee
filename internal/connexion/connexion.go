package connexion

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"time"

	"coffre/internal/demo"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/odbcconn"
	"coffre/internal/paths"
	"coffre/internal/store"
	"coffre/internal/store/odbcstore"
	"coffre/internal/store/sqlitestore"
)

var (
	msgNoODBC   = &i18n.Message{ID: "ODBCIndisponible", Other: "Connexion ODBC impossible : aucun pilote ODBC n'est configuré sur ce poste pour « {{.Conn}} ». Installez le pilote du serveur (PostgreSQL Unicode, ODBC Driver for SQL Server…) ou utilisez un dossier local."}
	msgBadODBC  = &i18n.Message{ID: "ODBCChaineInvalide", Other: "Chaîne de connexion ODBC invalide : {{.Detail}}. Forme attendue : odbc:Driver={PostgreSQL Unicode};Server=…;Database=…"}
	openTimeout = 30 * time.Second
)

// ODBCPrefix starts a connexion to an ODBC server.
const ODBCPrefix = "odbc:"

// IsODBC reports whether spec names an ODBC connexion.
func IsODBC(spec string) bool { return strings.HasPrefix(strings.ToLower(spec), ODBCPrefix) }

// Open opens the connexion spec: "" is the default folder (created if
// missing), a path is a folder of SQLite dossiers, "odbc:<connection
// string>" a server (DSN or DSN-less, user and password inside it).
func Open(spec string) (store.Store, error) {
	if IsODBC(spec) {
		return OpenODBC(context.Background(), spec[len(ODBCPrefix):], "", "")
	}
	if spec == "" {
		spec = paths.Dossiers()
		if err := os.MkdirAll(spec, 0o755); err != nil {
			return nil, err
		}
	}
	return sqlitestore.Open(spec)
}

// OpenODBC opens an ODBC connexion from a connection string and, when the
// wizard's fields are filled, a user and a password added through the
// quoting helper (never concatenated raw). Nothing it returns holds the
// password.
func OpenODBC(ctx context.Context, connString, user, password string) (store.Store, error) {
	cs, err := odbcconn.Parse(connString)
	if err != nil {
		return nil, i18n.E(msgBadODBC, map[string]any{"Detail": err.Error()}, dossier.ErrNotFound)
	}
	cs = cs.WithCredentials(user, password)
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	s, err := odbcstore.Open(ctx, cs)
	if errors.Is(err, odbcstore.ErrNoDriver) {
		return nil, i18n.E(msgNoODBC, map[string]any{"Conn": cs.Redacted()}, dossier.ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// List lists the dossiers of s, with the date of the newest backup of each
// found in backupDirs (by file name: 001-SOC_AAAAMMJJ_HHMM.pbf).
func List(ctx context.Context, s store.Store, backupDirs []string) ([]dossier.Info, error) {
	list, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	latest := LatestBackups(backupDirs)
	for i := range list {
		list[i].DerniereSauvegarde = latest[list[i].Numero+"-"+list[i].Nom]
	}
	return list, nil
}

// LatestBackups maps "001-SOC" to the time of its newest backup in dirs.
func LatestBackups(dirs []string) map[string]time.Time {
	out := map[string]time.Time{}
	seen := map[string]bool{}
	for _, dir := range dirs {
		if dir == "" || seen[dir] {
			continue
		}
		seen[dir] = true
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			name := e.Name()
			if !strings.HasSuffix(name, dossier.ExtPBF) {
				continue
			}
			p, ok := dossier.ParseBackupName(strings.TrimSuffix(name, dossier.ExtPBF))
			if !ok {
				continue
			}
			k := p.Numero + "-" + p.Nom
			if p.Taken.After(out[k]) {
				out[k] = p.Taken
			}
		}
	}
	return out
}

// DefaultBackupDirs are the folders searched for backups when listing.
func DefaultBackupDirs(extra ...string) []string {
	dirs := []string{paths.Backups()}
	for _, d := range extra {
		if d != "" {
			dirs = append(dirs, filepath.Clean(d))
		}
	}
	return dirs
}

// Demo returns the demo connexion's folder (DataDir/demo), writing the demo
// dossiers there the first time. It is kept apart from the user's real
// dossiers, so that nightly backups never carry demo data.
func Demo(ctx context.Context) (string, error) {
	dir := filepath.Join(paths.DataDir(), "demo")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), dossier.ExtDB) {
			return dir, nil
		}
	}
	if _, err := demo.Generate(ctx, dir, demo.Options{}); err != nil {
		return "", err
	}
	return dir, nil
}

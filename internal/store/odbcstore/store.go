package odbcstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"sync"

	_ "github.com/alexbrainman/odbc" // the "odbc" database/sql driver

	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/ledger"
	"coffre/internal/odbcconn"
	"coffre/internal/store"
)

var (
	msgNoDriver  = &i18n.Message{ID: "ODBCAucunPilote", Other: "Connexion ODBC impossible : aucun pilote ODBC n'est configuré pour « {{.Conn}} ». Installez le pilote du serveur (PostgreSQL Unicode, ODBC Driver for SQL Server…) ou vérifiez le nom de la source de données."}
	msgConnect   = &i18n.Message{ID: "ODBCConnexionImpossible", Other: "Connexion au serveur impossible ({{.Conn}}) : {{.Detail}}"}
	msgDialect   = &i18n.Message{ID: "ODBCServeurInconnu", Other: "Le serveur « {{.DBMS}} » n'est pas pris en charge : Coffre sait travailler avec PostgreSQL, SQL Server et SQLite."}
	msgNotFound  = &i18n.Message{ID: "ODBCDossierIntrouvable", Other: "Aucun dossier n° {{.Numero}} sur le serveur ({{.Conn}})."}
	msgTwo       = &i18n.Message{ID: "ODBCNumeroEnDouble", Other: "Deux bases portent le numéro {{.Numero}} sur le serveur : {{.Bases}}. Renommez l'une d'elles."}
	msgLocked    = &i18n.Message{ID: "ODBCDossierVerrouille", Other: "Le dossier {{.Numero}} est déjà en cours de traitement par une autre opération Coffre. Attendez qu'elle se termine."}
	msgServerErr = &i18n.Message{ID: "ODBCErreurServeur", Other: "Erreur du serveur sur le dossier {{.Dossier}} : {{.Detail}}"}
)

// ErrNoDriver: the driver manager knows no driver or data source for the
// connection string (SQLSTATE IM002).
var ErrNoDriver = fmt.Errorf("aucun pilote ODBC n'est configuré: %w", dossier.ErrNotFound)

// Store is an ODBC connexion. Each dossier is one database, named like the
// folder store's files: 001SOC. The connection string's database is the
// maintenance database the server's databases are listed from.
type Store struct {
	cs    odbcconn.ConnString // with secrets: only ever handed to the driver
	d     Dialect
	cat   catalog
	maint *sql.DB // nil for SQLite

	mu     sync.Mutex
	probes map[string]probe // databases not named like a dossier (see probeDB)
}

// Open connects to the server cs designates (user and password already in
// it, see odbcconn.ConnString.WithCredentials) and detects its dialect.
func Open(ctx context.Context, cs odbcconn.ConnString) (*Store, error) {
	d, err := detect(ctx, cs)
	if err != nil {
		return nil, err
	}
	s := &Store{cs: d.Tune(cs), d: d}
	if _, ok := d.(sqliteDialect); ok {
		dir, _ := cs.Get("Database")
		s.cat = &folderCatalog{s: s, dir: dir}
		if err := s.cat.(*folderCatalog).check(); err != nil {
			return nil, err
		}
		s.sweep(ctx)
		return s, nil
	}
	s.maint, err = sql.Open("odbc", s.cs.String())
	if err != nil {
		return nil, s.wrap("", err)
	}
	if err := s.maint.PingContext(ctx); err != nil {
		s.maint.Close()
		return nil, s.wrap("", err)
	}
	s.cat = &serverCatalog{s: s}
	s.sweep(ctx)
	return s, nil
}

// detect finds the dialect: from the driver's name when it says SQLite (its
// database is a folder, there is nothing to connect to), otherwise from
// SQLGetInfo's DBMS name.
func detect(ctx context.Context, cs odbcconn.ConnString) (Dialect, error) {
	if drv, _ := cs.Get("Driver"); strings.Contains(strings.ToLower(drv), "sqlite") {
		return sqliteDialect{}, nil
	}
	p, err := odbcconn.Probe(ctx, cs)
	if err != nil {
		var pe *odbcconn.ProbeError
		if errors.As(err, &pe) && pe.NoDriver() {
			return nil, i18n.E(msgNoDriver, map[string]any{"Conn": cs.Redacted()}, ErrNoDriver)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, i18n.E(msgConnect, map[string]any{"Conn": cs.Redacted(), "Detail": err.Error()}, dossier.ErrNotFound)
	}
	if d := DialectFor(p); d != nil {
		return d, nil
	}
	return nil, i18n.E(msgDialect, map[string]any{"DBMS": p.DBMS}, nil)
}

// DialectFor picks the dialect from what SQLGetInfo said; nil if unknown.
func DialectFor(p odbcconn.Product) Dialect {
	name := strings.ToLower(p.DBMS + " " + p.Driver)
	switch {
	case strings.Contains(name, "postgres"), strings.Contains(name, "psqlodbc"):
		return postgres{}
	case strings.Contains(name, "sql server"), strings.Contains(name, "msodbcsql"), strings.Contains(name, "sqlncli"):
		return sqlServer{}
	case strings.Contains(name, "sqlite"):
		return sqliteDialect{}
	}
	return nil
}

// Dialect is the server's dialect.
func (s *Store) Dialect() Dialect { return s.d }

func (s *Store) Describe() store.Description {
	return store.Description{Kind: "odbc", Dialect: s.d.Name(), Location: s.cs.Redacted()}
}

func (s *Store) Close() error {
	if s.maint != nil {
		return s.maint.Close()
	}
	return nil
}

// wrap turns a driver error into a message without secrets (the driver's
// text is scrubbed), keeping cancellation recognisable.
func (s *Store) wrap(label string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ie *i18n.Error
	if errors.As(err, &ie) {
		return err
	}
	if label == "" {
		label = s.cs.Redacted()
	}
	return i18n.E(msgServerErr, map[string]any{"Dossier": label, "Detail": s.cs.Scrub(err.Error())}, nil)
}

// dbConn is the connection string of database name.
func (s *Store) dbConn(name string) odbcconn.ConnString { return s.cat.conn(name) }

// openDB opens a pool on database name.
func (s *Store) openDB(name string) (*sql.DB, error) {
	db, err := sql.Open("odbc", s.dbConn(name).String())
	if err != nil {
		return nil, s.wrap(name, err)
	}
	db.SetMaxOpenConns(2)
	return db, nil
}

// dossierDBs maps numero → database names: those following the 001SOC
// convention, and the others whose dossier table names a dossier (their
// numero and nom come from it). Coffre's temp databases and the
// maintenance database (which cannot be renamed while connected to) are
// never dossiers. names gives each listed database's numero and nom.
func (s *Store) dossierDBs(ctx context.Context) (map[string][]string, map[string]int64, map[string]dossier.ParsedName, error) {
	all, err := s.cat.list(ctx)
	if err != nil {
		return nil, nil, nil, s.wrap("", err)
	}
	maint, _ := s.cs.Get("Database")
	out := map[string][]string{}
	names := map[string]dossier.ParsedName{}
	for name := range all {
		if isTempName(name) {
			continue
		}
		p, ok := dossier.ParseDBName(name)
		if !ok {
			if s.maint != nil && strings.EqualFold(name, maint) {
				continue
			}
			pr := s.probeDB(ctx, name)
			if err := ctx.Err(); err != nil {
				return nil, nil, nil, err
			}
			if !pr.ok {
				continue
			}
			p = dossier.ParsedName{Kind: dossier.KindDossier, Numero: pr.numero, Nom: pr.nom}
		}
		if p.Kind != dossier.KindDossier {
			continue
		}
		out[p.Numero] = append(out[p.Numero], name)
		names[name] = p
	}
	for _, v := range out {
		sort.Strings(v)
	}
	return out, all, names, nil
}

// database returns the database of dossier numero.
func (s *Store) database(ctx context.Context, numero string) (string, error) {
	if !dossier.ValidNumero(numero) {
		return "", dossier.ErrBadNumero
	}
	dbs, _, _, err := s.dossierDBs(ctx)
	if err != nil {
		return "", err
	}
	switch names := dbs[numero]; len(names) {
	case 0:
		return "", i18n.E(msgNotFound, map[string]any{"Numero": numero, "Conn": s.cs.Redacted()}, dossier.ErrNotFound)
	case 1:
		return names[0], nil
	default:
		return "", i18n.E(msgTwo, map[string]any{"Numero": numero, "Bases": strings.Join(names, ", ")}, dossier.ErrExists)
	}
}

// DatabaseName is the database holding dossier numero (001SOC, or the
// name of a database whose dossier table says 001).
func (s *Store) DatabaseName(ctx context.Context, numero string) (string, error) {
	return s.database(ctx, numero)
}

// ServerSessions lists the other connections to database name (the
// programs to close before it can be replaced).
func (s *Store) ServerSessions(ctx context.Context, name string) ([]dossier.Session, error) {
	ss, err := s.cat.sessions(ctx, name)
	return ss, s.wrap(name, err)
}

func (s *Store) List(ctx context.Context) ([]dossier.Info, error) {
	dbs, sizes, parsed, err := s.dossierDBs(ctx)
	if err != nil {
		return nil, err
	}
	var out []dossier.Info
	for _, names := range dbs {
		for _, name := range names {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			p := parsed[name]
			info := dossier.Info{Taille: sizes[name], Fichier: name}
			info.Numero, info.Nom = p.Numero, p.Nom
			if err := s.readInfo(ctx, name, &info); err != nil {
				info.Error = i18n.Describe(s.wrap(name, err))
				info.Unrecognised = true
			}
			out = append(out, info)
		}
	}
	dossier.MarkConflicts(out)
	dossier.SortInfos(out)
	return out, nil
}

func (s *Store) readInfo(ctx context.Context, name string, info *dossier.Info) error {
	db, err := s.openDB(name)
	if err != nil {
		return err
	}
	defer db.Close()
	tables, err := s.d.Tables(ctx, db)
	if err != nil {
		return err
	}
	if !ledger.IsV1(userTables(tables)) {
		return nil
	}
	info.Schema = "v1"
	var siren sql.NullString
	err = db.QueryRowContext(ctx, "SELECT raison_sociale, siren, identifiant FROM dossier").Scan(&info.RaisonSociale, &siren, &info.Identifiant)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	info.SIREN = siren.String
	var first, last sql.NullString
	if err := db.QueryRowContext(ctx, "SELECT COUNT(*), MIN(code), MAX(code) FROM exercices").Scan(&info.Exercices, &first, &last); err != nil {
		return err
	}
	info.PremierExercice, info.DernierExercice = first.String, last.String
	return nil
}

// userTables are the names of the tables, without Coffre's own.
func userTables(tables []Table) []string {
	var out []string
	for _, t := range tables {
		if !strings.EqualFold(t.Name, metaTable) {
			out = append(out, t.Name)
		}
	}
	sort.Strings(out)
	return out
}

func (s *Store) Lock(ctx context.Context, numero string) (func(), error) {
	if !dossier.ValidNumero(numero) {
		return nil, dossier.ErrBadNumero
	}
	key, _ := strconv.Atoi(numero)
	unlock, ok, err := s.cat.lock(ctx, int64(key))
	if err != nil {
		return nil, s.wrap(numero, err)
	}
	if !ok {
		return nil, i18n.E(msgLocked, map[string]any{"Numero": numero}, dossier.ErrInUse)
	}
	return unlock, nil
}

// serverLock holds an advisory lock on its own connection to the
// maintenance database: the lock lives as long as that session.
func (s *Store) serverLock(ctx context.Context, key int64) (func(), bool, error) {
	conn, err := s.maint.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	ok, err := s.d.TryLock(ctx, conn, key)
	if err != nil || !ok {
		conn.Close()
		return nil, false, err
	}
	return func() {
		if s.d.Unlock(context.Background(), conn, key) != nil {
			// The lock dies with the session: make sure it ends.
			conn.Raw(func(any) error { return errLockDiscarded })
		}
		conn.Close()
	}, true, nil
}

var errLockDiscarded = fmt.Errorf("odbcstore: lock connection discarded: %w", errBadConn)

var _ store.Store = (*Store)(nil)

package odbcstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/i18n"
)

var (
	msgNativeExists = &i18n.Message{ID: "SQLServerBaseExiste", Other: "La base {{.Base}} existe déjà sur le serveur SQL : confirmez son remplacement."}
	msgNativeVerify = &i18n.Message{ID: "SQLServerVerifyEchec", Other: "SQL Server n'a pas pu relire la sauvegarde « {{.File}} » (RESTORE VERIFYONLY) : {{.Detail}}"}
	msgNativeEmpty  = &i18n.Message{ID: "SQLServerSauvegardeVide", Other: "« {{.File}} » ne contient aucune sauvegarde de base SQL Server."}
)

// engineExpress is SERVERPROPERTY('EngineEdition') for Express, which
// cannot compress backups.
const engineExpress = 4

// Native is SQL Server's own backup format (.bak), for an IT provider who
// wants it next to Coffre's portable PBF. db is a connection to master;
// paths are the server's, not this workstation's.
type Native struct {
	db *sql.DB
}

// NewNative works through db, a connection to the server's master database.
func NewNative(db *sql.DB) *Native { return &Native{db: db} }

// NativeHeader is what RESTORE HEADERONLY says of a backup file.
type NativeHeader struct {
	DatabaseName string
	BackupFinish time.Time
	BackupSize   int64
	Compressed   bool
}

// NativeResult says what a native backup wrote.
type NativeResult struct {
	Path       string
	Compressed bool
	Verified   bool
	Header     NativeHeader
}

// BackupStatement is BACKUP DATABASE … WITH CHECKSUM, COPY_ONLY (the
// customer's own backup chain is left alone), COMPRESSION when allowed.
func BackupStatement(database, file string, compress bool) string {
	d := sqlServer{}
	s := "BACKUP DATABASE " + d.Quote(database) + " TO DISK = N" + sqlString(file) + " WITH CHECKSUM, COPY_ONLY, INIT, FORMAT"
	if compress {
		s += ", COMPRESSION"
	}
	return s
}

// VerifyStatement is RESTORE VERIFYONLY … WITH CHECKSUM.
func VerifyStatement(file string) string {
	return "RESTORE VERIFYONLY FROM DISK = N" + sqlString(file) + " WITH CHECKSUM"
}

// Move is one file of the backup and where the restore puts it.
type Move struct{ Logical, Physical string }

// RestoreStatement is RESTORE DATABASE … WITH CHECKSUM, MOVE…, REPLACE.
func RestoreStatement(database, file string, moves []Move, replace bool) string {
	d := sqlServer{}
	s := "RESTORE DATABASE " + d.Quote(database) + " FROM DISK = N" + sqlString(file) + " WITH CHECKSUM"
	for _, m := range moves {
		s += ", MOVE N" + sqlString(m.Logical) + " TO N" + sqlString(m.Physical)
	}
	if replace {
		s += ", REPLACE"
	}
	return s
}

// Backup writes database to file on the server, verifies it and reads its
// header back.
func (n *Native) Backup(ctx context.Context, database, file string) (NativeResult, error) {
	res := NativeResult{Path: file}
	var edition int64
	if err := n.db.QueryRowContext(ctx, "SELECT CAST(SERVERPROPERTY('EngineEdition') AS int)").Scan(&edition); err != nil {
		return res, err
	}
	res.Compressed = edition != engineExpress
	if _, err := n.db.ExecContext(ctx, BackupStatement(database, file, res.Compressed)); err != nil {
		return res, err
	}
	if _, err := n.db.ExecContext(ctx, VerifyStatement(file)); err != nil {
		return res, i18n.E(msgNativeVerify, map[string]any{"File": file, "Detail": err.Error()}, dossier.ErrCorrupt)
	}
	res.Verified = true
	h, err := n.Header(ctx, file)
	res.Header = h
	return res, err
}

// Header runs RESTORE HEADERONLY and reads the first backup set.
func (n *Native) Header(ctx context.Context, file string) (NativeHeader, error) {
	var h NativeHeader
	rows, err := n.db.QueryContext(ctx, "RESTORE HEADERONLY FROM DISK = N"+sqlString(file))
	if err != nil {
		return h, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return h, err
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return h, err
		}
		return h, i18n.E(msgNativeEmpty, map[string]any{"File": file}, dossier.ErrCorrupt)
	}
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if err := rows.Scan(ptrs...); err != nil {
		return h, err
	}
	for i, c := range cols {
		switch strings.ToLower(c) {
		case "databasename":
			h.DatabaseName, _ = normalize(vals[i], kindText).(string)
		case "backupfinishdate":
			h.BackupFinish, _ = vals[i].(time.Time)
		case "backupsize":
			h.BackupSize, _ = normalize(vals[i], kindInteger).(int64)
		case "compressed":
			v, _ := normalize(vals[i], kindInteger).(int64)
			h.Compressed = v != 0
		}
	}
	return h, nil
}

// NativeRestoreOptions are the confirmations a native restore needs.
type NativeRestoreOptions struct {
	// Replace confirms replacing an existing database.
	Replace bool
	// Disconnect confirms ending the other sessions on it (single-user
	// mode WITH ROLLBACK IMMEDIATE): never done without it.
	Disconnect bool
}

// Restore restores file as database: its data and log files go to the
// server's default folders under the database's name.
func (n *Native) Restore(ctx context.Context, file, database string, opt NativeRestoreOptions) error {
	if _, err := n.db.ExecContext(ctx, VerifyStatement(file)); err != nil {
		return i18n.E(msgNativeVerify, map[string]any{"File": file, "Detail": err.Error()}, dossier.ErrCorrupt)
	}
	moves, err := n.moves(ctx, file, database)
	if err != nil {
		return err
	}
	var id sql.NullInt64
	if err := n.db.QueryRowContext(ctx, "SELECT DB_ID(?)", database).Scan(&id); err != nil {
		return err
	}
	single := false
	if id.Valid {
		if !opt.Replace {
			return i18n.E(msgNativeExists, map[string]any{"Base": database}, dossier.ErrExists)
		}
		sessions, err := sqlServer{}.Sessions(ctx, n.db, database)
		if err != nil {
			return err
		}
		if len(sessions) > 0 {
			if !opt.Disconnect {
				return i18n.E(msgInUse, map[string]any{"Numero": database, "Sessions": describeSessions(sessions)}, dossier.ErrInUse)
			}
			if err := (sqlServer{}).Disconnect(ctx, n.db, database); err != nil {
				return err
			}
			single = true
		}
	}
	_, err = n.db.ExecContext(ctx, RestoreStatement(database, file, moves, id.Valid))
	if single {
		// Back to normal whatever the outcome: the management software
		// must be able to reconnect.
		if _, e := n.db.ExecContext(context.Background(), "ALTER DATABASE "+sqlServer{}.Quote(database)+" SET MULTI_USER"); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// moves places each file of the backup in the instance's default data or
// log folder, named after the target database.
func (n *Native) moves(ctx context.Context, file, database string) ([]Move, error) {
	var dataDir, logDir sql.NullString
	if err := n.db.QueryRowContext(ctx, "SELECT CAST(SERVERPROPERTY('InstanceDefaultDataPath') AS nvarchar(4000)), CAST(SERVERPROPERTY('InstanceDefaultLogPath') AS nvarchar(4000))").Scan(&dataDir, &logDir); err != nil {
		return nil, err
	}
	rows, err := n.db.QueryContext(ctx, "RESTORE FILELISTONLY FROM DISK = N"+sqlString(file))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []Move
	for i := 0; rows.Next(); i++ {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for j := range vals {
			ptrs[j] = &vals[j]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		var logical, physical, typ string
		for j, c := range cols {
			s, _ := normalize(vals[j], kindText).(string)
			switch strings.ToLower(c) {
			case "logicalname":
				logical = s
			case "physicalname":
				physical = s
			case "type":
				typ = s
			}
		}
		dir, ext := dataDir.String, ".mdf"
		if typ == "L" {
			dir, ext = logDir.String, ".ldf"
		} else if i > 0 {
			ext = ".ndf"
		}
		if dir == "" {
			dir = winDir(physical)
		}
		name := database
		if i > 0 {
			name = fmt.Sprintf("%s_%s", database, logical)
		}
		if typ == "L" {
			name = database + "_log"
		}
		out = append(out, Move{Logical: logical, Physical: strings.TrimRight(dir, `\/`) + `\` + name + ext})
	}
	if len(out) == 0 {
		return nil, errors.Join(rows.Err(), i18n.E(msgNativeEmpty, map[string]any{"File": file}, dossier.ErrCorrupt))
	}
	return out, rows.Err()
}

// winDir is the folder of a Windows path (the server's, whatever ours is).
func winDir(p string) string {
	i := strings.LastIndexAny(p, `\/`)
	if i < 0 {
		return path.Dir(p)
	}
	return p[:i]
}

package store

import (
	"context"
	"io"

	"coffre/internal/dossier"
	"coffre/internal/ledger"
)

// Description says what a connexion is, for manifests and messages. It never
// holds a password.
type Description struct {
	Kind     string // "sqlite" (a folder of files), "fichier" (one file), "odbc"
	Dialect  string // "sqlite", "postgresql", "sqlserver"…
	Location string // folder path, or the connection string without secrets
}

// Store is a connexion. Its methods may be called from several goroutines;
// every call that does I/O honours ctx.
type Store interface {
	Describe() Description
	// List returns the dossiers of the connexion, sorted by numero. A
	// dossier that cannot be read is listed with Info.Error set.
	List(ctx context.Context) ([]dossier.Info, error)
	// Snapshot opens a consistent read view of dossier numero: everything
	// read through it, stats and database image, is of one instant, even
	// while the management software writes. ErrNotFound when absent.
	Snapshot(ctx context.Context, numero string, opt SnapshotOptions) (Snapshot, error)
	// Stage prepares a restore under numero/nom: the caller writes a
	// complete SQLite database at Staging.Path(), checks it, then commits.
	Stage(ctx context.Context, numero, nom string) (Staging, error)
	// Lock keeps other Coffre processes off dossier numero until unlock is
	// called: ErrInUse (wrapped) when another one holds it.
	Lock(ctx context.Context, numero string) (unlock func(), err error)
	Close() error
}

// SnapshotOptions tune how a snapshot is taken.
type SnapshotOptions struct {
	// TempDir is where a snapshot that needs a temporary copy (a WAL-mode
	// database, a server) puts it; "" means the OS temp folder.
	TempDir string
	// Copy asks for a snapshot that holds no lock on the dossier once open:
	// a private copy taken in short steps, so that the management software
	// keeps writing while the copy is compressed and checked (a backup).
	Copy bool
	// Progress receives the copy's progress (PhaseLecture).
	Progress dossier.Progress
}

// Snapshot is a consistent read view of one dossier. It is used from one
// goroutine at a time, except that the reader returned by Database may be
// drained in another goroutine while Stats runs. Close releases it.
type Snapshot interface {
	Identity() dossier.Identity
	// Schema is "v1" for a management-software dossier, "" otherwise.
	Schema() string
	// Tables lists the user tables (no internal ones).
	Tables() []string
	Sessions(ctx context.Context) ([]dossier.Session, error)
	Stats(ctx context.Context) (dossier.Stats, error)
	// Database returns a portable SQLite image of the snapshot and its exact
	// size. It may be called once.
	Database(ctx context.Context) (io.ReadCloser, int64, error)
	// Querier runs read queries inside the snapshot.
	Querier() ledger.Querier
	Close() error
}

// Staging is a restore in progress: nothing is visible under the dossier's
// name before Commit, and Abort leaves the connexion as it was.
type Staging interface {
	// Path is the local file where the caller writes the database.
	Path() string
	// Exists reports whether a dossier already lives under this numero.
	Exists(ctx context.Context) (bool, error)
	// Commit switches the staged database in. Without replace it refuses
	// (ErrExists) to replace an existing dossier.
	Commit(ctx context.Context, replace bool) error
	// Abort discards the staged database; safe after Commit.
	Abort()
}

// Named is a Staging that says what the dossier is called once switched
// in, as a person finds it: the file's name in a folder (the one it kept,
// 009SOC-2023.db, or its link), the database's on a server (001SOC).
type Named interface {
	Name() string
}

package connexion

import (
	"context"
	"strings"

	"coffre/internal/odbcconn"
	"coffre/internal/store"
)

// Spec is a connexion as a person chooses it: a folder, or a server (a DSN
// name or a connection string) with its own user and password fields. The
// password only ever reaches the driver, through the quoting helper.
type Spec struct {
	Folder   string
	Server   string // DSN name, or a connection string holding '='
	User     string
	Password string
}

// IsODBC reports whether the spec names a server.
func (s Spec) IsODBC() bool { return strings.TrimSpace(s.Server) != "" }

// connString is the server's connection string without the credentials.
func (s Spec) connString() (odbcconn.ConnString, error) {
	srv := strings.TrimSpace(s.Server)
	if strings.Contains(srv, "=") {
		return odbcconn.Parse(srv)
	}
	return odbcconn.New(odbcconn.Attr{Key: "DSN", Value: srv})
}

// Open opens the connexion.
func (s Spec) Open(ctx context.Context) (store.Store, error) {
	if !s.IsODBC() {
		return Open(s.Folder)
	}
	cs, err := s.connString()
	if err != nil {
		return nil, err
	}
	return OpenODBC(ctx, cs.String(), s.User, s.Password)
}

// Remembered is the spec as it may be written to the preferences or shown:
// "odbc:<connection string>" with the user but never the password.
func (s Spec) Remembered() string {
	if !s.IsODBC() {
		return s.Folder
	}
	cs, err := s.connString()
	if err != nil {
		return ""
	}
	return ODBCPrefix + cs.WithCredentials(s.User, "").Redacted()
}

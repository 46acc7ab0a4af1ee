package crash

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"coffre/internal/buildinfo"
	"coffre/internal/i18n"
	"coffre/internal/odbcconn"
	"coffre/internal/paths"
)

// ErrInternal is what every crash error wraps: errors.Is(err, ErrInternal)
// tells a fault of Coffre from a fault of the world.
var ErrInternal = errors.New("coffre: internal error (panic)")

var (
	msgInternal       = &i18n.Message{ID: "ErreurInterne", Other: "Erreur interne : Coffre a rencontré un problème imprévu et a arrêté l'opération. Un rapport a été écrit dans « {{.File}} » : transmettez-le à votre prestataire."}
	msgInternalNoFile = &i18n.Message{ID: "ErreurInterneSansRapport", Other: "Erreur interne : Coffre a rencontré un problème imprévu et a arrêté l'opération (le rapport n'a pas pu être écrit : {{.Detail}})."}
)

var (
	mu      sync.Mutex
	cmdLine []string
)

// SetCommandLine records the command line for the reports (main calls it
// once with os.Args); secrets in it are masked when a report is written.
func SetCommandLine(args []string) {
	mu.Lock()
	defer mu.Unlock()
	cmdLine = append([]string(nil), args...)
}

// Dir is where reports are written.
func Dir() string { return filepath.Join(paths.DataDir(), "rapports") }

// Recover, deferred, turns a panic of the current goroutine into *errp:
//
//	defer crash.Recover(&err)
//
// It does nothing when there is no panic.
func Recover(errp *error) {
	if v := recover(); v != nil {
		*errp = Capture(v, debug.Stack())
	}
}

// Capture writes the report of a panic with value v and stack, and returns
// the user-facing error naming it (wrapping ErrInternal and the panic's
// value, for the log).
func Capture(v any, stack []byte) error {
	cause := fmt.Errorf("%w: %v", ErrInternal, v)
	if e, ok := v.(error); ok {
		cause = fmt.Errorf("%w: %w", ErrInternal, e)
	}
	file, err := write(v, stack)
	if err != nil {
		return i18n.E(msgInternalNoFile, map[string]any{"Detail": err.Error()}, cause)
	}
	return i18n.E(msgInternal, map[string]any{"File": file}, cause)
}

// ReportFile is the path of the report an error names ("" if none).
func ReportFile(err error) string {
	var e *i18n.Error
	for errors.As(err, &e) {
		if e.Msg == msgInternal {
			f, _ := e.Data["File"].(string)
			return f
		}
		err = e.Err
	}
	return ""
}

func write(v any, stack []byte) (string, error) {
	dir := Dir()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	now := time.Now()
	name := fmt.Sprintf("plantage-%s-%d.txt", now.Format("20060102-150405"), os.Getpid())
	var b strings.Builder
	fmt.Fprintf(&b, "Rapport de plantage de %s\n", buildinfo.Tool())
	fmt.Fprintf(&b, "Date : %s\n", now.Format(time.RFC3339))
	fmt.Fprintf(&b, "Système : %s/%s, %s\n", runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(&b, "Commande : %s\n", strings.Join(maskedCommandLine(), " "))
	fmt.Fprintf(&b, "Panique : %v\n\n", v)
	b.Write(stack)
	path := filepath.Join(dir, name)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(b.String()); err != nil {
		f.Close()
		return "", err
	}
	return path, f.Close()
}

// maskedCommandLine is the recorded command line with every connection
// string's password masked. Coffre reads passphrases and passwords from
// files, so a secret can only appear inside an ODBC connection string.
func maskedCommandLine() []string {
	mu.Lock()
	defer mu.Unlock()
	out := make([]string, len(cmdLine))
	for i, a := range cmdLine {
		out[i] = Mask(a)
	}
	return out
}

// Mask hides the secrets of one command-line argument: the Pwd/Password
// values of a connection string (« odbc:…;Pwd=… » or a bare one).
func Mask(arg string) string {
	lower := strings.ToLower(arg)
	if !strings.Contains(lower, "pwd") && !strings.Contains(lower, "password") {
		return arg
	}
	prefix, s := "", arg
	if i := strings.Index(lower, "odbc:"); i >= 0 {
		prefix, s = arg[:i+5], arg[i+5:]
	}
	c, err := odbcconn.Parse(s)
	if err != nil {
		return prefix + "***"
	}
	return prefix + c.Redacted()
}

package logfile

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"coffre/internal/i18n"
)

// Log is one open log file; its methods are safe for concurrent use.
type Log struct {
	mu  sync.Mutex
	f   *os.File
	now func() time.Time
}

var msgOpen = &i18n.Message{ID: "JournalImpossible", Other: "Impossible d'écrire le journal « {{.File}} » : vérifiez que son dossier existe et que vous pouvez y écrire."}

// Open appends to the log at path, creating it (readable by its owner
// only: it names files and folders).
func Open(path string) (*Log, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, i18n.E(msgOpen, map[string]any{"File": path}, err)
	}
	return &Log{f: f, now: time.Now}, nil
}

// Close closes the file.
func (l *Log) Close() error {
	if l == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.f.Close()
}

// Printf writes one entry, stamped with the time; the lines of a
// multi-line text are indented under it.
func (l *Log) Printf(format string, args ...any) {
	if l == nil {
		return
	}
	text := fmt.Sprintf(format, args...)
	l.mu.Lock()
	defer l.mu.Unlock()
	stamp := l.now().Format("2006-01-02 15:04:05")
	fmt.Fprintf(l.f, "%s %s\n", stamp, strings.ReplaceAll(strings.TrimRight(text, "\n"), "\n", "\n"+strings.Repeat(" ", len(stamp)+1)))
}

var (
	msgError = &i18n.Message{ID: "JournalErreur", Other: "Erreur : {{.Text}}"}
	msgCause = &i18n.Message{ID: "JournalCauses", Other: "Causes, de la plus générale à la plus précise :"}
)

// Error writes err: the sentence the user was shown, then its whole chain.
func (l *Log) Error(err error) {
	if l == nil || err == nil {
		return
	}
	var b strings.Builder
	b.WriteString(i18n.T(msgError, map[string]any{"Text": i18n.Describe(err)}))
	b.WriteString("\n" + i18n.T(msgCause, nil))
	for _, c := range i18n.Chain(err) {
		b.WriteString("\n  " + c)
	}
	l.Printf("%s", b.String())
}

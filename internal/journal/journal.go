package journal

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"coffre/internal/i18n"
)

// Status is how a run ended.
type Status string

// The statuses of a run.
const (
	StatusOK      Status = "reussie"   // every dossier backed up, verified and copied
	StatusPartial Status = "partielle" // some dossiers failed
	StatusFailed  Status = "echouee"   // nothing was backed up
	StatusNothing Status = "rien"      // nothing was due
	// StatusSuspicious: backed up, but a dossier changed suspiciously (an
	// emptied file…); the earlier backups are kept.
	StatusSuspicious Status = "suspecte"
	// StatusRemoteFailed: backed up here, but the offsite copy (or the
	// re-reading of an older one) failed.
	StatusRemoteFailed Status = "distante_echouee"
)

// Dossier is what happened to one dossier in a run. What a person reads is
// kept as notes (message and arguments), rendered when the log is shown, in
// the reader's language; the plain-text fields are those of logs written
// before, still shown as they are.
type Dossier struct {
	Numero           string        `json:"numero"`
	Nom              string        `json:"nom,omitempty"`
	Motif            string        `json:"motif,omitempty"`
	Fichier          string        `json:"fichier,omitempty"`
	Taille           int64         `json:"taille,omitempty"`
	SHA256           string        `json:"sha256,omitempty"`
	Duree            time.Duration `json:"duree_ns,omitempty"`
	Verifiee         bool          `json:"verifiee"`
	DerniereEcriture string        `json:"derniere_ecriture,omitempty"`
	Sessions         []string      `json:"sessions,omitempty"`
	// Probleme is why the dossier failed (Erreur in older logs).
	Probleme *i18n.Note `json:"probleme,omitempty"`
	Erreur   string     `json:"erreur,omitempty"`
	// Copie is the offsite copy's verdict (Distant in older logs).
	Copie          *i18n.Note    `json:"copie,omitempty"`
	Distant        string        `json:"distant,omitempty"`
	DistantValidee bool          `json:"distant_validee,omitempty"`
	DureeDistant   time.Duration `json:"duree_distant_ns,omitempty"`
	Supprimes      []string      `json:"supprimes,omitempty"`
	// Changements say what makes the backup suspicious compared with the
	// previous healthy one.
	Changements []i18n.Note `json:"changements,omitempty"`
	// Controle is the outcome of the weekly complete verification.
	Controle *i18n.Note `json:"controle,omitempty"`
}

// Failed reports whether the dossier was not backed up.
func (d Dossier) Failed() bool { return d.Probleme != nil || d.Erreur != "" }

// Problem is why the dossier failed, in the reader's language.
func (d Dossier) Problem() string {
	if d.Probleme != nil {
		return d.Probleme.String()
	}
	return d.Erreur
}

// CopyVerdict is the offsite copy's verdict, "" without one.
func (d Dossier) CopyVerdict() string {
	if d.Copie != nil {
		return d.Copie.String()
	}
	return d.Distant
}

// Entry is one run of the service.
type Entry struct {
	Debut    time.Time `json:"debut"`
	Fin      time.Time `json:"fin"`
	Statut   Status    `json:"statut"`
	Poste    string    `json:"poste,omitempty"`
	Dossiers []Dossier `json:"dossiers,omitempty"`
	// Distant names the offsite destination: "" when none is configured.
	Distant string `json:"distant,omitempty"`
	// Courriels say what happened to the alerts (sent, queued); Emails in
	// older logs.
	Courriels []i18n.Note `json:"courriels,omitempty"`
	Emails    []string    `json:"emails,omitempty"`
	// Remarques are the other facts and errors of the run; Messages in
	// older logs.
	Remarques []i18n.Note `json:"remarques,omitempty"`
	Messages  []string    `json:"messages,omitempty"`
}

// Mail records what happened to an alert.
func (e *Entry) Mail(n i18n.Note) { e.Courriels = append(e.Courriels, n) }

// Note records a fact or an error of the run.
func (e *Entry) Note(n i18n.Note) { e.Remarques = append(e.Remarques, n) }

// Files: the current log and its rotated predecessors journal.1.jsonl….
const (
	fileName = "journal.jsonl"
	// MaxSize is the size at which the log is rotated.
	MaxSize = 1 << 20
	// Keep is how many rotated files are kept.
	Keep = 5
)

// Journal is the log in one folder. Safe for concurrent use in a process.
type Journal struct {
	dir string
	mu  sync.Mutex
}

// Open returns the log kept in dir (created on first write).
func Open(dir string) *Journal { return &Journal{dir: dir} }

func (j *Journal) path(i int) string {
	if i == 0 {
		return filepath.Join(j.dir, fileName)
	}
	return filepath.Join(j.dir, fmt.Sprintf("journal.%d.jsonl", i))
}

// Append writes e as one line, synced; the file is rotated first when it
// is over MaxSize. A crash can only tear the last line, which Read skips.
func (j *Journal) Append(e Entry) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	if err := os.MkdirAll(j.dir, 0o700); err != nil {
		return err
	}
	if fi, err := os.Stat(j.path(0)); err == nil && fi.Size() >= MaxSize {
		if err := j.rotate(); err != nil {
			return err
		}
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(j.path(0), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func (j *Journal) rotate() error {
	os.Remove(j.path(Keep))
	for i := Keep - 1; i >= 0; i-- {
		if err := os.Rename(j.path(i), j.path(i+1)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// Read returns up to n entries, newest first (n <= 0: all).
func (j *Journal) Read(n int) ([]Entry, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []Entry
	for i := 0; i <= Keep; i++ {
		es, err := readFile(j.path(i))
		if err != nil {
			return out, err
		}
		for k := len(es) - 1; k >= 0; k-- {
			out = append(out, es[k])
			if n > 0 && len(out) >= n {
				return out, nil
			}
		}
	}
	return out, nil
}

func readFile(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	for sc.Scan() {
		var e Entry
		if json.Unmarshal(sc.Bytes(), &e) == nil {
			out = append(out, e)
		}
	}
	return out, sc.Err()
}

var (
	msgStatus = map[Status]*i18n.Message{
		StatusOK:           {ID: "JournalReussie", Other: "Sauvegarde réussie"},
		StatusPartial:      {ID: "JournalPartielle", Other: "Sauvegarde partielle"},
		StatusFailed:       {ID: "JournalEchouee", Other: "Sauvegarde échouée"},
		StatusNothing:      {ID: "JournalRien", Other: "Rien à sauvegarder"},
		StatusSuspicious:   {ID: "JournalSuspecte", Other: "Sauvegarde faite, changement inquiétant"},
		StatusRemoteFailed: {ID: "JournalDistanteEchouee", Other: "Sauvegarde faite, copie distante non validée"},
	}
	msgLineOK        = &i18n.Message{ID: "JournalLigneOK", Other: "{{.Numero}} {{.Nom}} : {{.File}}, {{.Size}}, en {{.Duration}}{{.Verified}}"}
	msgLineErr       = &i18n.Message{ID: "JournalLigneErreur", Other: "{{.Numero}} {{.Nom}} : ÉCHEC — {{.Error}}"}
	msgVerified      = &i18n.Message{ID: "JournalVerifiee", Other: ", vérifiée"}
	msgSessions      = &i18n.Message{ID: "JournalSessions", Other: "ouvert pendant la sauvegarde : {{.List}}"}
	msgDistant       = &i18n.Message{ID: "JournalDistant", Other: "copie distante : {{.Status}}"}
	msgDeleted       = &i18n.Message{ID: "JournalSupprimes", Other: "anciennes sauvegardes supprimées : {{.List}}"}
	msgLastEntry     = &i18n.Message{ID: "JournalDerniereEcriture", Other: "dernière écriture : {{.Date}}"}
	msgChanged       = &i18n.Message{ID: "JournalChangement", Other: "ATTENTION : {{.Change}} — sauvegarde gardée, les précédentes aussi"}
	msgChangedFailed = &i18n.Message{ID: "JournalChangementEchec", Other: "ATTENTION : {{.Change}} — les sauvegardes précédentes sont gardées"}
	msgRemoteIn      = &i18n.Message{ID: "JournalDistantDuree", Other: "copie distante : {{.Status}}, en {{.Duration}}"}
)

// Title is the entry's one-line heading: « 21/11/2026 21:30 — Sauvegarde
// réussie (2 dossiers) ».
func (e Entry) Title() string {
	s := string(e.Statut)
	if m, ok := msgStatus[e.Statut]; ok {
		s = i18n.T(m, nil)
	}
	return fmt.Sprintf("%s — %s (%d)", i18n.DateTime(e.Debut), s, len(e.Dossiers))
}

// Lines are the entry's details, in the reader's language, one per line.
func (e Entry) Lines() []string {
	var out []string
	for _, d := range e.Dossiers {
		if d.Failed() {
			out = append(out, i18n.T(msgLineErr, map[string]any{"Numero": d.Numero, "Nom": d.Nom, "Error": d.Problem()}))
			for _, c := range d.Changements {
				out = append(out, "    "+i18n.T(msgChangedFailed, map[string]any{"Change": c.String()}))
			}
			continue
		}
		v := ""
		if d.Verifiee {
			v = i18n.T(msgVerified, nil)
		}
		out = append(out, i18n.T(msgLineOK, map[string]any{"Numero": d.Numero, "Nom": d.Nom, "File": filepath.Base(d.Fichier),
			"Size": i18n.Bytes(d.Taille), "Duration": i18n.Duration(d.Duree), "Verified": v}))
		if d.DerniereEcriture != "" {
			out = append(out, "    "+i18n.T(msgLastEntry, map[string]any{"Date": d.DerniereEcriture}))
		}
		if len(d.Sessions) > 0 {
			out = append(out, "    "+i18n.T(msgSessions, map[string]any{"List": strings.Join(d.Sessions, " ; ")}))
		}
		for _, c := range d.Changements {
			out = append(out, "    "+i18n.T(msgChanged, map[string]any{"Change": c.String()}))
		}
		if d.Controle != nil {
			out = append(out, "    "+d.Controle.String())
		}
		switch v := d.CopyVerdict(); {
		case v != "" && d.DureeDistant > 0:
			out = append(out, "    "+i18n.T(msgRemoteIn, map[string]any{"Status": v, "Duration": i18n.Duration(d.DureeDistant)}))
		case v != "":
			out = append(out, "    "+i18n.T(msgDistant, map[string]any{"Status": v}))
		}
		if len(d.Supprimes) > 0 {
			out = append(out, "    "+i18n.T(msgDeleted, map[string]any{"List": strings.Join(d.Supprimes, ", ")}))
		}
	}
	if e.Distant != "" {
		out = append(out, i18n.T(msgDistant, map[string]any{"Status": e.Distant}))
	}
	for _, n := range e.Courriels {
		out = append(out, n.String())
	}
	out = append(out, e.Emails...)
	for _, n := range e.Remarques {
		out = append(out, n.String())
	}
	return append(out, e.Messages...)
}

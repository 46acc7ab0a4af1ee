package report

import (
	"context"
	"encoding/json"
	"errors"

	"coffre/internal/batch"
	"coffre/internal/i18n"
)

// Level says how a line is shown.
type Level int

const (
	// Info is a fact about what was done.
	Info Level = iota
	// Warn is something the reader must know or act on (the wizard shows
	// it in the warning colour).
	Warn
)

// Line is one sentence of a result.
type Line struct {
	Note  i18n.Note
	Level Level
}

// String renders the line in the current language.
func (l Line) String() string { return l.Note.String() }

// MarshalJSON gives the note and its level.
func (l Line) MarshalJSON() ([]byte, error) {
	lv := "info"
	if l.Level == Warn {
		lv = "attention"
	}
	return json.Marshal(struct {
		Code  string         `json:"code"`
		Data  map[string]any `json:"donnees,omitempty"`
		Text  string         `json:"texte"`
		Level string         `json:"niveau"`
	}{l.Note.Code(), l.Note.Data, l.String(), lv})
}

func info(m *i18n.Message, data map[string]any) Line {
	return Line{Note: i18n.NewNote(m, data)}
}

func warn(m *i18n.Message, data map[string]any) Line {
	return Line{Note: i18n.NewNote(m, data), Level: Warn}
}

var msgWarning = &i18n.Message{ID: "ResAttention", Other: "Attention : {{.Text}}"}

// warnings turns an engine's notes into warning lines.
func warnings(notes []i18n.Note) []Line {
	var out []Line
	for _, n := range notes {
		out = append(out, warn(msgWarning, map[string]any{"Text": n}))
	}
	return out
}

// warnNotes turns an engine's notes that call for attention (programs open
// on the dossier…) into warning lines as they are.
func warnNotes(ns []i18n.Note) []Line {
	var out []Line
	for _, n := range ns {
		out = append(out, Line{Note: n, Level: Warn})
	}
	return out
}

// notes turns an engine's remarks into lines as they are.
func notes(ns []i18n.Note) []Line {
	var out []Line
	for _, n := range ns {
		out = append(out, Line{Note: n})
	}
	return out
}

// Summary is an operation's result for a person: what every presenter
// shows.
type Summary struct {
	// Title says what was done, when it went well (the wizard's heading).
	Title *i18n.Message
	Lines []Line
	// Text is a block shown as is, in a fixed-width font (a file's contents,
	// the FEC rules report).
	Text string
	// Facts are the engine's results, for --json.
	Facts any
	// Err is the run's error: nil, a cancellation, or what failed.
	Err error
}

// Status is the run's status as a word for --json: fait, annule, partiel,
// echec.
func (s Summary) Status() string {
	switch {
	case s.Err == nil:
		return "fait"
	case errors.Is(s.Err, context.Canceled):
		return "annule"
	case errors.Is(s.Err, batch.ErrPartial):
		return "partiel"
	}
	return "echec"
}

// MarshalJSON is the --json output of a command.
func (s Summary) MarshalJSON() ([]byte, error) {
	v := struct {
		Status string      `json:"statut"`
		Title  string      `json:"titre,omitempty"`
		Lines  []Line      `json:"lignes"`
		Text   string      `json:"texte,omitempty"`
		Facts  any         `json:"resultat,omitempty"`
		Error  *i18n.Fault `json:"erreur,omitempty"`
	}{Status: s.Status(), Lines: s.Lines, Text: s.Text, Facts: s.Facts, Error: i18n.FaultOf(s.Err)}
	if v.Lines == nil {
		v.Lines = []Line{}
	}
	if s.Title != nil && s.Err == nil {
		v.Title = i18n.T(s.Title, nil)
	}
	return json.Marshal(v)
}

var msgItemError = &i18n.Message{ID: "ResElementErreur", Other: "{{.Label}} : {{.Error}}"}

// ItemLines are the lines of one outcome of a run: the item's own lines
// when it was done (or had nothing to do, with the fact saying so), and
// « label : reason » when it was refused or failed — unless it was the only
// item, whose error is the run's and is shown once, apart.
func ItemLines[R any](o batch.Outcome[R], total int, done func(batch.Item, R) []Line) []Line {
	switch o.Status {
	case batch.Done:
		return done(o.Item, o.Result)
	case batch.Skipped:
		if o.Err == nil {
			return nil
		}
		return []Line{info(msgItemError, map[string]any{"Label": o.Item.Label, "Error": i18n.Described(o.Err)})}
	}
	if total == 1 {
		return nil
	}
	return []Line{warn(msgItemError, map[string]any{"Label": o.Item.Label, "Error": i18n.Described(o.Err)})}
}

// Batch is the summary of a run over several items: each outcome's lines,
// in order, and the run's error.
func Batch[R any](title *i18n.Message, res batch.Result[R], done func(batch.Item, R) []Line) Summary {
	s := Summary{Title: title, Facts: res, Err: res.Err()}
	for _, o := range res.Outcomes {
		s.Lines = append(s.Lines, ItemLines(o, res.Total, done)...)
	}
	return s
}

package i18n

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Note is a fact for a person that an engine result carries — a warning, a
// remark about what was done — kept as its message and arguments so that the
// presenter (command line, wizard, e-mail) renders it in the reader's
// language at the edge. The message ID is the note's stable code.
type Note struct {
	Msg  *Message
	Data map[string]any
}

// NewNote builds a note.
func NewNote(m *Message, data map[string]any) Note { return Note{Msg: m, Data: data} }

// Code is the note's stable identifier (its message ID).
func (n Note) Code() string {
	if n.Msg == nil {
		return ""
	}
	return n.Msg.ID
}

// String renders the note in the current language; a note whose data has a
// whole-number Count takes its plural form from it.
func (n Note) String() string {
	if n.Msg == nil {
		return ""
	}
	return byCount(n.Msg, n.Data)
}

// MarshalJSON gives scripts the code, the arguments and the rendered text.
func (n Note) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Code string         `json:"code"`
		Data map[string]any `json:"donnees,omitempty"`
		Text string         `json:"texte"`
	}{n.Code(), n.Data, n.String()})
}

// UnmarshalJSON reads back a note that was written (a run log kept on
// disk): its code finds the message again, so that it is rendered in the
// reader's language; a code the catalogue no longer has keeps the text as
// it was written. Whole numbers come back as integers (sizes, counts).
func (n *Note) UnmarshalJSON(b []byte) error {
	var v struct {
		Code string         `json:"code"`
		Data map[string]any `json:"donnees"`
		Text string         `json:"texte"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return err
	}
	for k, x := range v.Data {
		if num, ok := x.(json.Number); ok {
			if i, err := num.Int64(); err == nil {
				v.Data[k] = i
			} else if f, err := num.Float64(); err == nil {
				v.Data[k] = f
			}
		}
	}
	n.Msg, n.Data = &Message{ID: v.Code, Other: v.Text}, v.Data
	return nil
}

// NoteOf is the note an error shows a person: the message and arguments of
// its user-facing Error, or, for any other error, its description as text.
func NoteOf(err error) Note {
	var e *Error
	if errors.As(err, &e) {
		return Note{Msg: e.Msg, Data: e.Data}
	}
	return Note{Msg: &Message{Other: Describe(err)}}
}

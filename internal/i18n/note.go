package i18n

import "encoding/json"

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

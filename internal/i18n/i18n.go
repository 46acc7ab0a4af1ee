package i18n

import (
	"os"
	"strings"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	"coffre/translations"
)

// Message is a translatable message. Declare them as literals
// (&i18n.Message{ID: …, Other: …}) so that `goi18n extract` finds them; the
// literal's text is the French source.
type Message = goi18n.Message

var (
	mu        sync.RWMutex
	bundle    *goi18n.Bundle
	localizer *goi18n.Localizer
	current   = "fr"
)

func init() {
	bundle = goi18n.NewBundle(language.French)
	bundle.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	for _, name := range []string{"active.fr.toml", "active.en.toml"} {
		if _, err := bundle.LoadMessageFileFS(translations.FS, name); err != nil {
			panic("translations: " + err.Error())
		}
	}
	localizer = goi18n.NewLocalizer(bundle, "fr")
}

// SetLanguage chooses the language of every message from now on: "fr" or
// "en"; anything else means French.
func SetLanguage(lang string) {
	lang = strings.ToLower(strings.TrimSpace(lang))
	if lang != "en" {
		lang = "fr"
	}
	mu.Lock()
	defer mu.Unlock()
	current = lang
	localizer = goi18n.NewLocalizer(bundle, lang)
}

// Language is the language in use: "fr" or "en".
func Language() string {
	mu.RLock()
	defer mu.RUnlock()
	return current
}

// DetectLanguage reads the OS locale from the environment (LC_ALL,
// LC_MESSAGES, LANG, LANGUAGE): "en" for an English locale, otherwise "fr".
func DetectLanguage() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"} {
		s := strings.ToLower(os.Getenv(v))
		if s == "" || s == "c" || s == "posix" || strings.HasPrefix(s, "c.") {
			continue
		}
		if strings.HasPrefix(s, "en") {
			return "en"
		}
		return "fr"
	}
	return "fr"
}

// T renders a message with its template data (nil when it has none).
func T(m *Message, data map[string]any) string {
	return render(m, data, nil)
}

// N renders a message whose form depends on count (French: 0 and 1 are
// « One »). The count is also available to the template as .Count.
func N(m *Message, count int64, data map[string]any) string {
	if data == nil {
		data = map[string]any{}
	}
	if _, ok := data["Count"]; !ok {
		data["Count"] = count
	}
	return render(m, data, count)
}

func render(m *Message, data map[string]any, count any) string {
	data = groupCount(data)
	mu.RLock()
	l := localizer
	mu.RUnlock()
	s, err := l.Localize(&goi18n.LocalizeConfig{DefaultMessage: m, TemplateData: data, PluralCount: count})
	if err != nil && s == "" {
		return m.Other
	}
	return s
}

// groupCount shows a whole-number Count with its thousands grouped
// (« 1 495 écritures », as amounts are): the plural form is chosen from the
// number itself, not from this text. data is not modified.
func groupCount(data map[string]any) map[string]any {
	var n int64
	switch c := data["Count"].(type) {
	case int:
		n = int64(c)
	case int32:
		n = int64(c)
	case int64:
		n = c
	case uint32:
		n = int64(c)
	case uint64:
		n = int64(c)
	default:
		return data
	}
	if n > -1000 && n < 1000 {
		return data
	}
	out := make(map[string]any, len(data))
	for k, v := range data {
		out[k] = v
	}
	out["Count"] = Int(n)
	return out
}

// Error is the user-facing error: a message, its data, and the cause it
// wraps (kept for errors.Is and logs, not shown). The wizard and the command
// line show Error() — the message in the current language.
type Error struct {
	Msg  *Message
	Data map[string]any
	Err  error
}

// E builds a user-facing error wrapping cause (which may be nil).
func E(m *Message, data map[string]any, cause error) *Error {
	return &Error{Msg: m, Data: data, Err: cause}
}

// Error renders the message; data holding a whole-number Count chooses its
// plural form.
func (e *Error) Error() string { return byCount(e.Msg, e.Data) }

// byCount renders m with data, in the plural form data's Count calls for
// when it is a whole number (anything else would make go-i18n fail).
func byCount(m *Message, data map[string]any) string {
	switch c := data["Count"].(type) {
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return render(m, data, c)
	}
	return T(m, data)
}

func (e *Error) Unwrap() error { return e.Err }

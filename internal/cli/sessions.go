package cli

import (
	"flag"
	"fmt"
	"io"
	"time"

	"coffre/internal/config"
	"coffre/internal/i18n"
)

// msgFlagIgnoreSessions is the one confirmation every operation that
// changes a dossier takes (dossier.SessionPolicy).
var msgFlagIgnoreSessions = &i18n.Message{ID: "FlagIgnorerSessionsPolitique", Other: "faire l'opération même si la table « sessions » du dossier le dit ouvert (ce que ces programmes écriraient pendant l'opération peut être perdu) ; une session sans activité depuis 12 h (réglage [sessions] de coffre.toml) ne compte pas"}

// sessionsFlag declares --ignorer-sessions.
func sessionsFlag(fs *flag.FlagSet) {
	fs.Bool("ignorer-sessions", false, i18n.T(msgFlagIgnoreSessions, nil))
}

// sessionIdle is the [sessions] setting of coffre.toml: when a listed
// session counts as closed. An unreadable file gives the default — it is
// the service's file, and the service says what is wrong with it.
func sessionIdle() time.Duration {
	c, err := config.Load(config.DefaultPath())
	if err != nil {
		return config.Default().Sessions.Idle()
	}
	return c.Sessions.Idle()
}

// printNotes prints an engine result's notes, one a line.
func printNotes(w io.Writer, notes []i18n.Note) {
	for _, n := range notes {
		fmt.Fprintln(w, n.String())
	}
}

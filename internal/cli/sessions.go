package cli

import (
	"flag"
	"time"

	"coffre/internal/config"
	"coffre/internal/i18n"
)

// msgFlagIgnoreSessions is the one confirmation every operation that
// changes a dossier takes (dossier.SessionPolicy).
var msgFlagIgnoreSessions = &i18n.Message{ID: "FlagIgnorerSessionsPolitique", Other: "faire l'opération même si la table « sessions » du dossier le dit ouvert (ce que ces programmes écriraient pendant l'opération peut être perdu) ; une session sans activité depuis 12 h (réglage [sessions] de coffre.toml) ne compte pas"}

// sessionsOpt is --ignorer-sessions.
type sessionsOpt bool

func (s *sessionsOpt) flags(fs *flag.FlagSet) {
	fs.BoolVar((*bool)(s), "ignorer-sessions", false, i18n.T(msgFlagIgnoreSessions, nil))
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

package dossier

import (
	"errors"
	"os"

	"coffre/internal/fsutil"
	"coffre/internal/i18n"
)

// ErrNoRoom is the cause of a destination without room for what is to be
// written there.
var ErrNoRoom = errors.New("dossier: not enough room at the destination")

var (
	msgDestNotWritable = &i18n.Message{ID: "DestinationNonInscriptible", Other: "Impossible d'écrire dans «\u00a0{{.Dir}}\u00a0»\u00a0: {{.Reason}}"}
	msgDestNoRoom      = &i18n.Message{ID: "DestinationSansPlace", Other: "Il n'y a pas assez de place dans «\u00a0{{.Dir}}\u00a0»\u00a0: il faut jusqu'à {{.Need}}, il reste {{.Free}}. Libérez de la place ou choisissez un autre emplacement."}
)

// probeWritable creates, writes and removes a small temp file in dir: the
// only sure way to know that one may write there (permissions, Windows
// ACLs, a read-only medium, a share opened read-only all answer only to a
// write). It is what the wizard checks when the folder is chosen, so that
// a destination never fails at « Lancer » with what the system says.
func probeWritable(dir string) error {
	f, err := os.CreateTemp(dir, ".coffre-essai-*")
	if err != nil {
		return BadField(FieldDestination, i18n.E(msgDestNotWritable, map[string]any{"Dir": dir, "Reason": i18n.Described(err)}, err))
	}
	name := f.Name()
	_, werr := f.Write([]byte("coffre\n"))
	if err := f.Sync(); werr == nil {
		werr = err
	}
	cerr := f.Close()
	rerr := os.Remove(name)
	for _, err := range []error{werr, cerr, rerr} {
		if err != nil {
			return BadField(FieldDestination, i18n.E(msgDestNotWritable, map[string]any{"Dir": dir, "Reason": i18n.Described(err)}, err))
		}
	}
	return nil
}

// CheckRoom says whether dir has room for need bytes (what the operation
// may write at most). A folder whose free space cannot be read passes: the
// write itself will say.
func CheckRoom(dir string, need int64) error {
	if need <= 0 {
		return nil
	}
	free, err := fsutil.FreeSpace(dir)
	if err != nil || free >= need {
		return nil
	}
	return BadField(FieldDestination, i18n.E(msgDestNoRoom, map[string]any{"Dir": dir, "Need": i18n.Bytes(need), "Free": i18n.Bytes(free)}, ErrNoRoom))
}

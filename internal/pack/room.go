package pack

import (
	"fmt"
	"syscall"

	"coffre/internal/fsutil"
	"coffre/internal/i18n"
)

var msgNoRoom = &i18n.Message{ID: "PlacePartieInsuffisante", Other: "Espace disque insuffisant dans « {{.Dir}} » : « {{.Part}} » y demande {{.Need}} et il n'en reste que {{.Free}}. Libérez de la place ou choisissez un autre emplacement. Rien n'a été modifié."}

// roomMargin is what a part needs beyond its own size where it is written:
// SQLite's journal of the switch to rollback mode, the folder's metadata.
const roomMargin = 1 << 20

// CheckRoom refuses, before anything is written, to extract part p into
// dir when the disk there cannot hold its declared size: a file declaring
// more than the disk holds (a decompression bomb, or just too big a backup)
// is refused at once instead of filling the disk that other programs write
// to. The reader caps the part at that same size.
func CheckRoom(dir string, p Part) error {
	free, err := fsutil.FreeSpace(dir)
	if err != nil {
		return nil // unknown: the writes themselves will say
	}
	if need := p.Size + roomMargin; need > free {
		return i18n.E(msgNoRoom, map[string]any{"Dir": dir, "Part": p.Name, "Need": i18n.Bytes(p.Size), "Free": i18n.Bytes(free)},
			fmt.Errorf("%s: %d bytes needed, %d free: %w", dir, need, free, syscall.ENOSPC))
	}
	return nil
}

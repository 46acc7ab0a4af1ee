package service

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"coffre/internal/dossier"
	"coffre/internal/fsutil"
)

// Written is one file the service wrote.
type Written struct {
	Key string `json:"dossier"` // « 001-SOC »
	// Seq is the order in which the service wrote its backups, never
	// reused: the highest is the newest, whatever the clock said. (0: an
	// entry from before it was recorded, ordered by Created.)
	Seq      uint64    `json:"ordre,omitempty"`
	Size     int64     `json:"taille"`
	SHA256   string    `json:"sha256"`
	Created  time.Time `json:"cree"`
	Verified bool      `json:"verifiee"`
	// Content is what the backup holds, to compare the next one with.
	Content *Content `json:"contenu,omitempty"`
	// Flagged says the backup differs suspiciously from the previous
	// healthy one (an emptied dossier…): it is kept, but it does not count
	// among the backups rotation must keep, so the healthy ones stay.
	Flagged bool `json:"suspecte,omitempty"`
	// Sent lists the offsite destinations where this local backup arrived
	// and was validated (the outbox sends the others).
	Sent []string `json:"envoyee,omitempty"`
	// Checked is when an offsite copy was last re-read and found intact.
	Checked time.Time `json:"relue,omitzero"`
}

// Content is the part of a backup's manifest the next backup is compared
// with.
type Content struct {
	Identity dossier.Identity `json:"identite"`
	Stats    dossier.Stats    `json:"stats"`
}

// register lists the files the service wrote, locally (by absolute path)
// and offsite (by destination and name). Rotation only ever deletes files
// found here: a file someone else put in the folder is never touched.
type register struct {
	Local  map[string]Written `json:"local"`
	Remote map[string]Written `json:"distant"`
	// Last is the Seq of the newest backup written.
	Last uint64 `json:"dernier"`
	path string
}

const registerFile = "registre.json"

func loadRegister(dir string) (*register, error) {
	r := &register{Local: map[string]Written{}, Remote: map[string]Written{}, path: filepath.Join(dir, registerFile)}
	b, err := os.ReadFile(r.path)
	if errors.Is(err, fs.ErrNotExist) {
		return r, nil
	}
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, r); err != nil {
		return nil, err
	}
	if r.Local == nil {
		r.Local = map[string]Written{}
	}
	if r.Remote == nil {
		r.Remote = map[string]Written{}
	}
	return r, nil
}

func (r *register) save() error {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := fsutil.CreateTemp(r.path)
	if err != nil {
		return err
	}
	defer tmp.Abort()
	if _, err := tmp.Write(b); err != nil {
		return err
	}
	return tmp.Commit(true)
}

// next is the Seq of a backup about to be recorded.
func (r *register) next() uint64 {
	r.Last++
	return r.Last
}

func remoteKey(dest, name string) string { return dest + "\x00" + name }

// lastSuffix is the highest de-duplication number the service gave to a
// backup named base (no extension) that it still has on record, here or
// offsite: 1 for base itself, 0 for none.
func (r *register) lastSuffix(base string) int {
	n := 0
	see := func(name string) {
		b := strings.TrimSuffix(filepath.Base(name), dossier.ExtPBF)
		switch {
		case b == base:
			n = max(n, 1)
		case strings.HasPrefix(b, base+"_"):
			if i, err := strconv.Atoi(b[len(base)+1:]); err == nil {
				n = max(n, i)
			}
		}
	}
	for p := range r.Local {
		see(p)
	}
	for k := range r.Remote {
		_, name, _ := strings.Cut(k, "\x00")
		see(name)
	}
	return n
}

// nameTaken reports whether base (no extension) is the name of a backup the
// service has on record, here or offsite.
func (r *register) nameTaken(base string) bool {
	name := base + dossier.ExtPBF
	for p := range r.Local {
		if filepath.Base(p) == name {
			return true
		}
	}
	for k := range r.Remote {
		if strings.HasSuffix(k, "\x00"+name) {
			return true
		}
	}
	return false
}

// newest is the latest time the service recorded writing a backup.
func (r *register) newest() time.Time {
	var t time.Time
	for _, m := range []map[string]Written{r.Local, r.Remote} {
		for _, w := range m {
			if w.Created.After(t) {
				t = w.Created
			}
		}
	}
	return t
}

// copyRef is one backup a rotation may keep or delete.
type copyRef struct {
	name string // path (local) or name (offsite)
	w    Written
}

// newer orders backups newest first: by Seq, then (entries from before
// Seq) by the time written, then by name with « _10 » after « _9 ».
func newer(a, b copyRef) int {
	if a.w.Seq != b.w.Seq {
		if a.w.Seq > b.w.Seq {
			return -1
		}
		return 1
	}
	if !a.w.Created.Equal(b.w.Created) {
		if a.w.Created.After(b.w.Created) {
			return -1
		}
		return 1
	}
	return -strings.Compare(sortableName(a.name), sortableName(b.name))
}

// sortableName pads the de-duplication suffix so that names compare in
// the order they were given (« _9 » before « _10 »).
func sortableName(name string) string {
	base := strings.TrimSuffix(filepath.Base(name), dossier.ExtPBF)
	if m := dedupSuffix.FindStringSubmatch(base); m != nil {
		return m[1] + fmt.Sprintf("_%09s", m[2])
	}
	return base + "_000000000"
}

var dedupSuffix = regexp.MustCompile(`^(.*_[0-9]{8}_[0-9]{4})_([0-9]{1,9})$`)

// toRemove applies the rotation rule to the backups of one dossier: keep
// the newest keep backups, and also the newest keep healthy (not flagged)
// ones, so that a run of suspicious backups (an emptied dossier) never
// pushes the last good ones out. The newest backup is always kept.
func toRemove(list []copyRef, keep int) []copyRef {
	keep = max(keep, 1)
	slices.SortFunc(list, newer)
	var out []copyRef
	healthy := 0
	for i, c := range list {
		kept := i < keep
		if !c.w.Flagged {
			healthy++
			kept = kept || healthy <= keep
		}
		if !kept {
			out = append(out, c)
		}
	}
	return out
}

// rotateLocal keeps the backups of key in dir the rotation rule keeps and
// deletes the others. Only registered files are considered; a registered
// file that changed size is no longer what the service wrote and is left
// alone; one that vanished is forgotten.
func (r *register) rotateLocal(dir, key string, keep int) (removed []string, err error) {
	var list []copyRef
	for p, w := range r.Local {
		if w.Key != key || filepath.Dir(p) != filepath.Clean(dir) {
			continue
		}
		fi, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			delete(r.Local, p)
			continue
		}
		if err != nil || !w.Verified || fi.Size() != w.Size {
			continue
		}
		list = append(list, copyRef{p, w})
	}
	for _, c := range toRemove(list, keep) {
		if err := os.Remove(c.name); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		delete(r.Local, c.name)
		removed = append(removed, filepath.Base(c.name))
	}
	if len(removed) > 0 {
		fsutil.SyncDir(dir)
	}
	return removed, nil
}

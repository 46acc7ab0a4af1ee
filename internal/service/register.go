package service

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"coffre/internal/fsutil"
)

// Written is one file the service wrote.
type Written struct {
	Key      string    `json:"dossier"` // « 001-SOC »
	Size     int64     `json:"taille"`
	SHA256   string    `json:"sha256"`
	Created  time.Time `json:"cree"`
	Verified bool      `json:"verifiee"`
}

// register lists the files the service wrote, locally (by absolute path)
// and offsite (by destination and name). Rotation only ever deletes files
// found here: a file someone else put in the folder is never touched.
type register struct {
	Local  map[string]Written `json:"local"`
	Remote map[string]Written `json:"distant"`
	path   string
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

func remoteKey(dest, name string) string { return dest + "\x00" + name }

// good is a backup of key in dir that is complete and verified: recorded
// as verified and still the size that was written.
type good struct {
	path string
	w    Written
}

// rotateLocal keeps the newest keep good backups of key in dir and deletes
// the older good ones. Only registered files are considered; a registered
// file that changed size is no longer what the service wrote and is left
// alone; one that vanished is forgotten. The newest good backup is always
// kept (keep >= 1).
func (r *register) rotateLocal(dir, key string, keep int) (removed []string, err error) {
	if keep < 1 {
		keep = 1
	}
	var list []good
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
		list = append(list, good{p, w})
	}
	sort.Slice(list, func(i, j int) bool {
		if !list[i].w.Created.Equal(list[j].w.Created) {
			return list[i].w.Created.After(list[j].w.Created)
		}
		return list[i].path > list[j].path
	})
	for i := keep; i < len(list); i++ {
		if err := os.Remove(list[i].path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, err
		}
		delete(r.Local, list[i].path)
		removed = append(removed, filepath.Base(list[i].path))
	}
	if len(removed) > 0 {
		fsutil.SyncDir(dir)
	}
	return removed, nil
}

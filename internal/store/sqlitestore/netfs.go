package sqlitestore

import (
	"path/filepath"

	"coffre/internal/i18n"
)

var msgWALNetwork = &i18n.Message{ID: "SQLiteWALReseau", Other: "le dossier {{.Dossier}} est en mode WAL sur un partage réseau ({{.FS}}) : SQLite y a besoin d'une mémoire partagée que les partages réseau ne fournissent pas, et deux postes qui l'ouvrent ensemble peuvent l'endommager. Demandez à votre prestataire de le repasser en mode journal (journal_mode=DELETE) ou de le déplacer sur un disque local du serveur."}

// networkFS names the network file system dir is on ("" for a local
// one). It is a variable so tests can play a network share.
var networkFS = networkFSOf

// Warnings are facts about the dossier a person should know, found while
// taking the snapshot: a WAL dossier on a network share, where SQLite's
// WAL index (shared memory) cannot work across machines.
func (s *snapshot) Warnings() []i18n.Note {
	if !s.wal {
		return nil
	}
	fs := networkFS(filepath.Dir(s.path))
	if fs == "" {
		return nil
	}
	label := s.id.Base()
	if label == "" {
		label = filepath.Base(s.path)
	}
	return []i18n.Note{i18n.NewNote(msgWALNetwork, map[string]any{"Dossier": label, "FS": fs})}
}

// PretendNetworkFS makes every folder look like it is on the network file
// system fs, for tests of other packages; it returns the undo.
func PretendNetworkFS(fs string) (undo func()) {
	old := networkFS
	networkFS = func(string) string { return fs }
	return func() { networkFS = old }
}

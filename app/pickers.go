package app

import (
	"errors"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	sdialog "github.com/sqweek/dialog"

	"coffre/internal/i18n"
)

var (
	msgPickFolder  = &i18n.Message{ID: "UIChoisirDossier", Other: "Choisir un répertoire"}
	msgPickBackup  = &i18n.Message{ID: "UIChoisirSauvegarde", Other: "Choisir une sauvegarde"}
	msgBackupFiles = &i18n.Message{ID: "UIFiltreSauvegardes", Other: "Sauvegardes Coffre (.pbf)"}
	msgPickerError = &i18n.Message{ID: "UISelecteurErreur", Other: "La fenêtre de choix n'a pas pu s'ouvrir : {{.Detail}}. Tapez le chemin à la main."}
)

// The native pickers block until the person answers, so they run off the UI
// goroutine; done is then called on the UI goroutine with an absolute path,
// and not at all when the person cancels.

func nativeFolder(title, start string, done func(string)) {
	go func() {
		dir, err := sdialog.Directory().Title(title).SetStartDir(start).Browse()
		deliver(dir, err, done)
	}()
}

func nativeFile(title, start string, kind *fileKind, done func(string)) {
	go func() {
		f, err := sdialog.File().Title(title).SetStartDir(start).Filter(i18n.T(kind.filter, nil), strings.TrimPrefix(kind.ext, ".")).Load()
		deliver(f, err, done)
	}()
}

func deliver(path string, err error, done func(string)) {
	if errors.Is(err, sdialog.ErrCancelled) {
		return
	}
	if err == nil {
		if abs, aerr := filepath.Abs(path); aerr == nil {
			path = abs
		}
	}
	fyne.Do(func() {
		if err != nil {
			if win := firstWindow(); win != nil {
				showError(win, i18n.E(msgPickerError, map[string]any{"Detail": err.Error()}, err))
			}
			return
		}
		done(path)
	})
}

func firstWindow() fyne.Window {
	if a := fyne.CurrentApp(); a != nil {
		if ws := a.Driver().AllWindows(); len(ws) > 0 {
			return ws[0]
		}
	}
	return nil
}

package app

import (
	"context"
	"errors"
	"os"
	"os/exec"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"

	"coffre/assets"
	"coffre/internal/i18n"
)

var (
	msgTrayNow  = &i18n.Message{ID: "UIIconeSauvegarderMaintenant", Other: "Sauvegarder maintenant"}
	msgTrayOpen = &i18n.Message{ID: "UIIconeOuvrirCoffre", Other: "Ouvrir Coffre"}
	msgTrayQuit = &i18n.Message{ID: "UIIconeQuitter", Other: "Quitter"}
)

// errNoTray is returned where the driver has no system tray (tests, a
// mobile driver): the service then runs without an icon.
var errNoTray = errors.New("app: no system tray")

// ServiceTray shows the automatic backup service's icon near the clock
// with « Sauvegarder maintenant », « Ouvrir Coffre » and « Quitter », and
// blocks until Quitter is chosen or ctx ends (it must run on the main
// goroutine, as every Fyne app). backupNow forces a run; quit stops the
// service. Implements the command line's serviceTray.
func (GUI) ServiceTray(ctx context.Context, backupNow, quit func()) error {
	a := newApp()
	desk, ok := a.(desktop.App)
	if !ok {
		return errNoTray
	}
	quitItem := fyne.NewMenuItem(i18n.T(msgTrayQuit, nil), func() {
		quit()
		a.Quit()
	})
	quitItem.IsQuit = true
	desk.SetSystemTrayMenu(fyne.NewMenu("Coffre",
		fyne.NewMenuItem(i18n.T(msgTrayNow, nil), backupNow),
		fyne.NewMenuItem(i18n.T(msgTrayOpen, nil), openCoffre),
		fyne.NewMenuItemSeparator(),
		quitItem,
	))
	desk.SetSystemTrayIcon(fyne.NewStaticResource("coffre.png", assets.IconPNG))
	stop := context.AfterFunc(ctx, func() { fyne.Do(a.Quit) })
	defer stop()
	a.Run()
	return nil
}

// openCoffre starts the wizard in its own process, so the service keeps
// running whatever happens in the window.
func openCoffre() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	cmd := exec.Command(exe)
	if err := cmd.Start(); err == nil {
		go cmd.Wait()
	}
}

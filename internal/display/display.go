package display

import (
	"errors"
	"os"
	"runtime"

	"coffre/internal/i18n"
)

var (
	msgNoWindow = &i18n.Message{ID: "FenetreImpossible", Other: "La fenêtre de Coffre ne peut pas s'ouvrir sur cet ordinateur ({{.Why}}). La ligne de commande fonctionne : « {{.Cli}} --help » liste les commandes (sauvegarder, verifier, restaurer…)."}
	msgNoScreen = &i18n.Message{ID: "FenetreSansEcran", Other: "pas d'écran dans cette session"}
	msgNoGL     = &i18n.Message{ID: "FenetreSansOpenGL", Other: "pas d'affichage OpenGL 2.1 : bureau à distance ou machine virtuelle sans accélération 3D"}
	msgCLIOnly  = &i18n.Message{ID: "FenetreVersionConsole", Other: "{{.Cli}} est la version ligne de commande de Coffre et n'ouvre pas de fenêtre : pour l'assistant, lancez coffre.exe. « {{.Cli}} --help » liste les commandes."}
	// MsgTitle is the native message box's title.
	msgTitle = &i18n.Message{ID: "FenetreTitre", Other: "Coffre"}
)

// ErrNoWindow is why the window cannot open; errors.Is finds it behind
// the French sentence Check and CLIOnly return.
var ErrNoWindow = errors.New("no window can open here")

// CLIName is the command line's program name as the user types it:
// coffre-cli.exe on Windows (the console twin of coffre.exe), coffre
// elsewhere.
func CLIName() string {
	if runtime.GOOS == "windows" {
		return "coffre-cli.exe"
	}
	return "coffre"
}

// Check reports whether a window can open here: nil, or an error whose
// message says why in French and that the command line works.
func Check() error {
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" &&
		os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
		return noWindow(msgNoScreen)
	}
	switch probe() {
	case probeNoScreen:
		return noWindow(msgNoScreen)
	case probeNoGL:
		return noWindow(msgNoGL)
	}
	return nil
}

// CLIOnly is the error of a console build asked to open a window.
func CLIOnly() error {
	return i18n.E(msgCLIOnly, map[string]any{"Cli": CLIName()}, ErrNoWindow)
}

func noWindow(why *i18n.Message) error {
	return i18n.E(msgNoWindow, map[string]any{"Why": i18n.T(why, nil), "Cli": CLIName()}, ErrNoWindow)
}

// Alert shows text in a native message box on Windows, where a
// double-clicked coffre.exe has no console to print it to; elsewhere it does
// nothing (the message goes to the terminal).
func Alert(text string) { alert(i18n.T(msgTitle, nil), text) }

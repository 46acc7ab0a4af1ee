// Coffre keeps small businesses' accounting dossiers safe: backup,
// verification, restore and the rest, from a French wizard or the command
// line. This file only wires the pieces together.
//
// The same code is linked twice on Windows: coffre.exe (GUI subsystem: no
// console window when double-clicked; it attaches to the console it was
// typed in) and coffre-cli.exe, its console twin for scripts and the Task
// Scheduler (cmd waits for it and %ERRORLEVEL% gets its exit code), which
// never opens a window. `make windows` sets cliOnly for the latter.
package main

import (
	"context"
	"os"
	"os/signal"

	"coffre/app"
	"coffre/internal/cli"
	"coffre/internal/console"
	"coffre/internal/display"
)

// cliOnly is "1" in coffre-cli.exe (-ldflags "-X main.cliOnly=1").
var cliOnly string

func main() {
	restore := func() {}
	if len(os.Args) > 1 || cliOnly == "1" {
		restore = console.Attach()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	fi, _ := os.Stderr.Stat()
	env := &cli.Env{
		Ctx:      ctx,
		Stdout:   os.Stdout,
		Stderr:   os.Stderr,
		GUI:      windows{},
		Progress: fi != nil && fi.Mode()&os.ModeCharDevice != 0,
	}
	if cliOnly == "1" {
		env.GUI = noWindows{}
	}
	code := cli.Run(env, os.Args[1:])
	stop()
	restore()
	os.Exit(code)
}

// windows is the wizard's GUI, asked first whether its window can open
// here: without a display or OpenGL the user gets a French sentence (and,
// on Windows, a message box) saying the command line works, not a GLFW
// error. The service's tray icon comes with the embedded app.GUI.
type windows struct{ app.GUI }

func (g windows) Wizard(connexion string) error {
	if err := canOpen(); err != nil {
		return err
	}
	return g.GUI.Wizard(connexion)
}

func (g windows) ExitPrompt(connexion, employe string) error {
	if err := canOpen(); err != nil {
		return err
	}
	return g.GUI.ExitPrompt(connexion, employe)
}

func (g windows) OpenFile(connexion, file string) error {
	if err := canOpen(); err != nil {
		return err
	}
	return g.GUI.OpenFile(connexion, file)
}

func canOpen() error {
	err := display.Check()
	if err != nil {
		display.Alert(err.Error())
	}
	return err
}

// noWindows is coffre-cli.exe's GUI: it says to start coffre.exe.
type noWindows struct{}

func (noWindows) Wizard(string) error             { return display.CLIOnly() }
func (noWindows) ExitPrompt(string, string) error { return display.CLIOnly() }
func (noWindows) OpenFile(string, string) error   { return display.CLIOnly() }

// Coffre keeps small businesses' accounting dossiers safe: backup,
// verification, restore and the rest, from a French wizard or the command
// line. This file only wires the pieces together.
package main

import (
	"context"
	"os"
	"os/signal"

	"coffre/app"
	"coffre/internal/cli"
	"coffre/internal/console"
)

func main() {
	if len(os.Args) > 1 {
		console.Attach()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	fi, _ := os.Stderr.Stat()
	env := &cli.Env{
		Ctx:      ctx,
		Stdout:   os.Stdout,
		Stderr:   os.Stderr,
		GUI:      app.GUI{},
		Progress: fi != nil && fi.Mode()&os.ModeCharDevice != 0,
	}
	os.Exit(cli.Run(env, os.Args[1:]))
}

package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"

	"coffre/internal/buildinfo"
	"coffre/internal/connexion"
	"coffre/internal/i18n"
	"coffre/internal/secret"
)

// GUI opens Coffre's windows; main wires it to the Fyne app so that this
// package never imports Fyne.
type GUI interface {
	// Wizard opens the wizard on connexion ("" = the default one).
	Wizard(connexion string) error
	// ExitPrompt opens the small « Voulez-vous sauvegarder ? » window.
	ExitPrompt(connexion, employe string) error
}

// Env is what a command runs with.
type Env struct {
	Ctx    context.Context
	Stdout io.Writer
	Stderr io.Writer
	GUI    GUI
	// Progress is true when stderr is a terminal: progress is drawn there.
	Progress bool
}

// command is one verb. The table below is the whole command line: adding a
// verb is adding an entry.
type command struct {
	name    string
	aliases []string
	summary *i18n.Message
	usage   string // arguments after the verb, for --help
	run     func(env *Env, fs *flag.FlagSet, args []string) error
	flags   func(fs *flag.FlagSet) // declares the verb's flags
}

var commands []*command

func register(c *command) { commands = append(commands, c) }

func lookup(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
		for _, a := range c.aliases {
			if a == name {
				return c
			}
		}
	}
	return nil
}

// Exit codes.
const (
	ExitOK       = 0
	ExitError    = 1
	ExitUsage    = 2
	ExitCanceled = 130
)

var (
	msgUsage      = &i18n.Message{ID: "CLIUsage", Other: "Coffre {{.Version}} — le coffre-fort de vos dossiers comptables.\n\nUtilisation :\n  coffre [--connexion DOSSIER]           ouvre l'assistant\n  coffre --demo                          ouvre l'assistant sur des dossiers de démonstration\n  coffre COMMANDE [options]              exécute une opération\n  coffre COMMANDE --help                 aide d'une commande\n\nCommandes :"}
	msgUsageTail  = &i18n.Message{ID: "CLIUsageFin", Other: "Options communes : --langue fr|en. Code de sortie 0 en cas de succès, 1 en cas d'erreur (message sur une ligne), 2 pour une commande mal formée, 130 si l'opération est annulée."}
	msgUnknownCmd = &i18n.Message{ID: "CLICommandeInconnue", Other: "Commande inconnue « {{.Name}} ». Tapez « coffre --help » pour la liste des commandes."}
	msgBadArgs    = &i18n.Message{ID: "CLIArguments", Other: "{{.Detail}} (voir « coffre {{.Cmd}} --help »)"}
)

// Run executes the command line args (without the program name) and
// returns the exit code.
func Run(env *Env, args []string) int {
	args, lang := extractLanguage(args)
	if lang == "" {
		lang = i18n.DetectLanguage()
	}
	i18n.SetLanguage(lang)

	if len(args) == 0 || strings.HasPrefix(args[0], "-") && !isHelp(args[0]) {
		return runGUI(env, args)
	}
	if isHelp(args[0]) {
		usage(env.Stdout)
		return ExitOK
	}
	if args[0] == "version" || args[0] == "--version" {
		fmt.Fprintln(env.Stdout, buildinfo.Tool())
		return ExitOK
	}
	c := lookup(args[0])
	if c == nil {
		fmt.Fprintln(env.Stderr, i18n.T(msgUnknownCmd, map[string]any{"Name": args[0]}))
		return ExitUsage
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if c.flags != nil {
		c.flags(fs)
	}
	rest, err := parseInterleaved(fs, args[1:])
	if errors.Is(err, flag.ErrHelp) {
		commandUsage(env.Stdout, c, fs)
		return ExitOK
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, i18n.T(msgBadArgs, map[string]any{"Detail": err.Error(), "Cmd": c.name}))
		return ExitUsage
	}
	if err := c.run(env, fs, rest); err != nil {
		var u usageError
		if errors.As(err, &u) {
			fmt.Fprintln(env.Stderr, i18n.T(msgBadArgs, map[string]any{"Detail": u.Error(), "Cmd": c.name}))
			return ExitUsage
		}
		fmt.Fprintln(env.Stderr, oneLine(i18n.Describe(err)))
		if i18n.Canceled(err) {
			return ExitCanceled
		}
		return ExitError
	}
	return ExitOK
}

// usageError is a command line that does not make sense.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(m *i18n.Message, data map[string]any) error { return usageError{i18n.T(m, data)} }

func isHelp(a string) bool {
	return a == "-h" || a == "--help" || a == "-help" || a == "aide" || a == "help"
}

// parseInterleaved accepts flags before and after positional arguments
// (« coffre verifier FICHIER --complet »).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

// extractLanguage removes --langue X / --langue=X from anywhere in args.
func extractLanguage(args []string) ([]string, string) {
	var out []string
	lang := ""
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--langue" || a == "-langue" || a == "--lang":
			if i+1 < len(args) {
				lang = args[i+1]
				i++
			}
		case strings.HasPrefix(a, "--langue=") || strings.HasPrefix(a, "-langue="):
			lang = a[strings.Index(a, "=")+1:]
		default:
			out = append(out, a)
		}
	}
	return out, lang
}

func runGUI(env *Env, args []string) int {
	fs := flag.NewFlagSet("coffre", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	conn := fs.String("connexion", "", "")
	demoConn := fs.Bool("demo", false, "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(env.Stdout)
			return ExitOK
		}
		fmt.Fprintln(env.Stderr, err)
		return ExitUsage
	}
	if env.GUI == nil {
		usage(env.Stderr)
		return ExitUsage
	}
	if *demoConn {
		dir, err := connexion.Demo(env.Ctx)
		if err != nil {
			fmt.Fprintln(env.Stderr, oneLine(i18n.Describe(err)))
			return ExitError
		}
		*conn = dir
	}
	if err := env.GUI.Wizard(*conn); err != nil {
		fmt.Fprintln(env.Stderr, oneLine(i18n.Describe(err)))
		return ExitError
	}
	return ExitOK
}

func usage(w io.Writer) {
	fmt.Fprintln(w, i18n.T(msgUsage, map[string]any{"Version": buildinfo.Version}))
	cs := append([]*command(nil), commands...)
	sort.SliceStable(cs, func(i, j int) bool { return order(cs[i].name) < order(cs[j].name) })
	names := make([]string, len(cs))
	width := 0
	for i, c := range cs {
		names[i] = c.name
		if len(c.aliases) > 0 {
			names[i] += " (" + strings.Join(c.aliases, ", ") + ")"
		}
		width = max(width, len(names[i]))
	}
	for i, c := range cs {
		fmt.Fprintf(w, "  %-*s  %s\n", width, names[i], i18n.T(c.summary, nil))
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T(msgUsageTail, nil))
}

// order keeps --help in the order of the product's operations.
func order(name string) int {
	for i, n := range []string{"liste", "sauvegarder", "verifier", "contenu", "restaurer", "exporter", "transfert-export", "transfert-import", "archiver", "desarchiver", "administration", "decouper", "service", "surveiller", "quitter", "demo"} {
		if n == name {
			return i
		}
	}
	return 100
}

func commandUsage(w io.Writer, c *command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "coffre %s %s\n  %s\n", c.name, c.usage, i18n.T(c.summary, nil))
	if len(c.aliases) > 0 {
		fmt.Fprintf(w, "  (alias : %s)\n", strings.Join(c.aliases, ", "))
	}
	fmt.Fprintln(w)
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(w, "  --%-26s %s\n", f.Name, f.Usage)
	})
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// readPassphrase reads a passphrase or password file with the one secret
// reader (Windows encodings and line endings, ambiguity refused); "" when
// file is "".
func readPassphrase(file string) (string, error) {
	if file == "" {
		return "", nil
	}
	return secret.ReadFile(file)
}

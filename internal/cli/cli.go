package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"sort"
	"strings"

	"coffre/internal/batch"
	"coffre/internal/buildinfo"
	"coffre/internal/crash"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/logfile"
	"coffre/internal/secret"
)

// GUI opens Coffre's windows; main wires it to the Fyne app so that this
// package never imports Fyne.
type GUI interface {
	// Wizard opens the wizard on connexion ("" = the default one).
	Wizard(connexion string) error
	// ExitPrompt opens the small « Voulez-vous sauvegarder ? » window.
	ExitPrompt(connexion, employe string) error
	// OpenFile opens the wizard on what a backup, transfer or archive file
	// calls for (restore, reception, import), with that file chosen.
	OpenFile(connexion, file string) error
}

// openable reports whether arg is a file the wizard opens (« coffre
// FICHIER.pbf »: Explorer's double-click, a file dropped on coffre.exe).
func openable(arg string) bool {
	switch strings.ToLower(filepath.Ext(arg)) {
	case dossier.ExtPBF, dossier.ExtPTF, dossier.ExtPAF:
		return !strings.HasPrefix(arg, "-")
	}
	return false
}

// Env is what a command runs with.
type Env struct {
	Ctx    context.Context
	Stdout io.Writer
	Stderr io.Writer
	GUI    GUI
	// Progress is true when stderr is a terminal: progress is drawn there.
	Progress bool

	// log is the support log of this run (--journal), nil without one.
	log *logfile.Log
	// rawErr is Stderr before its control characters are filtered: only the
	// progress line writes its own escape sequences there.
	rawErr io.Writer
}

// verb is a command's options, bound to its flags, and what it does with
// them. Each verb is a struct whose fields its flags fill: a typo in an
// option's name is a compile error, not a panic at run time.
type verb interface {
	flags(fs *flag.FlagSet)
	run(env *Env, args []string) error
}

// command is one verb of the command line. The commands slice is the whole
// command line: adding a verb is adding an entry.
type command struct {
	name    string
	aliases []string
	summary *i18n.Message
	usage   string // arguments after the verb, for --help
	// args is the number of positional arguments (a file, a folder);
	// with optionalArgs, fewer are accepted and the verb decides.
	args         int
	optionalArgs bool
	// argName is what the positional argument is, for the message when it
	// is missing.
	argName *i18n.Message
	new     func() verb
	// subs are the verb's own sub-commands (« service une-fois »).
	subs []*command
}

var commands []*command

func register(c *command) { commands = append(commands, c) }

func lookupIn(cs []*command, name string) *command {
	for _, c := range cs {
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

// Exit codes. They are listed by « coffre --help » and in the README.
const (
	ExitOK         = 0   // done (or nothing to do)
	ExitError      = 1   // an error: the message says which
	ExitUsage      = 2   // the command line does not make sense
	ExitPartial    = 3   // several dossiers or files: some done, some not
	ExitInUse      = 10  // the dossier or file is in use by another operation
	ExitPassphrase = 11  // wrong or missing passphrase
	ExitDamaged    = 12  // the file is damaged, incomplete or not Coffre's
	ExitInternal   = 70  // an internal error of Coffre: a crash report was written
	ExitCanceled   = 130 // cancelled (Ctrl+C)
)

// exitCode is the code err ends the command with.
func exitCode(err error) int {
	var fe *dossier.FieldError
	var u usageError
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &u), errors.As(err, &fe) && fe.Missing:
		return ExitUsage
	case errors.Is(err, crash.ErrInternal):
		return ExitInternal
	case i18n.Canceled(err):
		return ExitCanceled
	case errors.Is(err, batch.ErrPartial):
		return ExitPartial
	case errors.Is(err, dossier.ErrInUse):
		return ExitInUse
	case errors.Is(err, dossier.ErrWrongPassphrase), errors.Is(err, dossier.ErrNeedPassphrase):
		return ExitPassphrase
	case errors.Is(err, dossier.ErrCorrupt), errors.Is(err, dossier.ErrTruncated), errors.Is(err, dossier.ErrNotCoffre):
		return ExitDamaged
	}
	return ExitError
}

var (
	msgUsage      = &i18n.Message{ID: "CLIUsage", Other: "Coffre {{.Version}} — le coffre-fort de vos dossiers comptables.\n\nUtilisation :\n  coffre [--connexion DOSSIER]           ouvre l'assistant\n  coffre --demo                          ouvre l'assistant sur des dossiers de démonstration\n  coffre COMMANDE [options]              exécute une opération\n  coffre COMMANDE --help                 aide d'une commande\n  coffre --version                       version de Coffre\n\nCommandes :"}
	msgUsageTail  = &i18n.Message{ID: "CLIUsageFinCodes", Other: "Options communes à toutes les commandes :\n  --langue fr|en          langue des messages (défaut : celle du système, français sinon)\n  --journal FICHIER       ajoute à ce fichier le compte rendu de l'opération et, pour chaque erreur, toutes ses causes (pour le support)\n\nCodes de sortie :\n  0    réussi (ou rien à faire)\n  1    erreur (le message, sur une ligne, dit laquelle)\n  2    commande mal formée\n  3    plusieurs dossiers ou fichiers : certains traités, d'autres non\n  10   dossier ou fichier déjà en cours de traitement par une autre opération\n  11   phrase secrète incorrecte ou manquante\n  12   fichier ou dossier endommagé, incomplet, illisible, ou qui n'est pas une sauvegarde Coffre\n  70   erreur interne de Coffre (un rapport de plantage a été écrit)\n  130  opération annulée"}
	msgUnknownCmd = &i18n.Message{ID: "CLICommandeInconnue", Other: "Commande inconnue « {{.Name}} ». Tapez « coffre --help » pour la liste des commandes."}
	msgBadArgs    = &i18n.Message{ID: "CLIArguments", Other: "{{.Detail}} (voir « coffre {{.Cmd}} --help »)"}
	msgBadFlag    = &i18n.Message{ID: "CLIOptionInconnue", Other: "option inconnue « {{.Flag}} »"}
	msgNeedValue  = &i18n.Message{ID: "CLIOptionSansValeur", Other: "l'option --{{.Flag}} attend une valeur"}
	msgBadValue   = &i18n.Message{ID: "CLIOptionValeur", Other: "valeur « {{.Value}} » invalide pour --{{.Flag}}"}
	msgBadValueOf = &i18n.Message{ID: "CLIOptionValeurRaison", Other: "--{{.Flag}} : {{.Detail}}"}
	msgExtraArg   = &i18n.Message{ID: "CLIArgumentEnTrop", Other: "argument en trop : « {{.Arg}} »"}
	msgNeedArg    = &i18n.Message{ID: "CLIArgumentManquant", Other: "indiquez {{.What}}"}
	msgBadLang    = &i18n.Message{ID: "CLILangueInconnue", Other: "langue « {{.Lang}} » inconnue : indiquez --langue fr ou --langue en"}
	msgFieldFlag  = &i18n.Message{ID: "CLIOptionRequete", Other: "--{{.Flag}} : {{.Detail}}"}
	msgLogStart   = &i18n.Message{ID: "JournalDebut", Other: "Début : {{.Command}}"}
	msgLogEnd     = &i18n.Message{ID: "JournalFin", Other: "Fin : code de sortie {{.Code}}"}
)

// Run executes the command line args (without the program name) and
// returns the exit code. A panic anywhere in the command becomes
// « Erreur interne » with a crash report, never a stack trace.
func Run(env *Env, args []string) (code int) {
	crash.SetCommandLine(append([]string{"coffre"}, args...))
	env.rawErr = env.Stderr
	env.Stdout, env.Stderr = cleanWriter{env.Stdout}, cleanWriter{env.Stderr}
	defer func() {
		if v := recover(); v != nil {
			err := crash.Capture(v, debug.Stack())
			env.log.Error(err)
			fmt.Fprintln(env.Stderr, i18n.Describe(err))
			code = ExitInternal
		}
	}()
	g, args, err := extractGlobals(args)
	if g.lang == "" {
		g.lang = i18n.DetectLanguage()
	}
	i18n.SetLanguage(g.lang)
	if err != nil {
		fmt.Fprintln(env.Stderr, i18n.T(msgGUIFlags, map[string]any{"Detail": err.Error()}))
		return ExitUsage
	}
	if len(args) > 0 && (args[0] == "version" || args[0] == "--version" || args[0] == "-version") {
		fmt.Fprintln(env.Stdout, buildinfo.Tool())
		return ExitOK
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && !isHelp(args[0]) || openable(args[0]) && lookupIn(commands, args[0]) == nil {
		return runGUI(env, args)
	}
	if isHelp(args[0]) {
		usage(env.Stdout)
		return ExitOK
	}
	c := lookupIn(commands, args[0])
	if c == nil {
		fmt.Fprintln(env.Stderr, i18n.T(msgUnknownCmd, map[string]any{"Name": args[0]}))
		return ExitUsage
	}
	args, name := args[1:], c.name
	if len(args) > 0 {
		if sub := lookupIn(c.subs, args[0]); sub != nil {
			c, args, name = sub, args[1:], name+" "+sub.name
		}
	}
	if g.journal != "" {
		l, err := logfile.Open(g.journal)
		if err != nil {
			fmt.Fprintln(env.Stderr, oneLine(i18n.Describe(err)))
			return ExitError
		}
		defer l.Close()
		env.log = l
		env.log.Printf("%s", i18n.T(msgLogStart, map[string]any{"Command": commandLine(name, args)}))
		defer func() { env.log.Printf("%s", i18n.T(msgLogEnd, map[string]any{"Code": code})) }()
	}
	return runCommand(env, c, name, args)
}

func runCommand(env *Env, c *command, name string, args []string) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	v := c.new()
	v.flags(fs)
	rest, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		commandUsage(env.Stdout, c, name, fs)
		return ExitOK
	}
	if err == nil {
		err = checkArgs(c, rest)
	}
	if err == nil {
		err = guarded(env, v, rest)
	}
	if err == nil {
		return ExitOK
	}
	env.log.Error(err)
	var u usageError
	var fe *dossier.FieldError
	switch {
	case errors.As(err, &u):
		fmt.Fprintln(env.Stderr, i18n.T(msgBadArgs, map[string]any{"Detail": u.Error(), "Cmd": name}))
	case errors.As(err, &fe) && fe.Missing:
		fmt.Fprintln(env.Stderr, i18n.T(msgBadArgs, map[string]any{"Detail": fieldText(fe), "Cmd": name}))
	case errors.As(err, &fe):
		fmt.Fprintln(env.Stderr, oneLine(fieldText(fe)))
	default:
		fmt.Fprintln(env.Stderr, oneLine(i18n.Describe(err)))
	}
	return exitCode(err)
}

// guarded runs the verb, turning a panic into « Erreur interne » with its
// crash report, like any other error of the command.
func guarded(env *Env, v verb, args []string) (err error) {
	defer crash.Recover(&err)
	return v.run(env, args)
}

// fieldOptions are the options that fill the engine requests' fields, when
// not named after them (--vers is the destination).
var fieldOptions = map[dossier.Field]string{dossier.FieldDestination: "vers"}

// fieldText is a request's field error as the command line says it: the
// option to fix, then why (the file is an argument, not an option).
func fieldText(fe *dossier.FieldError) string {
	if fe.Field == dossier.FieldFile {
		return i18n.Describe(fe.Err)
	}
	name, ok := fieldOptions[fe.Field]
	if !ok {
		name = string(fe.Field)
	}
	return i18n.T(msgFieldFlag, map[string]any{"Flag": name, "Detail": i18n.Describe(fe.Err)})
}

// usageError is a command line that does not make sense.
type usageError struct{ msg string }

func (u usageError) Error() string { return u.msg }

func usagef(m *i18n.Message, data map[string]any) error { return usageError{i18n.T(m, data)} }

func isHelp(a string) bool {
	return a == "-h" || a == "--help" || a == "-help" || a == "aide" || a == "help"
}

var msgArgFile = &i18n.Message{ID: "CLIArgFichier", Other: "le fichier"}

func checkArgs(c *command, rest []string) error {
	if len(rest) > c.args {
		return usagef(msgExtraArg, map[string]any{"Arg": rest[c.args]})
	}
	if len(rest) < c.args && !c.optionalArgs {
		what := c.argName
		if what == nil {
			what = msgArgFile
		}
		return usagef(msgNeedArg, map[string]any{"What": i18n.T(what, nil)})
	}
	return nil
}

// parse reads the options anywhere among the positional arguments
// (« coffre verifier FICHIER --complet »), as -x, --x, --x=v or --x v, and
// says in French what is wrong. "--" ends the options.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return append(rest, args[i+1:]...), nil
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		name := strings.TrimLeft(a, "-")
		value, hasValue := "", false
		if j := strings.IndexByte(name, '='); j >= 0 {
			name, value, hasValue = name[:j], name[j+1:], true
		}
		if isHelp(a) || name == "h" || name == "help" {
			return nil, flag.ErrHelp
		}
		f := fs.Lookup(name)
		if f == nil {
			return nil, usagef(msgBadFlag, map[string]any{"Flag": a})
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() && !hasValue {
			value, hasValue = "true", true
		}
		if !hasValue {
			if i+1 >= len(args) {
				return nil, usagef(msgNeedValue, map[string]any{"Flag": name})
			}
			i++
			value = args[i]
		}
		if err := fs.Set(name, value); err != nil {
			var ie *i18n.Error
			if errors.As(err, &ie) {
				return nil, usagef(msgBadValueOf, map[string]any{"Flag": name, "Detail": ie.Error()})
			}
			return nil, usagef(msgBadValue, map[string]any{"Flag": name, "Value": value})
		}
	}
	return rest, nil
}

// globals are the options every command takes, wherever they stand.
type globals struct {
	lang, journal string
}

// extractGlobals removes --langue and --journal (with their values) from
// anywhere in args. A language other than fr or en is refused.
func extractGlobals(args []string) (globals, []string, error) {
	var g globals
	var out []string
	var err error
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, inline := strings.TrimLeft(a, "-"), "", false
		if j := strings.IndexByte(name, '='); j >= 0 {
			name, value, inline = name[:j], name[j+1:], true
		}
		if !strings.HasPrefix(a, "-") || (name != "langue" && name != "lang" && name != "journal") {
			out = append(out, a)
			continue
		}
		if !inline {
			if i+1 >= len(args) {
				err = usagef(msgNeedValue, map[string]any{"Flag": name})
				continue
			}
			i++
			value = args[i]
		}
		if name == "journal" {
			g.journal = value
			continue
		}
		switch l := strings.ToLower(strings.TrimSpace(value)); l {
		case "fr", "en":
			g.lang = l
		default:
			err = usagef(msgBadLang, map[string]any{"Lang": value})
		}
	}
	return g, out, err
}

// commandLine is the command as the log records it, secrets masked.
func commandLine(name string, args []string) string {
	parts := []string{"coffre", name}
	for _, a := range args {
		parts = append(parts, crash.Mask(a))
	}
	return strings.Join(parts, " ")
}

var msgGUIFlags = &i18n.Message{ID: "CLIOptionsGenerales", Other: "{{.Detail}} (voir « coffre --help »)"}

func runGUI(env *Env, args []string) int {
	var conn string
	var demoConn bool
	fs := flag.NewFlagSet("coffre", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&conn, "connexion", "", "")
	fs.BoolVar(&demoConn, "demo", false, "")
	rest, err := parse(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		usage(env.Stdout)
		return ExitOK
	}
	var file string
	if err == nil && len(rest) > 0 && openable(rest[0]) {
		file, rest = rest[0], rest[1:]
	}
	if err == nil && len(rest) > 0 {
		err = usagef(msgExtraArg, map[string]any{"Arg": rest[0]})
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, i18n.T(msgGUIFlags, map[string]any{"Detail": err.Error()}))
		return ExitUsage
	}
	if env.GUI == nil {
		usage(env.Stderr)
		return ExitUsage
	}
	if demoConn {
		dir, err := connexionDemo(env)
		if err != nil {
			fmt.Fprintln(env.Stderr, oneLine(i18n.Describe(err)))
			return exitCode(err)
		}
		conn = dir
	}
	if file != "" {
		if _, err := os.Stat(file); err != nil {
			fmt.Fprintln(env.Stderr, oneLine(i18n.Describe(err)))
			return exitCode(err)
		}
		err = env.GUI.OpenFile(conn, file)
	} else {
		err = env.GUI.Wizard(conn)
	}
	if err != nil {
		fmt.Fprintln(env.Stderr, oneLine(i18n.Describe(err)))
		return exitCode(err)
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

var (
	msgAlias   = &i18n.Message{ID: "CLIAlias", Other: "(alias : {{.List}})"}
	msgSubs    = &i18n.Message{ID: "CLISousCommandes", Other: "Sous-commandes :"}
	msgOptions = &i18n.Message{ID: "CLIOptionsCommande", Other: "Options (et --langue, --journal, communes à toutes les commandes) :"}
)

func commandUsage(w io.Writer, c *command, name string, fs *flag.FlagSet) {
	fmt.Fprintf(w, "coffre %s %s\n  %s\n", name, c.usage, i18n.T(c.summary, nil))
	if len(c.aliases) > 0 {
		fmt.Fprintln(w, "  "+i18n.T(msgAlias, map[string]any{"List": strings.Join(c.aliases, ", ")}))
	}
	if len(c.subs) > 0 {
		fmt.Fprintln(w)
		fmt.Fprintln(w, i18n.T(msgSubs, nil))
		for _, s := range c.subs {
			fmt.Fprintf(w, "  coffre %s %s %s\n      %s\n", name, s.name, s.usage, i18n.T(s.summary, nil))
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, i18n.T(msgOptions, nil))
	fs.VisitAll(func(f *flag.Flag) {
		fmt.Fprintf(w, "  --%-26s %s\n", f.Name, f.Usage)
	})
}

// oneLine joins s's lines and runs of ordinary spaces into one line. Only
// ASCII white space: strings.Fields also splits on the no-break spaces of
// French typography (« 2\u00a0dossiers\u00a0: », « «\u00a0001\u00a0» »), which
// the error output turned into plain spaces.
func oneLine(s string) string {
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return r == ' ' || r == '\t' || r == '\n' || r == '\r' || r == '\v' || r == '\f'
	}), " ")
}

// readPassphrase reads a passphrase or password file with the one secret
// reader (Windows encodings and line endings, ambiguity refused); "" when
// file is "".
func readPassphrase(file string) (string, error) {
	if file == "" {
		return "", nil
	}
	return secret.ReadFile(file)
}

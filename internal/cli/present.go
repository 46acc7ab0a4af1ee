package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"time"
	"unicode/utf8"

	"coffre/internal/batch"
	"coffre/internal/dossier"
	"coffre/internal/i18n"
	"coffre/internal/report"
	"coffre/internal/store"
)

// The command line's presenters: the text one prints a report.Summary's
// lines (each also written to the --journal log), the JSON one prints the
// Summary as one document. The sentences themselves are internal/report's,
// shared with the wizard.

// printLines writes the lines to w, one each, and to the log.
func (env *Env) printLines(w io.Writer, lines []report.Line) {
	for _, l := range lines {
		s := l.String()
		fmt.Fprintln(w, s)
		env.log.Printf("%s", s)
	}
}

// present shows a whole summary on stdout — as JSON with asJSON — and
// returns its error, which gives the exit code and the last line on stderr.
func (env *Env) present(s report.Summary, asJSON jsonOpt) error {
	if asJSON {
		return env.printJSON(s, s.Err)
	}
	env.printLines(env.Stdout, s.Lines)
	if s.Text != "" {
		fmt.Fprintln(env.Stdout, s.Text)
		env.log.Printf("%s", s.Text)
	}
	return s.Err
}

// printJSON writes v as indented JSON on stdout and returns err.
func (env *Env) printJSON(v any, err error) error {
	enc := json.NewEncoder(env.Stdout)
	enc.SetIndent("", "  ")
	if jerr := enc.Encode(v); jerr != nil {
		return jerr
	}
	return err
}

// runBatch runs do over items with the batch runner: progress on the
// terminal, and in text mode each outcome's lines printed as soon as it is
// known (to w). With asJSON the whole summary is printed at the end. It
// returns the run's error.
func runBatch[R any](env *Env, w io.Writer, items []batch.Item, asJSON jsonOpt, title *i18n.Message,
	do batch.Do[R], lines func(batch.Item, R) []report.Line, each func(batch.Outcome[R])) error {
	res := batch.Run(env.Ctx, items, func(ctx context.Context, it batch.Item, p dossier.Progress) (R, error) {
		defer env.endProgress()
		return do(ctx, it, p)
	}, batch.Options[R]{
		Progress: env.stepProgress(),
		Finished: func(i, total int, o batch.Outcome[R]) {
			if o.Err != nil && total > 1 {
				// The run's own error (logged by Run) is this one when alone.
				env.log.Printf("%s : %s", o.Item.Label, o.Status)
				env.log.Error(o.Err)
			}
			if asJSON {
				return
			}
			if each != nil {
				each(o)
			}
			env.printLines(w, report.ItemLines(o, total, lines))
		},
	})
	if asJSON {
		return env.printJSON(report.Batch(title, res, lines), res.Err())
	}
	return res.Err()
}

// progress draws one line on a terminal, rewritten in place; events also
// go to the fault tests' hook.
func (env *Env) progress() dossier.Progress {
	if !env.Progress {
		return withTestHook(nil)
	}
	return withTestHook(dossier.Throttle(func(e dossier.Event) { drawProgress(env.rawErr, e) }, 200*time.Millisecond))
}

// stepProgress is progress() for the batch runner.
func (env *Env) stepProgress() func(batch.Step) {
	p := env.progress()
	if p == nil {
		return nil
	}
	return func(s batch.Step) {
		if s.Total > 1 {
			s.Event.Dossier = fmt.Sprintf("(%d/%d) %s", s.Index+1, s.Total, s.Event.Dossier)
		}
		p(s.Event)
	}
}

func drawProgress(w io.Writer, e dossier.Event) {
	line := fmt.Sprintf("%s · %s", report.Clean(e.Dossier), report.PhaseLabel(e.Phase))
	if e.Total > 0 {
		line += fmt.Sprintf(" %3d %% (%s / %s)", e.Done*100/e.Total, i18n.Bytes(e.Done), i18n.Bytes(e.Total))
	}
	fmt.Fprintf(w, "\r\033[K%s", line)
}

// endProgress clears the progress line before a result is printed.
func (env *Env) endProgress() {
	if env.Progress {
		fmt.Fprint(env.rawErr, "\r\033[K")
	}
}

// cleanWriter drops the control characters of what Coffre prints — a
// dossier's name or a session read from a file could hold terminal escape
// sequences — keeping line breaks and tabs.
type cleanWriter struct{ w io.Writer }

func (c cleanWriter) Write(p []byte) (int, error) {
	out := make([]byte, 0, len(p))
	for i := 0; i < len(p); {
		r, size := utf8.DecodeRune(p[i:])
		if r == utf8.RuneError && size == 1 && p[i] >= 0x80 && p[i] <= 0x9f {
			r = rune(p[i]) // a lone 8-bit control byte (0x9b is CSI on some terminals)
		}
		if !report.IsControl(r) || r == '\n' || r == '\t' {
			out = append(out, p[i:i+size]...)
		}
		i += size
	}
	if _, err := c.w.Write(out); err != nil {
		return 0, err
	}
	return len(p), nil
}

// validator is an engine request: Validate says which option stops it,
// before anything is opened.
type validator interface{ Validate() error }

// overDossiers is a verb over the chosen dossiers of a connexion: req is
// validated, the connexion opened, and do run on each dossier through the
// batch runner, its lines printed as each ends.
func overDossiers[R any](env *Env, conn *connexionOpts, ns numeros, asJSON jsonOpt, req validator, title *i18n.Message,
	do func(ctx context.Context, s store.Store, numero string, p dossier.Progress) (R, error), lines func(batch.Item, R) []report.Line) error {
	if len(ns) == 0 {
		return usagef(msgNeedDossier, nil)
	}
	if err := req.Validate(); err != nil {
		return err
	}
	s, err := conn.open(env)
	if err != nil {
		return err
	}
	defer s.Close()
	return runBatch(env, env.Stdout, dossierItems(ns), asJSON, title,
		func(ctx context.Context, it batch.Item, p dossier.Progress) (R, error) { return do(ctx, s, it.Key, p) }, lines, nil)
}

// onConnexion is a verb on one dossier of a connexion: req is validated,
// the connexion opened, and the summary do returns presented.
func onConnexion(env *Env, conn *connexionOpts, asJSON jsonOpt, req validator, do func(s store.Store) report.Summary) error {
	if err := req.Validate(); err != nil {
		return err
	}
	s, err := conn.open(env)
	if err != nil {
		return err
	}
	defer s.Close()
	sum := do(s)
	env.endProgress()
	return env.present(sum, asJSON)
}

// dossierItems are the chosen numbers as the runner's items.
func dossierItems(ns numeros) []batch.Item {
	var items []batch.Item
	for _, n := range ns {
		items = append(items, batch.Item{Key: n, Label: n})
	}
	return items
}

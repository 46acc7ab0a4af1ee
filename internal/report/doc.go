// Package report is where an operation's result becomes words: each
// sentence a person reads about what Coffre did is written here once, and
// every presenter shows the same sentences.
//
// # Who runs, who presents, who translates
//
// The engine's operations (internal/backup, restore, verify, export,
// transfer, archive, cut, admin…) run and return facts: paths, sizes,
// counts, durations, and i18n.Note warnings — never rendered text. The
// batch runner (internal/batch) runs one of them over several dossiers and
// records each outcome. This package turns those facts into a Summary: a
// title, Lines (each an i18n.Note with a level) and, for the contents of a
// file, a text block. It renders nothing itself: a Line is rendered in the
// reader's language when a presenter shows it.
//
// The presenters are thin: the command line prints the lines (cli; its
// --json output marshals the Summary with the engine's facts), the wizard
// shows them on its Résultat screen (app), and the service's e-mail is
// composed from the same facts (internal/notify). A new operation adds its
// builder here; a new presenter reads Summary.
package report

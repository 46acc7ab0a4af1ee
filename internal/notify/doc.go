// Package notify writes and sends the e-mail alerts of the automatic backup
// (plain text and HTML; one kind, title and advice per outcome, see Kinds and
// docs/courriels), and keeps those that could not be sent in a queue in the
// data folder to retry them later. It is a presenter: it renders the facts
// it is given in the current language.
package notify

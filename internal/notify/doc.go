// Package notify writes and sends the French e-mail alerts of the automatic
// backup (plain text and HTML), and keeps those that could not be sent in a
// queue in the data folder to retry them later.
package notify

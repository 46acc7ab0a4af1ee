// Package i18n translates Coffre's messages (French first, English second)
// and carries the one user-facing error type that the wizard and the command
// line both show.
package i18n

// Package translations embeds Coffre's message files: active.fr.toml is the
// source language, active.en.toml the second one.
package translations

import "embed"

// FS holds the active.*.toml files.
//
//go:embed active.*.toml
var FS embed.FS

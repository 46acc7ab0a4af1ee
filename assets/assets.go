// Package assets holds Coffre's embedded resources: the application icon.
package assets

import _ "embed"

// IconPNG is the application icon, 512×512: a safe holding a checked
// document.
//
//go:embed icon.png
var IconPNG []byte

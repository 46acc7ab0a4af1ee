// Package buildinfo names this build of Coffre, as written in manifests.
package buildinfo

// Version is set at link time (-ldflags "-X coffre/internal/buildinfo.Version=…").
var Version = "0.1.0"

// Tool is the tool name and version recorded in every file Coffre writes.
func Tool() string { return "Coffre " + Version }

//go:build race

package faulttest

// raceBuild: the binary under test is built with -race too, which reuses
// the packages `go test -race ./...` has just compiled.
const raceBuild = true

//go:build !windows

package display

func alert(title, text string) {}

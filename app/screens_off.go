//go:build !screenshots

package app

// The screenshot mode (app/screens.go) is built only with -tags screenshots
// (scripts/screenshots.sh): the program users run carries none of it.

func screenshotDir() string { return "" }

func takeScreenshots(*wizard, string) {}

func takeExitScreenshot(*exitPrompt, string) {}

package app

import "os"

// screenshotDir is where the screenshot mode writes its images
// (COFFRE_ECRANS, used by scripts/screenshots.sh); "" means normal use.
func screenshotDir() string { return os.Getenv("COFFRE_ECRANS") }

func takeScreenshots(w *wizard, dir string)        {}
func takeExitScreenshot(p *exitPrompt, dir string) {}

// Command traductions regenerates translations/active.fr.toml from the
// message literals and updates active.en.toml, listing the English texts
// that are missing or stale. Run it from the repository root.
package main

import (
	"fmt"
	"os"

	"coffre/internal/i18n/catalog"
)

func main() {
	entries, err := catalog.Scan(".")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	if p := catalog.Check(entries); len(p) > 0 {
		for _, s := range p {
			fmt.Fprintln(os.Stderr, s)
		}
		os.Exit(1)
	}
	missing, err := catalog.Sync(entries, "translations/active.fr.toml", "translations/active.en.toml")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d messages ; %d traductions anglaises manquantes ou à revoir\n", len(entries), len(missing))
	for _, id := range missing {
		fmt.Println("  " + id)
	}
}

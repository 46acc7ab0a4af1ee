// Command traductions regenerates translations/active.fr.toml from the
// message literals and updates active.en.toml, listing the English texts
// that are missing or stale. Run it from the repository root.
//
//	go run ./internal/i18n/catalog/cmd/traductions               # regenerate, list what is missing
//	go run ./internal/i18n/catalog/cmd/traductions -a-traduire   # the missing ones as JSON (ID, French one/other)
//	go run ./internal/i18n/catalog/cmd/traductions -appliquer F  # merge English texts from F (JSON {ID: {one, other, hash}})
//
// Keep each message's "hash" from the -a-traduire output in the file given
// to -appliquer: it records the French text the English was made from, so a
// French text changed meanwhile still shows its translation as stale.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"coffre/internal/i18n/catalog"
)

const (
	frPath = "translations/active.fr.toml"
	enPath = "translations/active.en.toml"
)

func main() {
	todo := flag.Bool("a-traduire", false, "print the messages to translate as JSON")
	apply := flag.String("appliquer", "", "merge English translations from this JSON file")
	flag.Parse()
	entries, err := catalog.Scan(".")
	check(err)
	if p := catalog.Check(entries); len(p) > 0 {
		for _, s := range p {
			fmt.Fprintln(os.Stderr, s)
		}
		os.Exit(1)
	}
	if *apply != "" {
		b, err := os.ReadFile(*apply)
		check(err)
		var in map[string]catalog.Translation
		check(json.Unmarshal(b, &in))
		en, err := catalog.Load(enPath)
		check(err)
		byID := map[string]catalog.Entry{}
		for _, e := range entries {
			byID[e.ID] = e
		}
		for id, t := range in {
			e, ok := byID[id]
			if !ok {
				fmt.Fprintf(os.Stderr, "unknown ID %s, skipped\n", id)
				continue
			}
			if t.Hash == "" {
				t.Hash = catalog.Hash(e)
			}
			t.Description = e.Description
			en[id] = t
		}
		check(catalog.Write(enPath, en))
	}
	missing, err := catalog.Sync(entries, frPath, enPath)
	check(err)
	if *todo {
		byID := map[string]catalog.Entry{}
		for _, e := range entries {
			byID[e.ID] = e
		}
		out := map[string]catalog.Translation{}
		for _, id := range missing {
			e := byID[id]
			out[id] = catalog.Translation{One: e.One, Other: e.Other, Description: e.Pos, Hash: catalog.Hash(e)}
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		check(enc.Encode(out))
		return
	}
	fmt.Printf("%d messages ; %d traductions anglaises manquantes ou à revoir\n", len(entries), len(missing))
	for _, id := range missing {
		fmt.Println("  " + id)
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

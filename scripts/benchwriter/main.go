// Command benchwriter plays the management software during `make bench`:
// it commits a small transaction on a dossier every INTERVAL (default
// 50ms: someone typing entries), as a program with a 100 ms busy timeout
// would, until interrupted (SIGINT or SIGTERM), then prints the longest
// time one commit waited, how many commits failed with « database is
// locked », and how many succeeded:
//
//	go run ./scripts/benchwriter 001SOC.db [INTERVAL]
//	→ attente_max_ms=12.3 verrouille=0 validations=812
package main

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	_ "github.com/mattn/go-sqlite3"
)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 {
		fmt.Fprintln(os.Stderr, "usage: benchwriter DOSSIER.db [INTERVALLE]")
		os.Exit(2)
	}
	interval := 50 * time.Millisecond
	if len(os.Args) == 3 {
		d, err := time.ParseDuration(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		interval = d
	}
	db, err := sql.Open("sqlite3", "file:"+url.PathEscape(os.Args[1])+"?mode=rw&_busy_timeout=100")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	db.SetMaxOpenConns(1)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	var longest time.Duration
	locked, commits := 0, 0
	for {
		select {
		case <-stop:
			fmt.Printf("attente_max_ms=%.1f verrouille=%d validations=%d\n", float64(longest.Microseconds())/1000, locked, commits)
			return
		default:
		}
		t := time.Now()
		err := commit(db)
		if d := time.Since(t); d > longest {
			longest = d
		}
		switch {
		case err == nil:
			commits++
		case strings.Contains(err.Error(), "locked") || strings.Contains(err.Error(), "busy"):
			locked++
		default:
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		time.Sleep(interval)
	}
}

// commit is one write of the management software: a session row updated.
func commit(db *sql.DB) error {
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO sessions VALUES ('POSTE-BENCH', 'mesure', 'Compta', datetime('now'), datetime('now'))`); err != nil {
		tx.Rollback()
		return err
	}
	if _, err := tx.Exec(`DELETE FROM sessions WHERE poste = 'POSTE-BENCH'`); err != nil {
		tx.Rollback()
		return err
	}
	return tx.Commit()
}

// Package cli is Coffre's command line: French verbs with English aliases,
// each a thin layer over the engine's operations, for Task Scheduler, cron
// and the IT provider's scripts.
package cli

#!/usr/bin/env bash
# Runs every fuzz target of Coffre, one after the other, for the given time
# each (default 10m): ./scripts/fuzz.sh 10s inside make test, 10m in
# make test-long. A crash stops the script and leaves the failing input
# under the package's testdata/fuzz/<Target>/ (commit it once fixed: it
# becomes a seed). Every reader of untrusted bytes must be listed here.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=goenv.sh
. scripts/goenv.sh
time=${1:-10m}
# package  target
targets=(
	"./internal/pack FuzzRead"
	"./internal/pack FuzzManifest"
	"./internal/dossier FuzzParseDBName"
	"./internal/dossier FuzzParseBackupName"
	"./internal/dossier FuzzParseNumeros"
	"./internal/restore FuzzExamine"
	"./internal/store/sqlitestore FuzzImageWriter"
	"./internal/odbcconn FuzzRoundTrip"
	"./internal/fec FuzzRecord"
	"./internal/transfer FuzzChanges"
	"./internal/access FuzzParseLock"
)
# One worker: the fuzzer shares the machine with the rest of the tests;
# short minimisation: inputs of several kilobytes (SQLite pages) would
# otherwise spend a minute each being shrunk instead of fuzzed.
#
# Go's fuzzer sometimes ends a timed run with « context deadline exceeded »
# when the time is up while a worker is busy: the run
# fuzzed for its whole time and found nothing, so that alone is not a
# failure. A real failure writes its input under testdata/fuzz.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "${targets[@]}"; do
	read -r pkg fn <<<"$t"
	echo "fuzz $pkg $fn ($time)"
	if go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$time" -timeout 0 -fuzzminimizetime 5s -parallel 1 "$pkg" >"$log" 2>&1; then
		cat "$log"
	elif grep -q "context deadline exceeded" "$log" && ! grep -q "Failing input written to" "$log"; then
		grep -v -e 'FAIL' -e 'context deadline exceeded' -e '^exit status' "$log" || true
		echo "fuzz $pkg $fn: time up while a worker was busy, no failing input: not a failure"
	else
		cat "$log"
		exit 1
	fi
done

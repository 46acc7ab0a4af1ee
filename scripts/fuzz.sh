#!/usr/bin/env bash
# Runs every fuzz target of Coffre, one after the other, for the given time
# each (default 10m): ./scripts/fuzz.sh 10s inside make test, 10m in
# make test-long. A crash stops the script and leaves the failing input
# under the package's testdata/fuzz/<Target>/ (commit it once fixed: it
# becomes a seed). Every reader of untrusted bytes must be listed here.
set -euo pipefail
cd "$(dirname "$0")/.."
time=${1:-10m}
# package  target
targets=(
	"./internal/pack FuzzRead"
	"./internal/pack FuzzManifest"
	"./internal/dossier FuzzParseDBName"
	"./internal/dossier FuzzParseBackupName"
	"./internal/dossier FuzzParseNumeros"
	"./internal/restore FuzzExamine"
	"./internal/odbcconn FuzzRoundTrip"
	"./internal/fec FuzzRecord"
	"./internal/transfer FuzzChanges"
	"./internal/access FuzzParseLock"
)
# One worker: the fuzzer shares the machine with the rest of the tests;
# short minimisation: inputs of several kilobytes (SQLite pages) would
# otherwise spend a minute each being shrunk instead of fuzzed.
for t in "${targets[@]}"; do
	read -r pkg fn <<<"$t"
	echo "fuzz $pkg $fn ($time)"
	go test -run '^$' -fuzz "^${fn}\$" -fuzztime "$time" -timeout 0 -fuzzminimizetime 5s -parallel 1 "$pkg"
done

#!/usr/bin/env bash
# make test: vets, then runs every test with the race detector against the
# real servers started by scripts/with-services.sh, then fuzzes each target
# briefly. Extra arguments go to go test (-run, -timeout…).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=goenv.sh
. scripts/goenv.sh
go vet ./...
./scripts/with-services.sh go test -race -count=1 -timeout 45m "$@" ./...
./scripts/fuzz.sh "${COFFRE_FUZZTIME:-10s}"
# The engine's tests again as Windows binaries under Wine (issue #10),
# unless a -run focus was asked for.
case " $* " in
*" -run"*) ;;
*) ./scripts/wine-test.sh ;;
esac

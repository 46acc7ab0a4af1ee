#!/usr/bin/env bash
# make test: vets (the screenshot build too), runs staticcheck and
# deadcode (pinned, by go run, with goenv.sh's build tags), then runs every
# test with the race detector against the real servers started by
# scripts/with-services.sh, then fuzzes each target briefly. Extra arguments go to go test (-run, -timeout…).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=goenv.sh
. scripts/goenv.sh
go vet ./...
go vet -tags "$COFFRE_TAGS,screenshots" ./app/
# staticcheck and deadcode see the screenshot build, which holds all the
# program's code and its screenshot mode.
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 -tags "$COFFRE_TAGS,screenshots" ./...
./scripts/deadcode.sh
./scripts/with-services.sh go test -race -count=1 -timeout 45m "$@" ./...
./scripts/fuzz.sh "${COFFRE_FUZZTIME:-10s}"
# The engine's tests again as Windows binaries under Wine (issue #10),
# unless a -run focus was asked for.
case " $* " in
*" -run"*) ;;
*) ./scripts/wine-test.sh ;;
esac

#!/usr/bin/env bash
# Starts the real servers the tests talk to (each one a file in
# scripts/services/, sourced here: it starts its server on 127.0.0.1, exports
# the variables its tests read, and registers its stop function), runs the
# command given as arguments with them, then stops them. scripts/test.sh runs
# the whole suite through it; a developer runs a part of it the same way:
#   ./scripts/with-services.sh go test -race ./internal/remote/
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=goenv.sh
. scripts/goenv.sh
export COFFRE_TEST_TMP
COFFRE_TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/coffre-test.XXXXXX")
# Tests that need a server fail instead of skipping when it is missing.
export COFFRE_SERVICES=1
stops=()
cleanup() {
	local i
	for ((i = ${#stops[@]} - 1; i >= 0; i--)); do "${stops[i]}" || true; done
	rm -rf "$COFFRE_TEST_TMP"
}
trap cleanup EXIT
for svc in scripts/services/*.sh; do
	[ -e "$svc" ] || continue
	# shellcheck source=/dev/null
	source "$svc"
done
"$@"

#!/usr/bin/env bash
# Dead code, by golang.org/x/tools/cmd/deadcode (pinned; scripts/test.sh
# runs this after go vet and staticcheck):
#  1. with the tests as roots, no function may be unreachable: a helper no
#     test calls any more goes;
#  2. with only the program as root, what is reached from tests alone must be
#     the list in scripts/deadcode-tests.txt (test-support packages and the
#     test hooks of the program's packages, each with its reason): a
#     function that loses its last caller in the program shows up here, and
#     so does a stale line of the list.
# Built for Linux: a function reached only from *_windows.go would show up
# in 2 and belongs in the list, saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=goenv.sh
. scripts/goenv.sh
# The screenshot build: the program plus its screenshot mode (app/screens*.go).
deadcode="go run golang.org/x/tools/cmd/deadcode@v0.52.0 -tags $COFFRE_TAGS,screenshots"
fmt='{{range .Funcs}}{{$.Path}}.{{.Name}}{{"\n"}}{{end}}'

dead=$($deadcode -test -f "$fmt" ./...)
if [ -n "$dead" ]; then
	echo "deadcode: unreachable even from the tests (delete them):" >&2
	echo "$dead" >&2
	exit 1
fi

list=$(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e '/^$/d' scripts/deadcode-tests.txt)
packages=$(echo "$list" | sed -n 's/\.\*$//p')
listed=$(echo "$list" | { grep -v '\.\*$' || true; } | sort)
# The import path never holds a dot (coffre/...): the package is what
# precedes the first one.
testonly=$($deadcode -f "$fmt" ./... | awk -v skip="$packages" '
	BEGIN { n = split(skip, p, "\n"); for (i = 1; i <= n; i++) pkg[p[i]] = 1 }
	{ path = $0; sub(/\..*/, "", path); if (!(path in pkg)) print }' | sort)
if [ "$testonly" != "$listed" ]; then
	echo "deadcode: reached only from tests, differs from scripts/deadcode-tests.txt (< found, > listed):" >&2
	diff <(echo "$testonly") <(echo "$listed") >&2 || true
	exit 1
fi

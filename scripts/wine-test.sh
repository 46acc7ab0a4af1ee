#!/usr/bin/env bash
# The Windows test run of make test (issue #10): cross-compiles the test
# binaries of the engine packages for windows/amd64 with mingw-w64 and runs
# each under Wine, in a throw-away WINEPREFIX kept with the Go build cache.
# Prints how many Windows tests ran, passed and skipped; fails when one fails.
#
#   scripts/wine-test.sh [package…]   (default: the list below)
#
# Debian's Wine 8 lacks bcryptprimitives.dll, whose ProcessPrng the Go
# runtime calls at start: a stand-in built here from scripts/wine/ with
# mingw goes into the prefix's system32. The test binaries carry the build
# tag coffre_wine (internal/fsutil/winefix_windows.go: os.RemoveAll's older
# deletion call, which Wine implements). Tests that cannot work under Wine
# skip with their reason (fsutil.UnderWine). The slow sweeps below are not
# about Windows (every bit flip, every truncation, kill -9 loops, property
# runs): the Linux run has them, this run skips them to stay short.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=goenv.sh
. scripts/goenv.sh

PACKAGES=(pack backup restore transfer archive cut store/sqlitestore fsutil config service cli secret)
[ $# -gt 0 ] && PACKAGES=("$@")
SLOW='^(TestKill9|TestPropertyChainsConverge|TestPropertyArchiveIdentity|TestDamagedFilesRefused|TestEncryptedDamageRefused|TestEveryBitFlipRefused|TestEveryTruncationRefused|TestFailedDossierRetriedBoundedTimes|TestRotationKeepsNewestWhateverTheNames)$'

for cmd in wine wineserver x86_64-w64-mingw32-gcc; do
	if ! command -v "$cmd" >/dev/null; then
		echo "wine-test : la commande $cmd manque (paquets Debian wine wine64 gcc-mingw-w64-x86-64 : make deps)" >&2
		exit 1
	fi
done

tools="$(go env GOCACHE)/../coffre-tools"
mkdir -p "$tools"
tools=$(cd "$tools" && pwd)
export WINEPREFIX="$tools/wine-prefix" WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
unset DISPLAY WAYLAND_DISPLAY COFFRE_SERVICES

# The prefix: made once (wineboot takes a while), remade when Wine or the
# stand-in DLL changes.
dll_src=scripts/wine/bcryptprimitives.c
stamp="$(wine --version 2>/dev/null) $(sha256sum "$dll_src" | cut -c1-16)"
if [ "$(cat "$WINEPREFIX/.coffre-stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "wine-test : préparation du préfixe Wine $WINEPREFIX" >&2
	rm -rf "$WINEPREFIX"
	wine wineboot -i >/dev/null 2>&1 || true
	wineserver -w
	x86_64-w64-mingw32-gcc -shared -O2 -Wl,--kill-at -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" "$dll_src" -ladvapi32
	echo "$stamp" >"$WINEPREFIX/.coffre-stamp"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/coffre-wine.XXXXXX")
wineserver -p
cleanup() {
	wineserver -k 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# The test binaries, from the Go build cache (only what changed compiles).
pkgs=()
for p in "${PACKAGES[@]}"; do pkgs+=("./internal/$p"); done
start=$(date +%s)
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc \
	GOFLAGS="-mod=mod -tags=$COFFRE_TAGS,coffre_wine" \
	go test -c -ldflags=-checklinkname=0 -o "$work/" "${pkgs[@]}"
built=$(($(date +%s) - start))

# Each binary from its package's folder (as go test does), two at a time.
run_one() {
	local p=$1 work=$2 slow=$3 exe log
	exe="$work/$(basename "$p").test.exe"
	log="$work/$(basename "$p").log"
	[ -f "$exe" ] || return 0
	local t0=$SECONDS
	if (cd "internal/$p" && timeout 900 wine "$exe" -test.v -test.timeout 12m -test.skip "$slow" >"$log" 2>&1); then
		echo "ok    windows/$p ($((SECONDS - t0)) s)"
	else
		echo "FAIL  windows/$p ($((SECONDS - t0)) s)"
		touch "$log.failed"
	fi
}
export -f run_one
start=$(date +%s)
printf '%s\n' "${PACKAGES[@]}" | xargs -P 2 -I{} bash -c 'run_one "$@"' _ {} "$work" "$SLOW"
ran=$(($(date +%s) - start))

count() { cat "$work"/*.log 2>/dev/null | grep -c "^--- $1" || true; }
pass=$(count PASS)
fail=$(count FAIL)
skip=$(count SKIP)
failed=0
for f in "$work"/*.log.failed; do
	[ -e "$f" ] || continue
	failed=$((failed + 1))
	log=${f%.failed}
	echo "--- windows/$(basename "$log" .log) :"
	grep -v '^\(=== \(RUN\|PAUSE\|CONT\|NAME\)\|--- PASS\|    --- PASS\)' "$log" | tail -60
done
echo "Ignorés, et pourquoi :"
cat "$work"/*.log | awk '/^--- SKIP/ { sub(/^ *[^ ]+:[0-9]+: /, "", prev); print prev } { prev = $0 }' | sort | uniq -c | sort -rn | sed 's/^/  /'
echo "Les plus longs :" $(cat "$work"/*.log | sed -n 's/^--- [A-Z]*: \([^ ]*\) (\([0-9.]*\)s)$/\2 \1/p' | sort -rn | head -5 | awk '{printf "%s %.0f s ; ", $2, $1}')
echo "Windows (Wine) : $((pass + fail + skip)) tests lancés, $pass réussis, $fail en échec, $skip ignorés ; compilation ${built} s, exécution ${ran} s"
[ "$failed" -eq 0 ] && [ "$fail" -eq 0 ]

#!/bin/sh
# Screenshots of the real window, under Xvfb, into docs/ecrans/: every step
# of a backup and of a restore on the demo dossiers; the Options, Résumé and
# Résultat of export, partial transfer (sent twice, then received), archive
# (with the code asked for the right) and import d'archive, tax-audit copy
# with FEC, and cut; a refused step, the wizard at 1024×600, the dark theme,
# the exit-time prompt. The window walks
# itself (COFFRE_ECRANS, see app/screens.go), so no input is simulated.
# Needs: xvfb xauth imagemagick. COFFRE_BIN uses an already built binary.
set -eu
cd "$(dirname "$0")/.."
# shellcheck source=goenv.sh
. scripts/goenv.sh
out=$(pwd)/docs/ecrans
mkdir -p "$out"
tmp=$(mktemp -d)
xvfb_pid=
cleanup() {
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

bin=${COFFRE_BIN:-}
if [ -z "$bin" ]; then
	bin=$tmp/coffre
	go build -o "$bin" .
fi

export COFFRE_DATA="$tmp/data" COFFRE_CONFIG="$tmp/config" GSETTINGS_BACKEND=memory
export LANG=fr_FR.UTF-8 LC_ALL= FYNE_THEME=${FYNE_THEME:-light}

# -displayfd picks a free display and writes its number once ready.
mkfifo "$tmp/fd"
Xvfb -displayfd 3 -screen 0 1400x900x24 -nolisten tcp 3>"$tmp/fd" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
read -r display <"$tmp/fd"
export DISPLAY=":$display"

"$bin" demo "$tmp/demo" >/dev/null
# The real window as X shows it: opens on Connexion, in French.
"$bin" --connexion "$tmp/demo" &
pid=$!
sleep 4
import -window root -crop 1000x680+0+0 "$out/xvfb-ouverture.png"
kill "$pid"
wait "$pid" 2>/dev/null || true

COFFRE_ECRANS="$out" "$bin" --connexion "$tmp/demo"
COFFRE_ECRANS="$out" COFFRE_ECRANS_PREFIXE=sombre- COFFRE_ECRANS_COURT=1 FYNE_THEME=dark "$bin" --connexion "$tmp/demo"
COFFRE_ECRANS="$out" "$bin" quitter --connexion "$tmp/demo"
COFFRE_ECRANS="$out" "$bin" quitter --connexion "$tmp/demo" --employe ADMIN
ls "$out"

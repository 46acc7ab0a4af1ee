#!/bin/sh
# Screenshots of the real window, under Xvfb, into docs/ecrans/: every step
# of a backup and of a restore on the demo dossiers; the Options, Résumé and
# Résultat of export, partial transfer (sent twice, then received), archive
# (with the code asked for the right) and import d'archive, tax-audit copy
# with FEC, and cut; a refused step, the exit-time prompt — at 1280×800; the
# backup's seven steps again at 1024×600 and 1920×1080, and in the dark theme
# at the three sizes. The window walks itself (COFFRE_ECRANS, see
# app/screens.go). Then the real window is driven by the keyboard alone
# (xdotool: Enter, Tab, arrows, Escape) under a window manager (openbox).
# Needs: xvfb xauth imagemagick openbox xdotool x11-utils. COFFRE_BIN uses an already
# built binary (built with -tags screenshots).
set -eu
cd "$(dirname "$0")/.."
# shellcheck source=goenv.sh
. scripts/goenv.sh
out=$(pwd)/docs/ecrans
mkdir -p "$out"
tmp=$(mktemp -d)
xvfb_pid=
wm_pid=
cleanup() {
	[ -n "$wm_pid" ] && kill "$wm_pid" 2>/dev/null || true
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

bin=${COFFRE_BIN:-}
if [ -z "$bin" ]; then
	bin=$tmp/coffre
	# The screenshot mode (app/screens.go) is only in a build with this tag.
	go build -tags "$COFFRE_TAGS,screenshots" -o "$bin" .
fi

export COFFRE_DATA="$tmp/data" COFFRE_CONFIG="$tmp/config" GSETTINGS_BACKEND=memory
export LANG=fr_FR.UTF-8 LC_ALL= FYNE_THEME=${FYNE_THEME:-light}

# -displayfd picks a free display and writes its number once ready.
mkfifo "$tmp/fd"
Xvfb -displayfd 3 -screen 0 2000x1200x24 -nolisten tcp 3>"$tmp/fd" 2>"$tmp/xvfb.log" &
xvfb_pid=$!
read -r display <"$tmp/fd"
export DISPLAY=":$display"
openbox >"$tmp/openbox.log" 2>&1 &
wm_pid=$!
sleep 1

# grab NAME: the window titled « Coffre », where the window manager put it.
# (xwininfo's corner: xdotool's counts the title bar.)
grab() {
	id=$(xdotool search --onlyvisible --name '^Coffre$' | tail -1)
	geo=$(xwininfo -id "$id")
	x=$(echo "$geo" | sed -n 's/.*Absolute upper-left X: *//p')
	y=$(echo "$geo" | sed -n 's/.*Absolute upper-left Y: *//p')
	w=$(echo "$geo" | sed -n 's/.*Width: *//p')
	h=$(echo "$geo" | sed -n 's/.*Height: *//p')
	import -window root -crop "${w}x${h}+${x}+${y}" +repage "$out/$1.png"
}

"$bin" demo "$tmp/demo" >/dev/null
# The real window, by the keyboard alone: it opens on Connexion (1000×680),
# Enter is « Suivant », Tab reaches the list of operations, the arrows
# choose in it, Escape asks « Quitter Coffre ? », Escape again closes the
# question.
"$bin" --connexion "$tmp/demo" &
pid=$!
sleep 4
grab xvfb-ouverture
xdotool key Return
sleep 1
xdotool key Tab Down Down
sleep 1
grab clavier-1-operation
xdotool key Escape
sleep 1
grab clavier-2-echap
xdotool key Escape Return
sleep 2
grab clavier-3-suivant
kill "$pid"
wait "$pid" 2>/dev/null || true

COFFRE_ECRANS="$out" "$bin" --connexion "$tmp/demo"
# The backup again, at the other sizes and in the dark theme.
for theme in light dark; do
	for size in 1024x600 1280x800 1920x1080; do
		prefix=$size-
		[ "$size" = 1280x800 ] && prefix=
		[ "$theme" = dark ] && prefix=sombre-$prefix
		[ -z "$prefix" ] && continue # the whole walk above
		COFFRE_ECRANS="$out" COFFRE_ECRANS_PREFIXE=$prefix COFFRE_ECRANS_TAILLE=$size COFFRE_ECRANS_COURT=1 \
			FYNE_THEME=$theme "$bin" --connexion "$tmp/demo"
	done
done
COFFRE_ECRANS="$out" "$bin" quitter --connexion "$tmp/demo"
COFFRE_ECRANS="$out" "$bin" quitter --connexion "$tmp/demo" --employe ADMIN
ls "$out"

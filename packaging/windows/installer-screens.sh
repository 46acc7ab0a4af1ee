#!/usr/bin/env bash
# Runs the installer built by `make windows` under Wine in a throw-away
# prefix on a private Xvfb display, takes a screenshot of each page
# (docs/ecrans/installateur-*.png), then runs it again silently (/S) and
# checks what it installed: files, Start-menu entry, uninstall key,
# associations. Needs wine, xvfb, xdotool, imagemagick.
#
#   packaging/windows/installer-screens.sh [dist/Coffre-Installation-0.1.0.exe]
set -euo pipefail
cd "$(dirname "$0")/../.."
setup=${1:-$(ls dist/Coffre-Installation-*.exe | head -n 1)}
out=docs/ecrans
mkdir -p "$out"
tmp=$(mktemp -d)
export WINEPREFIX=$tmp/prefix WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
display=:$((90 + RANDOM % 100))
Xvfb "$display" -screen 0 1024x768x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
cleanup() {
	[ -n "${inst:-}" ] && kill "$inst" 2>/dev/null || true
	wineserver -k 2>/dev/null || true
	kill "$xvfb" 2>/dev/null || true
	rm -rf "$tmp"
}
trap cleanup EXIT
export DISPLAY=$display
sleep 1
wineboot -i >/dev/null 2>&1
wineserver -w

shot() { # shot NAME: the installer's window, or the whole screen
	sleep "${2:-2}"
	local id
	id=$(xdotool search --name "Coffre" 2>/dev/null | tail -n 1 || true)
	if [ -n "$id" ]; then
		import -window "$id" "$out/installateur-$1.png"
	else
		import -window root "$out/installateur-$1.png"
	fi
	echo "$out/installateur-$1.png"
}
next() { xdotool key --clearmodifiers Return; }

wine "$setup" >/dev/null 2>&1 &
inst=$!
sleep 6
shot 1-bienvenue
next
shot 2-dossier
next
shot 3-composants
next
# The installation page goes on to the last one by itself.
shot 4-fin 8
kill "$inst" 2>/dev/null || true
wineserver -k 2>/dev/null || true
inst=

# Silent install into a fresh prefix, then what it left.
rm -rf "$WINEPREFIX"
wineboot -i >/dev/null 2>&1
wine "$setup" /S >/dev/null 2>&1
wineserver -w
pf="$WINEPREFIX/drive_c/Program Files/Coffre"
for f in coffre.exe coffre-cli.exe "Desinstaller Coffre.exe"; do
	[ -f "$pf/$f" ] || { echo "silencieux : $f manque" >&2; exit 1; }
done
[ -f "$WINEPREFIX/drive_c/ProgramData/Microsoft/Windows/Start Menu/Programs/Coffre.lnk" ] || { echo "silencieux : pas d'entrée au menu Démarrer" >&2; exit 1; }
reg=$(wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\Coffre' 2>/dev/null | tr -d '\r')
for k in DisplayName DisplayVersion Publisher UninstallString DisplayIcon; do
	grep -q "$k" <<<"$reg" || { echo "silencieux : $k manque dans la clé de désinstallation" >&2; exit 1; }
done
wine reg query 'HKLM\Software\Classes\Coffre.Sauvegarde\shell\open\command' 2>/dev/null | tr -d '\r' | grep -q 'coffre.exe" "%1"' ||
	{ echo "silencieux : .pbf n'ouvre pas Coffre" >&2; exit 1; }
echo "installation silencieuse : fichiers, menu Démarrer, clé de désinstallation et associations présents"
wine "$pf/Desinstaller Coffre.exe" /S >/dev/null 2>&1
wineserver -w
sleep 2
if [ -f "$pf/coffre.exe" ]; then echo "désinstallation : coffre.exe est resté" >&2; exit 1; fi
echo "désinstallation silencieuse : fichiers retirés"

#!/usr/bin/env bash
# Builds Coffre for Windows into dist/ (make windows): coffre.exe (GUI
# subsystem) and coffre-cli.exe (its console twin: same code, no window),
# each with the icon, version information and manifest made from
# FyneApp.toml; the installer Coffre-Installation-<version>.exe (NSIS);
# the portable zip Coffre-<version>-portable.zip. Needs mingw-w64 (gcc and
# windres), nsis and zip: `make deps-windows`.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/goenv.sh
version=${1:?version}
dist=dist
work=$dist/build
syso=rsrc_windows_amd64.syso
rm -rf "$work"
mkdir -p "$work"
trap 'rm -f "$syso"' EXIT

# The resource tool runs on this machine, before GOOS is set.
go build -o "$work/winres" ./packaging/windows/winres
version4=$("$work/winres" -app FyneApp.toml -version4)

export CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc
ldflags="-s -w -X coffre/internal/buildinfo.Version=$version"

# build EXE DESCRIPTION EXTRA-LDFLAGS: its resources into the .syso the
# linker picks up from the main package's folder, then the program.
build() {
	"$work/winres" -app FyneApp.toml -exe "$1" -description "$2" -o "$work"
	(cd "$work" && x86_64-w64-mingw32-windres -c 65001 -i "$1.rc" -O coff -o "../../$syso")
	go build -trimpath -ldflags "$ldflags $3" -o "$dist/$1" .
	echo "$dist/$1"
}
build coffre.exe "Coffre : sauvegarde des dossiers comptables" "-H=windowsgui"
build coffre-cli.exe "Coffre en ligne de commande (scripts, Planificateur de tâches)" "-X main.cliOnly=1"

makensis -V2 -INPUTCHARSET UTF8 -DVERSION="$version" -DVERSION4="$version4" \
	-DDIST="$PWD/$dist" -DBUILD="$PWD/$work" packaging/windows/coffre.nsi
echo "$dist/Coffre-Installation-$version.exe"

portable=$work/Coffre-$version
mkdir -p "$portable"
cp "$dist/coffre.exe" "$dist/coffre-cli.exe" "$portable/"
sed 's/$/\r/' packaging/windows/LISEZMOI.txt >"$portable/LISEZMOI.txt"
rm -f "$dist/Coffre-$version-portable.zip"
(cd "$work" && zip -q -9 -r "../Coffre-$version-portable.zip" "Coffre-$version")
echo "$dist/Coffre-$version-portable.zip"

# Coffre — the two commands: `make run` (installs what is missing, opens the
# wizard on demo dossiers) and `make test` (the whole test suite).

SHELL := /bin/bash
GO ?= go
# -mod=mod and the SQLite build tags (scripts/goenv.sh, also sourced by the
# scripts so they work standalone): every build and test gets them.
export GOFLAGS := $(shell . scripts/goenv.sh && echo "$$GOFLAGS")
# The version is FyneApp.toml's (Details.Version), read, never rewritten.
VERSION ?= $(shell sed -n 's/^ *Version *= *"\(.*\)".*/\1/p' FyneApp.toml | head -n 1)
LDFLAGS := -X coffre/internal/buildinfo.Version=$(VERSION)

# Debian 12 packages (SPEC.md): build, vet and test; real window screenshots;
# the Windows cross-build.
DEPS_BUILD := ca-certificates gcc libc6-dev pkg-config libgl-dev libegl-dev libx11-dev \
	libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev libwayland-dev \
	libxkbcommon-dev libgtk-3-dev unixodbc-dev
DEPS_TEST := sqlite3 zstd age bc time xvfb xauth imagemagick openbox xdotool x11-utils \
	unixodbc postgresql odbc-postgresql libsqliteodbc openssh-server \
	proj-data libsqlite3-mod-spatialite
DEPS_WINDOWS := gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64 nsis zip
# The Windows test run of make test (scripts/wine-test.sh).
DEPS_WINE := wine wine64 gcc-mingw-w64-x86-64

.PHONY: all deps deps-windows deps-wine build run test test-long test-race vet bench bench-long windows clean screenshots

all: build

## deps: install the Debian packages that are missing (needs root or sudo)
deps:
	@./scripts/deps.sh $(DEPS_BUILD) $(DEPS_TEST)

deps-windows:
	@./scripts/deps.sh $(DEPS_WINDOWS)

deps-wine:
	@./scripts/deps.sh $(DEPS_WINE)

## build: the coffre binary
build: deps
	$(GO) build -ldflags "$(LDFLAGS)" -o coffre .

## run: opens the wizard on the demo connexion (created on first start)
run: build
	./coffre --demo

## test: starts the test servers (scripts/services), vets, runs every test with
## -race, then the engine's tests as Windows binaries under Wine
test: deps deps-wine
	./scripts/test.sh

## test-long: the fault matrix (with its test servers) swept over every
## progress event and byte step (docs/FIABILITE.md), then 10 minutes of
## fuzzing per target
test-long: deps
	COFFRE_LONG=1 COFFRE_FUZZTIME=10m ./scripts/test.sh -run '^(TestFault|TestInject|TestHostile|TestSecrets)' -timeout 150m

## bench: backup and restore speed, size and memory against sqlite3 .backup +
## zstd -3 -T2 + zstd -t (and zstd -d + quick_check), the longest wait of a
## writer during a backup, a job of 300 dossiers, ODBC throughput
bench: build
	./scripts/bench.sh

## bench-long: peak memory of backing up and restoring a 10 GB dossier
## (writing the dossier takes a while the first time; kept in $TMPDIR)
bench-long: build
	./scripts/bench-backup.sh long

## windows: into dist/, coffre.exe and its console twin coffre-cli.exe (icon,
## version information and manifest from FyneApp.toml), the installer
## Coffre-Installation-$(VERSION).exe (NSIS) and Coffre-$(VERSION)-portable.zip
windows: deps-windows
	./packaging/windows/build.sh $(VERSION)

clean:
	rm -rf coffre coffre.exe dist rsrc_windows_*.syso

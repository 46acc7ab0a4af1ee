# shellcheck shell=bash
# Sourced by the Makefile and by every script that runs go: the build tags
# Coffre's SQLite needs (FTS5, math functions, dbstat, percentile and
# the introspection pragmas, compiled into go-sqlite3's amalgamation — R*Tree,
# FTS3/4 and JSON are in it by default), added to GOFLAGS with -mod=mod
# unless the caller's GOFLAGS already says -tags= / -mod=. A binary built
# without them cannot back up a file with an FTS5 table or a generated
# column using sqrt() (internal/store/sqlitestore TestBuildTags says so).
COFFRE_TAGS=sqlite_fts5,sqlite_math_functions,sqlite_dbstat,sqlite_percentile,sqlite_introspect
case " ${GOFLAGS:-} " in
*" -tags="* | *" --tags="*) ;;
*) GOFLAGS="${GOFLAGS:+$GOFLAGS }-tags=$COFFRE_TAGS" ;;
esac
case " $GOFLAGS " in
*" -mod="* | *" --mod="*) ;;
*) GOFLAGS="$GOFLAGS -mod=mod" ;;
esac
export GOFLAGS

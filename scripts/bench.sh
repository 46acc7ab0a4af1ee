#!/usr/bin/env bash
# make bench: backup and restore against the script an IT provider would
# write (scripts/bench-backup.sh: table, writer blockage, 300-dossier job),
# then the Go benchmarks of the container, then ODBC throughput.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=goenv.sh
. scripts/goenv.sh
# --- sauvegarde et restauration (section « perf ») ---------------------------
./scripts/bench-backup.sh

WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/coffre-bench}
mkdir -p "$WORK"
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# --- liste : 1 000 dossiers (section « dossiers ») ---------------------------
# 900 files named 001SOC.db…, 100 named otherwise (societe-NNN.db, the number
# in their dossier table, one number claimed twice): every file is opened.
# Written by sqlite3 from the schema, not by Coffre. Goal: under 1 s.
LISTE="$WORK/liste-1000"
if [ ! -f "$LISTE/900SOC.db" ]; then
	rm -rf "$LISTE"; mkdir -p "$LISTE"
	{ cat internal/dossier/schema.sql
	  echo "INSERT INTO dossier (numero, nom, raison_sociale, identifiant) VALUES ('001', 'SOC', 'Société', 'x');"
	  echo "INSERT INTO exercices (code, debut, fin) VALUES ('2024', '2024-01-01', '2024-12-31'), ('2025', '2025-01-01', '2025-12-31');"
	} | sqlite3 "$WORK/liste-modele.db"
	for i in $(seq 1 900); do cp "$WORK/liste-modele.db" "$LISTE/$(printf %03d "$i")SOC.db"; done
	for i in $(seq 901 999) 999; do
		n=$(printf %03d "$i"); f=$(mktemp -p "$LISTE" "societe-$n-XXXX.db")
		cp "$WORK/liste-modele.db" "$f"
		sqlite3 "$f" "UPDATE dossier SET numero = '$n', nom = 'S$n'"
	done
	rm -f "$WORK/liste-modele.db"
fi
liste_times=()
for i in $(seq 5); do
	t0=$(date +%s.%N)
	./coffre liste --connexion "$LISTE" >/dev/null
	liste_times+=("$(echo "$(date +%s.%N) - $t0" | bc)")
done
lt=$(printf '%s\n' "${liste_times[@]}" | median)
echo
printf '%-58s %8s s (objectif < 1 s)\n' "coffre liste, 1 000 dossiers (médiane de 5)" "$lt"
echo
go test -run '^$' -bench . -benchtime 3x ./internal/pack/
echo
echo "Sauvegarde depuis PostgreSQL (ODBC) et pg_dump -Fc de la même base, dans le même passage (ratio-coffre/pg_dump, objectif ≤ 2) :"
( export COFFRE_TEST_TMP; COFFRE_TEST_TMP=$(mktemp -d); stops=(); source scripts/services/postgres.sh && go test -run '^$' -bench BenchmarkODBCBackup -benchtime 1x -timeout 60m ./internal/store/odbcstore/; for s in "${stops[@]}"; do "$s"; done; rm -rf "$COFFRE_TEST_TMP" )

#!/usr/bin/env bash
# make bench: time and size of `coffre sauvegarder --verifier` on a large demo
# dossier, next to `sqlite3 .backup` + `zstd -3 -T2` + `zstd -t` on the same
# file, in the same run (ratios, not absolute times, are what to compare on a
# noisy machine). Then the Go benchmarks of the container.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZE_MB=${BENCH_MB:-600}
RUNS=${BENCH_RUNS:-3}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/coffre-bench}
SRC="$WORK/dossiers-$SIZE_MB"
OUT="$WORK/out"
mkdir -p "$WORK"
if [ ! -f "$SRC/001SOC.db" ]; then
	echo "Génération d'un dossier de démonstration d'environ $SIZE_MB Mo…" >&2
	rm -rf "$SRC"
	t0=$(date +%s.%N)
	./coffre demo "$SRC" --taille "$SIZE_MB" >/dev/null
	echo "  généré en $(echo "$(date +%s.%N) - $t0" | bc) s" >&2
fi
DB="$SRC/001SOC.db"
db_size=$(stat -c %s "$DB")
cat "$DB" > /dev/null # warm cache, as in PERFORMANCE.md

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

coffre_times=(); pipe_times=()
for i in $(seq "$RUNS"); do
	rm -rf "$OUT"; mkdir -p "$OUT"
	t0=$(date +%s.%N)
	./coffre sauvegarder --connexion "$SRC" --dossier 1 --vers "$OUT" --nom bench --verifier >/dev/null
	coffre_times+=("$(echo "$(date +%s.%N) - $t0" | bc)")
	coffre_size=$(stat -c %s "$OUT/bench.pbf")

	t0=$(date +%s.%N)
	sqlite3 "$DB" ".backup '$OUT/copie.db'"
	zstd -q -3 -T2 "$OUT/copie.db" -o "$OUT/copie.db.zst"
	zstd -q -t "$OUT/copie.db.zst"
	pipe_times+=("$(echo "$(date +%s.%N) - $t0" | bc)")
	pipe_size=$(stat -c %s "$OUT/copie.db.zst")
done
ct=$(printf '%s\n' "${coffre_times[@]}" | median)
pt=$(printf '%s\n' "${pipe_times[@]}" | median)
echo
echo "Dossier : $DB ($((db_size / 1000000)) Mo), médiane de $RUNS passages"
printf '%-58s %8s s %10s Mo\n' "coffre sauvegarder --verifier" "$ct" "$((coffre_size / 1000000))"
printf '%-58s %8s s %10s Mo\n' "sqlite3 .backup + zstd -3 -T2 + zstd -t" "$pt" "$((pipe_size / 1000000))"
echo "Rapport de temps coffre / pipeline : $(echo "scale=2; $ct / $pt" | bc) (objectif ≤ 0,50)"
echo "Rapport de taille coffre / zstd -3  : $(echo "scale=3; $coffre_size / $pipe_size" | bc) (objectif ≤ 1,000)"
rm -rf "$OUT"

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
( export COFFRE_TEST_TMP; COFFRE_TEST_TMP=$(mktemp -d); stops=(); source scripts/services/postgres.sh && go test -run '^$' -bench BenchmarkODBCBackup -benchtime 1x ./internal/store/odbcstore/; for s in "${stops[@]}"; do "$s"; done; rm -rf "$COFFRE_TEST_TMP" )

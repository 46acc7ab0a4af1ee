#!/usr/bin/env bash
# bench-backup.sh [long]: the backup and restore part of `make bench`.
# On two dossiers written by the sqlite3 command line from the schema
# (scripts/bench-dossiers.sh: text-heavy, annex-heavy), interleaved, median
# of BENCH_RUNS runs, in one run so that only ratios are compared on a
# noisy machine:
#   coffre sauvegarder --verifier   vs  sqlite3 .backup + zstd -3 -T2 + zstd -t
#   coffre restaurer                vs  zstd -d + PRAGMA quick_check
# with sizes and peak memory; then the longest wait of a writer (100 ms busy
# timeout, a commit every 50 ms) during a backup of a 140 MB dossier, and a
# job of 300 dossiers against the sum of its single backups.
# `long` (make bench-long): the same on a dossier of BENCH_LONG_MB (10 000)
# MB, for the peak memory of backing it up and restoring it.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${BENCH_RUNS:-3}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/coffre-bench}
COFFRE=${COFFRE:-./coffre}
mkdir -p "$WORK"
command -v /usr/bin/time >/dev/null || { echo "/usr/bin/time manque (paquet Debian time : make deps)" >&2; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ratio() { echo "scale=2; $1 / $2" | bc | sed 's/^\./0./'; }
# timed OUT CMD…: runs CMD, appends "seconds peak-KB" to OUT.
timed() { local out=$1; shift; /usr/bin/time -a -o "$out" -f '%e %M' "$@" >/dev/null 2>&1; }

dossier() { # dossier KIND: path of the cached benchmark dossier KIND
	local f="$WORK/$1.db"
	if [ ! -f "$f" ]; then
		echo "Écriture du dossier de mesure « $1 » (sqlite3, schéma du logiciel de gestion)…" >&2
		./scripts/bench-dossiers.sh "$1" "$f"
	fi
	echo "$f"
}

bench_pair() { # bench_pair KIND: one line of the table
	local kind=$1 db
	db=$(dossier "$kind")
	local conn="$WORK/conn-$kind" out="$WORK/out-$kind" rst="$WORK/rst-$kind"
	rm -rf "$conn" "$out" "$rst"; mkdir -p "$conn" "$out"
	ln "$db" "$conn/001BENCH.db" 2>/dev/null || cp "$db" "$conn/001BENCH.db"
	cat "$db" >/dev/null # warm cache, as in PERFORMANCE.md
	local tb="$WORK/t-backup" ts="$WORK/t-script" tr="$WORK/t-restore" tsr="$WORK/t-script-restore"
	rm -f "$tb" "$ts" "$tr" "$tsr"
	for _ in $(seq "$RUNS"); do
		rm -f "$out"/*
		timed "$tb" "$COFFRE" sauvegarder --connexion "$conn" --dossier 1 --vers "$out" --nom bench --verifier
		timed "$ts" bash -c "sqlite3 '$db' \".backup '$out/copie.db'\" && zstd -q -3 -T2 '$out/copie.db' -o '$out/copie.db.zst' && zstd -q -t '$out/copie.db.zst'"
		rm -rf "$rst"; mkdir -p "$rst"
		timed "$tr" "$COFFRE" restaurer "$out/bench.pbf" --connexion "$rst"
		rm -f "$out/copie.db"
		timed "$tsr" bash -c "zstd -q -d '$out/copie.db.zst' -o '$out/copie.db' && sqlite3 '$out/copie.db' 'PRAGMA quick_check' | grep -qx ok"
	done
	local cb cs cr csr mb mr pbf zst
	cb=$(cut -d' ' -f1 "$tb" | median); cs=$(cut -d' ' -f1 "$ts" | median)
	cr=$(cut -d' ' -f1 "$tr" | median); csr=$(cut -d' ' -f1 "$tsr" | median)
	mb=$(cut -d' ' -f2 "$tb" | sort -n | tail -1); mr=$(cut -d' ' -f2 "$tr" | sort -n | tail -1)
	pbf=$(stat -c %s "$out/bench.pbf"); zst=$(stat -c %s "$out/copie.db.zst")
	printf '| %-8s | %5d Mo | %6s s | %6s s | **%s** | %s | %6s s | %6s s | **%s** | %d / %d Mo |\n' \
		"$kind" $(($(stat -c %s "$db") / 1000000)) "$cb" "$cs" "$(ratio "$cb" "$cs")" \
		"$(echo "scale=3; $pbf / $zst" | bc | sed 's/^\./0./')" "$cr" "$csr" "$(ratio "$cr" "$csr")" $((mb / 1000)) $((mr / 1000))
	rm -rf "$conn" "$out" "$rst"
}

if [ "${1:-}" = long ]; then
	MB=${BENCH_LONG_MB:-10000}
	db=$(dossier "$MB")
	conn="$WORK/conn-long" out="$WORK/out-long" rst="$WORK/rst-long"
	rm -rf "$conn" "$out" "$rst"; mkdir -p "$conn" "$out" "$rst"
	ln "$db" "$conn/001BENCH.db" 2>/dev/null || cp "$db" "$conn/001BENCH.db"
	rm -f "$WORK/t-long"
	timed "$WORK/t-long" "$COFFRE" sauvegarder --connexion "$conn" --dossier 1 --vers "$out" --nom bench --verifier
	timed "$WORK/t-long" "$COFFRE" restaurer "$out/bench.pbf" --connexion "$rst"
	read -r tb mb < <(sed -n 1p "$WORK/t-long"); read -r tr mr < <(sed -n 2p "$WORK/t-long")
	echo "Dossier de $(($(stat -c %s "$db") / 1000000)) Mo : sauvegarder --verifier $tb s, mémoire max $((mb / 1000)) Mo ; restaurer $tr s, mémoire max $((mr / 1000)) Mo (objectif < 300 Mo)"
	rm -rf "$conn" "$out" "$rst"
	exit 0
fi

echo
echo "Sauvegarde et restauration, médiane de $RUNS passages entrelacés (script : sqlite3 .backup + zstd -3 -T2 + zstd -t ; zstd -d + quick_check)"
echo
echo '| dossier | taille | sauvegarder --verifier | script | rapport (≤ 0,8) | taille / zstd -3 (≤ 1) | restaurer | script | rapport (≤ 0,8) | mémoire max sauvegarde / restauration |'
echo '|---|---|---|---|---|---|---|---|---|---|'
bench_pair texte
bench_pair annexes

# The management software writing during a backup (rollback-journal mode).
db=$(dossier 140)
conn="$WORK/conn-ecriture" out="$WORK/out-ecriture"
rm -rf "$conn" "$out"; mkdir -p "$conn" "$out"
cp "$db" "$conn/001BENCH.db"
go build -o "$WORK/benchwriter" ./scripts/benchwriter
"$WORK/benchwriter" "$conn/001BENCH.db" 50ms >"$WORK/ecrivain" &
writer=$!
sleep 1
"$COFFRE" sauvegarder --connexion "$conn" --dossier 1 --vers "$out" --nom pendant --verifier --details 2>"$WORK/details" >/dev/null
sleep 0.5
kill -INT "$writer"; wait "$writer" || true
echo
echo "Logiciel de gestion qui écrit pendant la sauvegarde d'un dossier de $(($(stat -c %s "$db") / 1000000)) Mo (une validation toutes les 50 ms, délai d'attente 100 ms) : $(cat "$WORK/ecrivain") (objectif : attente max < 200 ms, aucune « database is locked »)"
rm -rf "$conn" "$out"

# The nightly job: 300 dossiers in one run against the sum of 300 runs.
db=$(dossier 2)
conn="$WORK/conn-300" out="$WORK/out-300"
rm -rf "$conn" "$out"; mkdir -p "$conn" "$out"
for i in $(seq 300); do cp "$db" "$conn/$(printf '%03d' "$i")D$i.db"; done
t0=$(date +%s.%N)
for i in $(seq 300); do "$COFFRE" sauvegarder --connexion "$conn" --dossier "$i" --vers "$out" --verifier >/dev/null 2>&1; done
singles=$(echo "$(date +%s.%N) - $t0" | bc)
rm -f "$out"/*
t0=$(date +%s.%N)
"$COFFRE" sauvegarder --connexion "$conn" --dossier "$(seq -s, 300)" --vers "$out" --verifier >/dev/null 2>&1
job=$(echo "$(date +%s.%N) - $t0" | bc)
echo
echo "300 dossiers de $(($(stat -c %s "$db") / 1000000)) Mo : une seule exécution $job s, somme des 300 sauvegardes seules $singles s, rapport $(ratio "$job" "$singles") (objectif ≤ 1,2)"
rm -rf "$conn" "$out"

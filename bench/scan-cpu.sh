#!/usr/bin/env bash
# bench/scan-cpu.sh [NFILES=100000]
#
# CPU (user+sys) and wall time of fim init / fim check beside the xxh128sum floor and aide --init, in
# rounds of one run each, on bench/mktree.sh's tree (made by bench/baseline.sh). For a shared, busy
# machine, where wall times follow each tool's share of the cores rather than its work: compare CPU
# seconds, round by round. Prints one line per command and the load average per round.
#
# Environment: ROUNDS (3), WORKERS ($(nproc)), BENCH_DIR (/var/tmp/fim-bench),
#   FIMS="LABEL=/path/to/bin/fim ..." (default: now=<repo>/bin/fim) to compare builds in one run.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
n=${1:-100000}
ROUNDS=${ROUNDS:-3}
WORKERS=${WORKERS:-$(nproc)}
BENCH_DIR=${BENCH_DIR:-/var/tmp/fim-bench}
FIMS=${FIMS:-now=$here/../bin/fim}
T=$BENCH_DIR/tree-$n
[ -f "$BENCH_DIR/tree-$n.done" ] || { echo "no tree $T: run bench/baseline.sh $n first" >&2; exit 1; }
for tool in xxh128sum aide /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install xxhash aide time)" >&2; exit 1; }
done
work=$(mktemp -d /tmp/fim-scan-cpu.XXXXXX)
trap 'rm -rf "$work"' EXIT
printf 'BENCH = p+i+n+u+g+s+m+c+xxh3\n%s BENCH\n' "$T" >"$work/fim.conf"
cat >"$work/aide.conf" <<CONF
database_in=file:$work/aide.db
database_out=file:$work/aide.db.new
gzip_dbout=no
report_url=stdout
BENCH = p+i+n+u+g+s+m+c+sha256
$T BENCH
CONF
timed() { # timed LABEL CMD... : one line "LABEL wall s, user+sys s (user, sys), exit"
  local label=$1; shift
  /usr/bin/time -o "$work/t" -f "%e %U %S %x" "$@" >/dev/null 2>"$work/err" || true
  read -r wall u s rc <"$work/t"
  awk -v l="$label" -v w="$wall" -v u="$u" -v s="$s" -v rc="$rc" \
    'BEGIN { printf "  %-28s wall %6.2f s  CPU %6.2f s (user %.2f, sys %.2f)%s\n", l, w, u + s, u, s, rc == 0 ? "" : "  EXIT " rc }'
}
echo "tree $T; page cache warmed once"
find "$T" -type f -print0 | xargs -0 -r -n 500 cat >/dev/null
for r in $(seq "$ROUNDS"); do
  echo "round $r, load $(cut -d' ' -f1-3 /proc/loadavg)"
  timed "xxh128sum floor" bash -c 'find "$1" -type f -print0 | xargs -0 -P "$2" -n 500 xxh128sum >/dev/null 2>&1' _ "$T" "$WORKERS"
  for lf in $FIMS; do
    label=${lf%%=*} fim=${lf#*=}
    rm -rf "$work/db-$label"
    timed "fim init ($label)" "$fim" init --db "$work/db-$label" --key "$work/fim.key" -c "$work/fim.conf" --threads "$WORKERS" "$T"
    timed "fim check ($label)" "$fim" check --db "$work/db-$label" --key "$work/fim.key" -c "$work/fim.conf" --threads "$WORKERS" "$T"
  done
  rm -f "$work/aide.db.new"
  timed "aide --init -W $WORKERS" aide -W "$WORKERS" -c "$work/aide.conf" --init
done
echo "end, load $(cut -d' ' -f1-3 /proc/loadavg)"

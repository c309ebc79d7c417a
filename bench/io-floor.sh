#!/usr/bin/env bash
# bench/io-floor.sh [NFILES=100000]
#
# What the kernel's read path costs for bench/mktree.sh's tree on this machine, without fim: CPU
# seconds of io-floor.c (compiled here with gcc) reading every file on $WORKERS threads with the
# scan's syscalls (open O_NOFOLLOW, fstat, pread, fstat, close), with pread into buffers of 64 KiB,
# 256 KiB and 1 MiB and with mmap, in rounds, beside xxh128sum's pipeline. For issue 18's question
# whether a scan could beat read()+XXH128 by mapping files instead of copying them.
# Environment: ROUNDS (2), WORKERS ($(nproc)), BENCH_DIR (/var/tmp/fim-bench).
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
n=${1:-100000}
ROUNDS=${ROUNDS:-2}
WORKERS=${WORKERS:-$(nproc)}
BENCH_DIR=${BENCH_DIR:-/var/tmp/fim-bench}
T=$BENCH_DIR/tree-$n
[ -f "$BENCH_DIR/tree-$n.done" ] || { echo "no tree $T: run bench/baseline.sh $n first" >&2; exit 1; }
command -v gcc >/dev/null || { echo "needs gcc" >&2; exit 1; }
work=$(mktemp -d /tmp/fim-io-floor.XXXXXX)
trap 'rm -rf "$work"' EXIT
gcc -O2 -march=native -pthread -o "$work/io-floor" "$here/io-floor.c"
find "$T" -type f -print0 >"$work/list"
"$work/io-floor" readonly 1048576 "$WORKERS" "$work/list" >/dev/null # warms the page cache
echo "tree $T, $WORKERS threads"
for r in $(seq "$ROUNDS"); do
  echo "round $r, load $(cut -d' ' -f1-3 /proc/loadavg)"
  for m in "readonly 65536" "read 65536" "read 262144" "read 1048576" "mmap 65536" "populate 65536"; do
    # shellcheck disable=SC2086
    /usr/bin/time -f '%e' -o "$work/t" "$work/io-floor" $m "$WORKERS" "$work/list" | sed 's/^/  /' | tr -d '\n'
    echo "  wall $(cat "$work/t") s"
  done
  /usr/bin/time -f '%e %U %S' -o "$work/t" bash -c 'xargs -0 -P "$1" -n 500 xxh128sum <"$2" >/dev/null 2>&1' _ "$WORKERS" "$work/list"
  read -r w u s <"$work/t"
  awk -v w="$w" -v u="$u" -v s="$s" 'BEGIN { printf "  xxh128sum pipeline       user %.2f s  sys %.2f s  CPU %.2f s  wall %s s\n", u, s, u + s, w }'
done

#!/usr/bin/env bash
# bench/watch.sh
#
# Live-watch benchmark: `fim watch` (--backend fanotify and --backend inotify) beside
# `inotifywait`, in one run: latency of a closed write, a sustained burst with a strict
# "no change missing" check, start-up time and peak RSS. Prints a markdown report with the
# issue's goals and writes bench/results-watch.md. The measuring is done by
# bench/watch_driver.py; this script prepares tools, trees and limits. See bench/README.md.
#
# Environment (all optional):
#   FIM=/path/to/fim      fim launcher (default: <repo>/bin/fim)
#   N=100000              files in the burst / start-up trees (N=20000 for a quick run)
#   LAT_N=2000            files in the latency tree
#   CHANGES=1000          measured sequential changes in the latency test (after LAT_WARMUP)
#   LAT_WARMUP=50         untimed changes first (JIT warm-up)
#   RATE=20000            burst changes per second (all writers together)
#   DURATION=10           burst seconds
#   WRITERS=2             burst writer processes
#   SLICE_MS=10           burst pacing slice (RATE*SLICE_MS/1000 changes per slice)
#   QUIET_S=3             burst: output quiet this long = fim has caught up
#   RUNS=3                start-up runs per watcher
#   BACKENDS=fanotify,inotify   fim backends to measure
#   WHAT=latency,burst,startup  which measurements
#   FIM_WATCH_OPTS=...    extra `fim watch` options (e.g. --quiet-ms 100)
#   BENCH_DIR=DIR         trees, reused between runs (default /var/tmp/fim-bench)
#   MKTREE=FILE           tree generator (default bench/mktree.sh)
#   RESULTS_DIR=DIR       where results-watch.md goes (default: this script's directory)
#   REFERENCE=0           do not run inotifywait beside fim (bench/attribution.sh)
#   FLOOR=0               burst: do not first run the writers without fim (as root: audit rules
#                         off, then fim's rules on with a minimal netlink reader as the audit pid)
#   NO_INSTALL=1          do not apt-get install missing tools
#   FIM_JAVA_OPTS=...     passed through to bin/fim (JVM options)
#   LAT_DUMP=FILE         latency: one line per change (index, CLOCK_MONOTONIC ns before the
#                         write, latency ms, attribution), to line slow changes up with JVM logs
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/.." && pwd)
FIM=${FIM:-$repo/bin/fim}
N=${N:-100000}
LAT_N=${LAT_N:-2000}
CHANGES=${CHANGES:-1000}
LAT_WARMUP=${LAT_WARMUP:-50}
RATE=${RATE:-20000}
DURATION=${DURATION:-10}
WRITERS=${WRITERS:-2}
SLICE_MS=${SLICE_MS:-10}
QUIET_S=${QUIET_S:-3}
RUNS=${RUNS:-3}
BACKENDS=${BACKENDS:-fanotify,inotify}
WHAT=${WHAT:-latency,burst,startup}
FIM_WATCH_OPTS=${FIM_WATCH_OPTS:-}
BENCH_DIR=${BENCH_DIR:-/var/tmp/fim-bench}
MKTREE=${MKTREE:-$(cd "$(dirname "$0")" && pwd)/mktree.sh}
RESULTS_DIR=${RESULTS_DIR:-$here}

for v in N LAT_N CHANGES LAT_WARMUP RATE WRITERS RUNS; do
  [[ "${!v}" =~ ^[0-9]+$ ]] || { echo "$0: $v must be a number (got '${!v}')" >&2; exit 2; }
done
[ "$N" -ge 10 ] && [ "$LAT_N" -ge 10 ] || { echo "$0: N and LAT_N must be >= 10" >&2; exit 2; }

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=lib.sh
. "$here/lib.sh"

# ---------------------------------------------------------------- tools --------------
install_missing() {
  local pkgs=()
  command -v inotifywait >/dev/null || pkgs+=(inotify-tools)
  command -v xxh128sum >/dev/null || pkgs+=(xxhash)
  command -v python3 >/dev/null || pkgs+=(python3)
  install_packages "${pkgs[@]}"
}
install_missing

[ -x "$FIM" ] || die "$FIM is not executable (build fim: mvn -q -DskipTests package)"
"$FIM" watch --help >/dev/null 2>&1 || die "'$FIM watch --help' failed: $("$FIM" watch --help 2>&1 | head -n 1 || true)"
[ "$(id -u)" = 0 ] || log "warning: not root: fim's fanotify backend needs CAP_SYS_ADMIN"

# ---------------------------------------------------------------- clean-up -----------
work=$(mktemp -d /tmp/fim-bench-watch.XXXXXX)
driver_pid=""
watches_orig=""
cleanup() {
  local rc=$?
  if [ -n "$driver_pid" ] && kill -0 "$driver_pid" 2>/dev/null; then
    kill -TERM "$driver_pid" 2>/dev/null || true     # it stops its own children
    for _ in $(seq 1 150); do kill -0 "$driver_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$driver_pid" 2>/dev/null || true
  fi
  if [ -n "$watches_orig" ]; then
    sysctl -q -w fs.inotify.max_user_watches="$watches_orig" >/dev/null || true
    log "restored fs.inotify.max_user_watches=$watches_orig"
  fi
  rm -rf "$work"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

# ---------------------------------------------------------------- trees --------------
mkdir -p "$BENCH_DIR"
gen_tree() {   # gen_tree DIR N: generate DIR with mktree unless DIR.done exists
  local dir=$1 n=$2
  if [ -f "$dir.done" ] && [ -d "$dir" ]; then log "reusing $dir"; return; fi
  rm -rf "$dir" "$dir.done"
  log "generating $dir with $MKTREE ($n files)"
  local bytes; bytes=$("$MKTREE" "$dir" "$n" | tail -n 1)
  [[ "$bytes" =~ ^[0-9]+$ ]] || die "mktree did not print a byte count"
  echo "$bytes" >"$dir.done"
}
# read-only: start-up (shared with bench/baseline.sh, never written to here)
TREE="$BENCH_DIR/tree-$N"
gen_tree "$TREE" "$N"
# written to: the burst rewrites files, the latency test appends to them
WTREE="$BENCH_DIR/watch-$N"
if [ -f "$WTREE.done" ] && [ -d "$WTREE" ]; then
  log "reusing $WTREE (the burst tree: earlier runs rewrote the start of its files)"
else
  rm -rf "$WTREE" "$WTREE.tmp" "$WTREE.done"
  log "copying $TREE to $WTREE (cp -a)"
  cp -a "$TREE" "$WTREE.tmp"
  mv "$WTREE.tmp" "$WTREE"
  cp "$TREE.done" "$WTREE.done"
fi
LTREE="$BENCH_DIR/watch-$LAT_N"
if [ "$LAT_N" = "$N" ]; then
  LTREE="$WTREE"
else
  gen_tree "$LTREE" "$LAT_N"
fi

# ---------------------------------------------------------------- limits -------------
# fim's inotify backend and inotifywait need one watch per directory (not at the same time)
dirs=$(find "$WTREE" "$TREE" -type d | wc -l)
need=$(( dirs + 16384 ))
cur=$(cat /proc/sys/fs/inotify/max_user_watches)
if [ "$cur" -lt "$need" ]; then
  [ "$(id -u)" = 0 ] || die "fs.inotify.max_user_watches=$cur < $need; raise it (root)"
  watches_orig=$cur
  sysctl -q -w fs.inotify.max_user_watches="$need" >/dev/null
  log "raised fs.inotify.max_user_watches $cur -> $need (restored at exit)"
fi

if [[ ",$WHAT," == *,startup,* ]]; then
  log "warming the page cache (reading $TREE once)"
  find "$TREE" -type f -print0 | xargs -0 -r -n 500 cat >/dev/null
fi

# ---------------------------------------------------------------- run ----------------
mkdir -p "$RESULTS_DIR"
log "load average: $(cut -d' ' -f1-3 /proc/loadavg); work dir $work"
# in the background + wait, so that a signal to this script runs the trap at once
python3 "$here/watch_driver.py" run --work "$work" --fim "$FIM" --fim-opts "$FIM_WATCH_OPTS" \
  --backends "$BACKENDS" --what "$WHAT" \
  --lat-tree "$LTREE" --burst-tree "$WTREE" --start-tree "$TREE" \
  --changes "$CHANGES" --lat-warmup "$LAT_WARMUP" \
  --rate "$RATE" --duration "$DURATION" --writers "$WRITERS" --slice-ms "$SLICE_MS" \
  --quiet-s "$QUIET_S" --runs "$RUNS" --results "$RESULTS_DIR/results-watch.md" \
  $([ "${REFERENCE:-1}" = 0 ] && echo --no-reference) $([ "${FLOOR:-1}" = 0 ] && echo --no-floor) &
driver_pid=$!
rc=0
wait "$driver_pid" || rc=$?
driver_pid=""
[ $rc -eq 0 ] || die "watch_driver.py failed (exit $rc)"

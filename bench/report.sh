#!/usr/bin/env bash
# bench/report.sh [NEVENTS]        (default: 1000000)
#
# fim report benchmark (issue 6: "fim report over 1,000,000 stored events: < 10 s"; issue 18: < 5 s,
# the default GOAL). Fills a fresh
# database with NEVENTS realistic change events (SyntheticHistory in the cli module's tests (package dev.fim.cli.report): 30 days
# of watch and check events, a /usr-and-/etc mix of paths, actors with auid/uid/exe, ~60 % approved,
# overflow and audit-loss events, watch runs with a gap and a crash), then times `fim report` over the
# whole period in each format with --output (and `fim report --verify` of the HTML), each a cold JVM
# start as a user runs it. Prints wall seconds, CPU seconds (user + sys: what the run needs on a shared
# machine), peak RSS and output size per format against the 10 s goal, and the load average.
# Then the floors any report of this database stands on (ReportFloor in the cli module's tests, a cold JVM each
# with the report's heap options): "read", the report's serial read alone (every event with its approval, one
# thread, nothing decoded), and "evidence", every event, approval and coverage record read once and its HMAC tag
# made on two threads (the evidence check a report owes, with nothing rendered).
#
# Environment (all optional):
#   FIM=/path/to/fim      fim launcher (default: <repo>/bin/fim; build with mvn -q -DskipTests package)
#   FORMATS="text json csv html"
#   RUNS=N                timed runs per format (default 1; the best and every run are printed)
#   KEEP=1                keep the work directory (database and reports) and print its path
#   FIM_JAVA_OPTS=...     passed through to bin/fim (JVM options)
#   GOAL=SECONDS          the wall time each format is held to (default 5, issue 18)
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/.." && pwd)
FIM=${FIM:-$repo/bin/fim}
FORMATS=${FORMATS:-text json csv html}
RUNS=${RUNS:-1}
GOAL=${GOAL:-5}
n=${1:-1000000}
[[ "$n" =~ ^[0-9]+$ && "$n" -ge 1 ]] || { echo "usage: $0 [NEVENTS]" >&2; exit 2; }

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=lib.sh
. "$here/lib.sh"
[ -x /usr/bin/time ] || install_packages time

"$FIM" report --help >/dev/null 2>&1 || die "'$FIM report --help' failed: build fim first (mvn -q -DskipTests package)"
# The generator lives in the cli module's tests (package dev.fim.cli.report); the jars are those bin/fim runs.
classes="$repo/cli/target/test-classes"
if [ ! -f "$classes/dev/fim/cli/report/SyntheticHistory.class" ] || [ ! -f "$classes/dev/fim/cli/report/ReportFloor.class" ]; then
  log "compiling the generator (mvn -q -o -pl cli -am test-compile)"
  (cd "$repo" && mvn -q -B -o -pl cli -am test-compile) >&2 || die "test-compile failed"
fi
cp="$classes:$repo/cli/target/classes:$repo/cli/target/lib/*"

work=$(mktemp -d /var/tmp/fim-bench-report.XXXXXX)
cleanup() { if [ "${KEEP:-0}" = 1 ]; then log "kept $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

db="$work/db"
log "filling $db with $n events"
start=$(date +%s.%N)
java -Xmx512m -Djava.library.path="$repo/cli/target/native" -cp "$cp" dev.fim.cli.report.SyntheticHistory "$db" "$n" 42 >&2
fill=$(echo "$(date +%s.%N) - $start" | bc)
log "database: $(du -sh "$db" | cut -f1)"

load=$(cut -d' ' -f1-3 /proc/loadavg)
# The history spans the last 30 days; 31d covers all of it.
printf '\n%-8s %10s %10s %12s %12s   %s\n' format seconds "cpu s" "peak RSS" "output" "goal < $GOAL s"
results=()
for f in $FORMATS; do
  best=""
  all=""
  for _ in $(seq "$RUNS"); do
    out="$work/report.$f"
    /usr/bin/time -f '%e %M %U %S' -o "$work/time" "$FIM" report --db "$db" --since 31d --format "$f" --output "$out" \
      >"$work/stdout" 2>"$work/stderr" || die "fim report --format $f failed: $(cat "$work/stderr")"
    read -r secs rss usr sys <"$work/time"
    all="$all $secs"
    if [ -z "$best" ] || (( $(echo "$secs < $best" | bc) )); then best=$secs; best_rss=$rss; best_cpu=$(echo "$usr + $sys" | bc); fi
  done
  size=$(du -h "$work/report.$f" | cut -f1)
  verdict=$( (( $(echo "$best < $GOAL" | bc) )) && echo "met" || echo "MISSED")
  printf '%-8s %10s %10s %9s MiB %12s   %s (runs:%s)\n' "$f" "$best" "$best_cpu" "$((best_rss / 1024))" "$size" "$verdict" "$all"
  results+=("$f $best")
done
tail -n 1 "$work/stdout" | sed 's/^/  /'
if [ -f "$work/report.html" ]; then
  /usr/bin/time -f '%e %M' -o "$work/time" "$FIM" report --db "$db" --verify "$work/report.html" >"$work/stdout" 2>&1 \
    || die "fim report --verify failed: $(cat "$work/stdout")"
  read -r secs rss <"$work/time"
  printf '%-8s %10s %10s %9s MiB %12s   %s\n' "verify" "$secs" "-" "$((rss / 1024))" "(html)" "$(cut -c1-60 "$work/stdout")…"
fi
# The floors, timed like the reports (best of RUNS), with bin/fim's JVM options for report.
floor_opts=(-Xmx512m -Xmn256m -XX:+UseParallelGC -Djava.library.path="$repo/cli/target/native")
{ read -r thp </sys/kernel/mm/transparent_hugepage/enabled; } 2>/dev/null || thp= # no message where it is missing
case $thp in *'[always]'* | *'[madvise]'*) floor_opts+=(-XX:+UseTransparentHugePages) ;; esac
[ -n "${FIM_JAVA_OPTS:-}" ] && read -r -a floor_opts <<<"$FIM_JAVA_OPTS -Djava.library.path=$repo/cli/target/native"
for what in read verify; do
  best=""
  all=""
  for _ in $(seq "$RUNS"); do
    ROCKSDB_MUSL_LIBC=false /usr/bin/time -f '%e %M %U %S' -o "$work/time" java "${floor_opts[@]}" -cp "$cp" \
      dev.fim.cli.report.ReportFloor "$what" "$db" >"$work/stdout" 2>"$work/stderr" \
      || die "ReportFloor $what failed: $(cat "$work/stdout" "$work/stderr")"
    read -r secs rss usr sys <"$work/time"
    all="$all $secs"
    if [ -z "$best" ] || (( $(echo "$secs < $best" | bc) )); then best=$secs; best_rss=$rss; best_cpu=$(echo "$usr + $sys" | bc); fi
  done
  label=$([ "$what" = read ] && echo "read" || echo "evidence")
  printf '%-8s %10s %10s %9s MiB %12s   floor: %s (runs:%s)\n' "$label" "$best" "$best_cpu" "$((best_rss / 1024))" "-" \
    "$(head -c 60 "$work/stdout" | tr -d '\n')" "$all"
done
printf '\n%s events filled in %.1f s; %s cores; load average before: %s; %s\n' "$n" "$fill" "$(nproc)" "$load" \
  "$(java -version 2>&1 | head -n 1)"

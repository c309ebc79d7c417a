#!/usr/bin/env bash
# bench/baseline.sh [NFILES...]        (default: 20000 100000)
#
# Baseline-scan benchmark: fim init / fim check beside aide --init / aide --check and a
# parallel xxh128sum, on the same deterministic tree (bench/mktree.sh), warm
# page cache, in one run. Prints a table and the issue's goal ratios, and writes
# bench/results-<NFILES>.md. See bench/README.md.
#
# Environment (all optional):
#   FIM=/path/to/fim      fim launcher (default: <repo>/bin/fim)
#   BENCH_DIR=DIR         where trees live, reused between runs (default /var/tmp/fim-bench)
#   MKTREE=FILE           tree generator (default bench/mktree.sh)
#   RUNS=N                timed runs per command (default 3; hyperfine)
#   WARMUP=N              extra untimed hyperfine runs (default 0: every command already
#                         runs once untimed, under /usr/bin/time, just before)
#   WORKERS=N             aide -W / fim --threads / xargs -P (default $(nproc))
#   RESULTS_DIR=DIR       where results-<N>.md go (default: this script's directory)
#   NO_INSTALL=1          do not apt-get install missing tools
#   FIM_JAVA_OPTS=...     passed through to bin/fim (JVM options)
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/.." && pwd)
FIM=${FIM:-$repo/bin/fim}
BENCH_DIR=${BENCH_DIR:-/var/tmp/fim-bench}
MKTREE=${MKTREE:-$(cd "$(dirname "$0")" && pwd)/mktree.sh}
RUNS=${RUNS:-3}
WARMUP=${WARMUP:-0}
WORKERS=${WORKERS:-$(nproc)}
RESULTS_DIR=${RESULTS_DIR:-$here}

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(20000 100000)
for n in "${sizes[@]}"; do
  [[ "$n" =~ ^[0-9]+$ && "$n" -ge 10 ]] || { echo "usage: $0 [NFILES...] (each >= 10)" >&2; exit 2; }
done

log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }
# shellcheck source=lib.sh
. "$here/lib.sh"

# ---------------------------------------------------------------- tools --------------
install_missing() {
  local pkgs=()
  command -v aide >/dev/null || pkgs+=(aide)
  command -v xxh128sum >/dev/null || pkgs+=(xxhash)
  command -v hyperfine >/dev/null || pkgs+=(hyperfine)
  [ -x /usr/bin/time ] || pkgs+=(time)
  command -v python3 >/dev/null || pkgs+=(python3)
  install_packages "${pkgs[@]}"
}
install_missing

fim_ok=0
fim_why=""
if [ ! -x "$FIM" ]; then
  fim_why="$FIM is not executable"
elif ! "$FIM" --help >/dev/null 2>&1; then
  fim_why="'$FIM --help' failed: $("$FIM" --help 2>&1 | head -n 1 || true)"
elif ! "$FIM" --help 2>&1 | grep -qw init || ! "$FIM" --help 2>&1 | grep -qw check; then
  fim_why="'$FIM --help' lists no init/check commands (stale or skeleton build?)"
else
  fim_ok=1
fi
[ $fim_ok = 1 ] && log "fim: $FIM" || log "fim not available: $fim_why"

aide_w=()
if aide --help 2>&1 | grep -q -- '--workers'; then aide_w=(-W "$WORKERS"); fi

# ---------------------------------------------------------------- work dir -----------
work=$(mktemp -d /tmp/fim-bench.XXXXXX)
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

q() { printf '%q ' "$@"; }   # shell-quote a command line for hyperfine / sh -c

# measure NAME PREPARE VERIFY CMD...
#   runs CMD once untimed under GNU time (exit code, peak RSS, warm-up), then RUNS times with
#   hyperfine. PREPARE (a shell command, may be empty) runs before every run, untimed.
#   VERIFY (a shell command, may be empty) must succeed after the untimed run (e.g. "the
#   database exists"), so that a command that exits 0 without doing the work is not timed.
#   Sets R_SEC[NAME] (median s), R_MIN/R_MAX, R_CPU[NAME] (mean user+sys s), R_RSS[NAME] (KiB),
#   R_ERR[NAME].
declare -A R_SEC R_MIN R_MAX R_RSS R_ERR R_CPU
measure() {
  local name=$1 prep=$2 verify=$3; shift 3
  local cmd; cmd=$(q "$@")
  local tf="$work/$name.time" out="$work/$name.out" rc=0
  log "$name: $cmd"
  [ -z "$prep" ] || bash -c "$prep"
  /usr/bin/time -f '%M %e' -o "$tf" bash -c "$cmd" >"$out" 2>&1 || rc=$?
  if [ $rc -ne 0 ]; then
    R_ERR[$name]="exit $rc: $(grep -v '^Command exited' "$out" | grep -v '^[[:space:]]*$' | tail -n 2 \
      | tr -s ' \t\n' ' ' | sed 's/|/\\|/g' | cut -c1-160)"
    log "$name failed (${R_ERR[$name]}); not timed"
    return 0
  fi
  if [ -n "$verify" ] && ! bash -c "$verify" >/dev/null 2>&1; then
    R_ERR[$name]="exit 0 but failed the sanity check: $verify"
    log "$name: ${R_ERR[$name]}; not timed"
    return 0
  fi
  R_RSS[$name]=$(tail -n 1 "$tf" | awk '{print $1}')
  local hf=(hyperfine --shell=bash --style=basic --runs "$RUNS" --warmup "$WARMUP"
            --export-json "$work/$name.json" --command-name "$name")
  [ -z "$prep" ] || hf+=(--prepare "$prep")
  if ! "${hf[@]}" "$cmd" >&2; then
    R_ERR[$name]="hyperfine failed"; return 0
  fi
  read -r R_SEC[$name] R_MIN[$name] R_MAX[$name] R_CPU[$name] < <(python3 - "$work/$name.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
print("%.4f %.4f %.4f %.4f" % (r["median"], r["min"], r["max"], r["user"] + r["system"]))
PY
)
}

ensure_tree() {   # ensure_tree N -> sets TREE, BYTES
  local n=$1
  TREE="$BENCH_DIR/tree-$n"
  local marker="$BENCH_DIR/tree-$n.done"
  mkdir -p "$BENCH_DIR"
  if [ -f "$marker" ] && [ -d "$TREE" ]; then
    BYTES=$(cat "$marker")
    log "reusing $TREE ($BYTES bytes)"
    return
  fi
  rm -rf "$TREE" "$marker"
  log "generating $TREE with $MKTREE ($n files)"
  BYTES=$("$MKTREE" "$TREE" "$n" | tail -n 1)
  [[ "$BYTES" =~ ^[0-9]+$ ]] || die "mktree did not print a byte count"
  echo "$BYTES" >"$marker"
}

# ---------------------------------------------------------------- one size -----------
bench_size() {
  local n=$1
  ensure_tree "$n"
  local d="$work/$n"; mkdir -p "$d"
  R_SEC=(); R_MIN=(); R_MAX=(); R_RSS=(); R_ERR=(); R_CPU=()

  LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
  log "warming the page cache (reading every file once)"
  find "$TREE" -type f -print0 | xargs -0 -r -n 500 cat >/dev/null

  # --- aide (SHA-256 config)
  cat >"$d/aide.conf" <<EOF
database_in=file:$d/aide.db
database_out=file:$d/aide.db.new
gzip_dbout=no
report_url=stdout
BENCH = p+i+n+u+g+s+m+c+sha256
$TREE BENCH
EOF
  measure aide_init "rm -f $(q "$d/aide.db.new")" "test -s $(q "$d/aide.db.new")" aide "${aide_w[@]}" -c "$d/aide.conf" --init
  if [ -f "$d/aide.db.new" ]; then
    mv "$d/aide.db.new" "$d/aide.db"
    measure aide_check "" "" aide "${aide_w[@]}" -c "$d/aide.conf" --check
  else
    R_ERR[aide_check]="no aide database (aide --init failed)"
  fi

  # --- xxh128sum in parallel
  measure xxh128sum "" "" bash -c \
    'find "$1" -type f -print0 | xargs -0 -P "$2" -n 500 xxh128sum >/dev/null' _ "$TREE" "$WORKERS"

  # --- fim
  if [ $fim_ok = 1 ]; then
    printf 'BENCH = p+i+n+u+g+s+m+c+xxh3\n%s BENCH\n' "$TREE" >"$d/fim-xxh3.conf"
    printf 'BENCH = p+i+n+u+g+s+m+c+sha256\n%s BENCH\n' "$TREE" >"$d/fim-sha256.conf"
    local key="$d/fim.key" t=(--threads "$WORKERS")
    measure fim_init_sha256 "rm -rf $(q "$d/db-sha256")" "test -d $(q "$d/db-sha256")" \
      "$FIM" init --db "$d/db-sha256" --key "$key" -c "$d/fim-sha256.conf" "${t[@]}" "$TREE"
    rm -rf "$d/db-sha256"
    measure fim_init "rm -rf $(q "$d/db-xxh3")" "test -d $(q "$d/db-xxh3")" \
      "$FIM" init --db "$d/db-xxh3" --key "$key" -c "$d/fim-xxh3.conf" "${t[@]}" "$TREE"
    if [ -d "$d/db-xxh3" ]; then
      measure fim_check "" "" \
        "$FIM" check --db "$d/db-xxh3" --key "$key" -c "$d/fim-xxh3.conf" "${t[@]}" "$TREE"
    else
      R_ERR[fim_check]="no fim database (fim init failed)"
    fi
  else
    for k in fim_init fim_init_sha256 fim_check; do R_ERR[$k]="not available ($fim_why)"; done
  fi

  LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
  report "$n"
  rm -rf "$d"   # databases, configs, key; the tree stays for reuse
}

# ---------------------------------------------------------------- report -------------
fmt_row() {   # fmt_row NAME TOOL COMMAND -> one markdown table row
  local k=$1 tool=$2 what=$3
  if [ -n "${R_ERR[$k]:-}" ] || [ -z "${R_SEC[$k]:-}" ]; then
    printf '| %s | %s | %s | | | | | |\n' "$tool" "$what" "${R_ERR[$k]:-not measured}"
    return
  fi
  awk -v s="${R_SEC[$k]}" -v lo="${R_MIN[$k]}" -v hi="${R_MAX[$k]}" -v n="$N" -v b="$BYTES" \
      -v rss="${R_RSS[$k]:-}" -v cpu="${R_CPU[$k]:-}" -v tool="$tool" -v what="$what" 'BEGIN {
    printf "| %s | %s | %.3f | %.3f–%.3f | %.2f | %.0f | %.0f | %s |\n", tool, what, s, lo, hi,
           cpu, n / s, b / 1e6 / s, (rss == "" ? "" : sprintf("%.0f", rss / 1024)) }'
}

ratio_line() {   # ratio_line LABEL NUM DEN OP GOAL  (ratio = NUM/DEN; OP is >= or <=)
  local label=$1 a=$2 b=$3 op=$4 goal=$5
  if [ -z "${R_SEC[$a]:-}" ] || [ -z "${R_SEC[$b]:-}" ]; then
    printf '| %s | n/a | %s %s× | n/a (%s) |\n' "$label" "$op" "$goal" \
      "$( [ -z "${R_SEC[$a]:-}" ] && echo "$a" || echo "$b" ) not measured"
    return
  fi
  awk -v x="${R_SEC[$a]}" -v y="${R_SEC[$b]}" -v op="$op" -v g="$goal" -v label="$label" 'BEGIN {
    r = x / y; met = (op == ">=") ? (r >= g) : (r <= g)
    printf "| %s | %.2f× | %s %s× | %s |\n", label, r, op, g, met ? "goal met" : "goal missed" }'
}

report() {
  local n=$1 out="$RESULTS_DIR/results-$n.md" cpu
  N=$n
  cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
  {
    echo "## Baseline scan, $n files"
    echo
    echo "Tree: \`mktree.sh $TREE $n\` — $n regular files, $BYTES bytes ($(awk -v b="$BYTES" 'BEGIN{printf "%.2f GB", b/1e9}')), warm page cache."
    echo "Seconds: median of $RUNS hyperfine runs (min–max beside it), after one untimed run."
    echo "CPU s = mean user+sys seconds of the timed runs (hyperfine; children included). MB/s = 10^6 bytes of file content per second; RSS = peak resident set of the untimed run (GNU time %M), MiB."
    echo
    echo "| tool | command | seconds | min–max | CPU s | files/s | MB/s | RSS MiB |"
    echo "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |"
    fmt_row fim_init        fim  "fim init (xxh3)"
    fmt_row fim_init_sha256 fim  "fim init (sha256)"
    fmt_row fim_check       fim  "fim check (xxh3, no change)"
    fmt_row aide_init       aide "aide --init ${aide_w[*]} (sha256)"
    fmt_row aide_check      aide "aide --check ${aide_w[*]} (sha256, no change)"
    fmt_row xxh128sum       xxhash "find \\| xargs -P $WORKERS -n 500 xxh128sum"
    echo
    echo "| goal | ratio | target | result |"
    echo "| --- | ---: | --- | --- |"
    ratio_line "fim init (xxh3) faster than aide --init (sha256)" aide_init fim_init ">=" 3
    ratio_line "fim init (sha256) faster than aide --init (sha256)" aide_init fim_init_sha256 ">=" 1.5
    ratio_line "fim init (xxh3) time / parallel xxh128sum time" fim_init xxh128sum "<=" 1.5
    ratio_line "fim check faster than aide --check" aide_check fim_check ">=" 3
    if [ -n "${R_CPU[fim_init]:-}" ] && [ -n "${R_CPU[xxh128sum]:-}" ]; then
      # On a busy machine the wall times follow each tool's share of the cores: CPU is the steadier figure.
      awk -v f="${R_CPU[fim_init]}" -v x="${R_CPU[xxh128sum]}" 'BEGIN {
        printf "| fim init (xxh3) CPU / xxh128sum CPU (user+sys, no goal) | %.2f× | | %.2f s / %.2f s |\n", f / x, f, x }'
    fi
    if [ -n "${R_RSS[fim_init]:-}" ]; then
      awk -v k="${R_RSS[fim_init]}" -v a="${R_RSS[aide_init]:-0}" -v n="$n" 'BEGIN {
        mb = k / 1024; res = (mb < 300) ? "goal met" : "goal missed"
        if (n < 100000) res = res " (goal is stated for 100k files)"
        printf "| fim init peak RSS (aide --init: %.0f MiB) | %.0f MiB | < 300 MB | %s |\n", a / 1024, mb, res }'
    else
      printf '| fim init peak RSS (aide --init: %s MiB) | n/a | < 300 MB | n/a (fim init not measured) |\n' \
        "$( [ -n "${R_RSS[aide_init]:-}" ] && echo $(( R_RSS[aide_init] / 1024 )) || echo '?')"
    fi
    echo
    echo "Environment: $(date -u '+%Y-%m-%d %H:%M UTC'), kernel $(uname -r), nproc $(nproc), CPU: $cpu, RAM $(free -g | awk '/^Mem:/{print $2}') GiB, load average (1/5/15 min) $LOAD_BEFORE before, $LOAD_AFTER after (other work on the machine skews the times)."
    echo
    echo "- $(aide --version 2>&1 | head -n 1) ($( [ ${#aide_w[@]} -gt 0 ] && echo "run with \`${aide_w[*]}\`" || echo "no --workers option: single-threaded" ))"
    echo "- $(xxh128sum --version 2>&1 | head -n 1)"
    echo "- $(java -version 2>&1 | head -n 1)"
    echo "- $(hyperfine --version 2>&1 | head -n 1)"
    if [ $fim_ok = 1 ]; then
      echo "- fim: \`$FIM\` ($( "$FIM" --version 2>/dev/null | head -n 1 || true ); git $(git -C "$(dirname "$FIM")" rev-parse --short HEAD 2>/dev/null || echo '?'); FIM_JAVA_OPTS=${FIM_JAVA_OPTS:-default})"
    else
      echo "- fim: not available ($fim_why)"
    fi
    echo
    echo "Commands (\$T = $TREE):"
    echo
    echo '```'
    echo "aide ${aide_w[*]} -c aide.conf --init      # aide.conf: BENCH = p+i+n+u+g+s+m+c+sha256 / \$T BENCH, gzip_dbout=no"
    echo "aide ${aide_w[*]} -c aide.conf --check"
    echo "fim init  --db DB --key KEY -c fim.conf --threads $WORKERS \$T   # fim.conf: BENCH = p+i+n+u+g+s+m+c+xxh3 (or sha256) / \$T BENCH"
    echo "fim check --db DB --key KEY -c fim.conf --threads $WORKERS \$T"
    echo "find \$T -type f -print0 | xargs -0 -P $WORKERS -n 500 xxh128sum >/dev/null"
    echo '```'
  } >"$out"
  echo >&2
  cat "$out"
  echo
  log "wrote $out"
}

for n in "${sizes[@]}"; do
  bench_size "$n"
done

#!/usr/bin/env bash
# bench/fuzz.sh [MINUTES] [FILTER]        (default: 1 minute per target, every target)
#
# Runs each fuzz target of issue 12 in Jazzer's fuzzing mode (JAZZER_FUZZ=1) for MINUTES minutes, one
# target per JVM (Jazzer fuzzes one @FuzzTest per run), and prints a table: target, executions, execs/s
# and findings. FILTER (a substring of "module Class#method") picks targets, e.g. `bench/fuzz.sh 2 store`.
#
# A finding is a crash (an exception the parser does not document, a failed invariant), an
# out-of-memory error (the JVM has -Xmx256m, so an allocation sized by a forged length shows) or a
# timeout (an input that took longer than the target's @Timeout: 20 s; JUnit's own timeout is off in
# fuzzing mode, libFuzzer's -timeout enforces it instead). Crashing inputs are written by Jazzer to
# <module>/src/test/resources/<package>/<Class>Inputs/<method>/crash-<sha1>: commit them once fixed, and
# `mvn verify` replays them for ever (regression mode). The generated corpus goes to
# <module>/.cifuzz-corpus/ (ignored by git); the committed inputs are its seeds.
#
# Environment (all optional):
#   KEEP_GOING=N     stop a target after N distinct findings (default 10), so one finding does not
#                    end the run: the executions column then still covers the whole duration
#   LOG_DIR=DIR      where each target's Maven output goes (default: bench/out/fuzz)
#   MVN="mvn -o"     the Maven command (default: mvn)
# Exit status: 0 when no target had a finding, 1 otherwise, 2 on bad usage.
set -uo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
repo=$(cd "$here/.." && pwd)
minutes=${1:-1}
filter=${2:-}
[[ "$minutes" =~ ^[0-9]+$ && "$minutes" -ge 1 ]] || { echo "usage: $0 [MINUTES] [FILTER]" >&2; exit 2; }
LOG_DIR=${LOG_DIR:-$repo/bench/out/fuzz}
KEEP_GOING=${KEEP_GOING:-10}
MVN=${MVN:-mvn}

log() { printf '[fuzz %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }

# module  Class  method: every fuzz target of the project.
targets=(
  "store dev.fim.store.CodecFuzzTest fileRecordRoundTrips"
  "store dev.fim.store.CodecFuzzTest fileRecordDecodesOrRejects"
  "store dev.fim.store.CodecFuzzTest changeEventRoundTrips"
  "store dev.fim.store.CodecFuzzTest changeEventDecodesOrRejects"
  "store dev.fim.store.StoredValueFuzzTest forgedValuesAreCorruptOrValid"
  "baseline dev.fim.baseline.select.ConfigFuzzTest parsesOrNamesTheLine"
  "baseline dev.fim.baseline.select.ConfigFuzzTest selectionAnswers"
  "auditlink dev.fim.auditlink.parse.RecordFuzzTest logLinesParseOrAreRejected"
  "auditlink dev.fim.auditlink.parse.RecordFuzzTest netlinkPayloadsParseOrAreRejected"
  "auditlink dev.fim.auditlink.reassembly.ReassemblyFuzzTest everyRecordLeavesOnceInItsEvent"
  "auditlink dev.fim.auditlink.rules.RuleCompilerFuzzTest rulesFilesCompileOrNameTheLine"
  "auditlink dev.fim.auditlink.rules.RuleCompilerFuzzTest ruleBytesDecodeOrAreRejected"
  "fim dev.fim.engine.fanotify.EventDecoderFuzzTest decodesAnyBuffer"
  "fim dev.fim.engine.inotify.EventTranslatorFuzzTest translatesAnyBuffer"
  "cli dev.fim.cli.report.ReportVerifierFuzzTest parameterLineParsesOrIsRejected"
  "cli dev.fim.cli.report.ReportVerifierFuzzTest verifiesOnlyTheReportItself"
)

mkdir -p "$LOG_DIR"
rows=()
total_findings=0
started=$(date +%s)
for t in "${targets[@]}"; do
  read -r module class method <<<"$t"
  short="${class##*.}#$method"
  [[ -z "$filter" || "$module $short" == *"$filter"* ]] || continue
  out="$LOG_DIR/$module-$short.log"
  log "$module $short: fuzzing for $minutes min (log: $out)"
  t0=$(date +%s)
  (cd "$repo" && JAZZER_FUZZ=1 $MVN -B -ntp -pl "$module" -am test \
      -Dtest="$class#$method" -Dsurefire.failIfNoSpecifiedTests=false \
      -Djazzer.max_duration="${minutes}m" -Djazzer.keep_going="$KEEP_GOING" \
      -Djunit.jupiter.execution.timeout.mode=disabled -DargLine=-Xmx256m) >"$out" 2>&1
  rc=$?
  # libFuzzer's last line: "Done 123456 runs in 61 second(s)".
  runs=$(grep -aEo 'Done [0-9]+ runs in [0-9]+ second' "$out" | tail -1 | awk '{print $2}')
  secs=$(grep -aEo 'Done [0-9]+ runs in [0-9]+ second' "$out" | tail -1 | awk '{print $5}')
  crashes=$(grep -ac '^== Java Exception:' "$out")
  timeouts=$(grep -ac 'ERROR: libFuzzer: timeout' "$out")
  ooms=$(grep -ac -e 'ERROR: libFuzzer: out-of-memory' -e 'java.lang.OutOfMemoryError' "$out")
  findings=$((crashes + timeouts + ooms))
  if [[ -z "$runs" ]]; then
    # No summary line: a timeout or OOM ends libFuzzer without one; take the last status line.
    runs=$(grep -aEo '^#[0-9]+' "$out" | tail -1 | tr -d '#')
    secs=$(( $(date +%s) - t0 ))
  fi
  if [[ -z "$runs" ]]; then
    rows+=("$(printf '%-58s %12s %10s %s' "$module $short" "-" "-" "did not run (exit $rc, see $out)")")
    total_findings=$((total_findings + 1))
    continue
  fi
  rate=$(( secs > 0 ? runs / secs : runs ))
  what=""
  [[ $crashes -gt 0 ]] && what+=" $crashes crash"
  [[ $timeouts -gt 0 ]] && what+=" $timeouts timeout"
  [[ $ooms -gt 0 ]] && what+=" $ooms oom"
  [[ $findings -eq 0 && $rc -ne 0 ]] && what=" build failed (exit $rc, see $out)" && findings=1
  rows+=("$(printf '%-58s %12s %10s %s' "$module $short" "$runs" "$rate" "$findings${what}")")
  total_findings=$((total_findings + findings))
done

printf '\n%-58s %12s %10s %s\n' "target" "executions" "execs/s" "findings"
printf '%s\n' "${rows[@]}"
printf '\n%d minute(s) per target, %d s in all, load average %s, %d core(s)\n' "$minutes" \
  $(( $(date +%s) - started )) "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"
new=$(cd "$repo" && git status --porcelain --untracked-files=all -- '*Inputs/*' | awk '{print $2}')
[[ -n "$new" ]] && printf 'new inputs (crashes to fix and commit):\n%s\n' "$new"
[[ $total_findings -eq 0 ]]

#!/usr/bin/env bash
# Differential run of fim's rule selection against the real aide (issue 14): N seeded cases
# (trees with awkward names, configs, mutations; see AideDifferential.java), each run through
# `aide --init`/`--check` and fim's scan and check, entry by entry: the governing line, and the
# added, removed and changed entries with their changed attributes (aide --check's JSON report
# against fim's TreeDiff). Prints the cases that disagree with their seed (rerun one with
# FIRST=SEED N=1) and exits 1 if any does.
#   bench/aide-diff.sh [N] [FIRST-SEED]     (defaults 5000 and 1; ~0.5 s a case on 2 busy cores)
# Needs aide (installed here if missing, as root) and a built reactor (it runs through maven -o).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
n=${1:-5000}
first=${2:-${FIRST:-1}}
[[ "$n" =~ ^[0-9]+$ && "$n" -ge 1 && "$first" =~ ^[0-9]+$ ]] || { echo "usage: $0 [N] [FIRST-SEED]" >&2; exit 2; }
if ! command -v aide >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || { echo "aide-diff: aide is not installed (apt-get install aide)" >&2; exit 2; }
  (export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq aide aide-common) >/dev/null \
    || { echo "aide-diff: could not install aide" >&2; exit 2; }
fi
echo "aide-diff: $(aide --version 2>&1 | head -1), $n cases from seed $first" >&2
cd "$repo"
start=$(date +%s)
set +e
mvn -B -ntp -q -o -pl baseline -am test -Dtest=AideDifferentialTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dfim.aideDiff.cases="$n" -Dfim.aideDiff.seed="$first" > /tmp/aide-diff.$$.log 2>&1
rc=$?
set -e
grep -a "aide differential:" /tmp/aide-diff.$$.log >&2 || true
if [ $rc -ne 0 ]; then
  sed -n '/cases disagree/,/^\[ERROR\] Failures/p' /tmp/aide-diff.$$.log | head -300 >&2
  echo "aide-diff: disagreements (full log /tmp/aide-diff.$$.log)" >&2
  exit 1
fi
rm -f /tmp/aide-diff.$$.log
echo "aide-diff: 0 disagreements in $(( $(date +%s) - start )) s" >&2

#!/usr/bin/env bash
# Live receive: fim's AuditListener under a generated load (issue goal: ≥ 50,000 records/s without
# loss counted by the kernel, at the default backlog limit).
#
#   bench/audit-receive.sh [SECONDS] [WORKERS] [RAISED_BACKLOG]      (defaults: 10, 2, 8192)
#
# Runs AuditReceiveBench twice: at the host's backlog limit, then with the limit raised to
# RAISED_BACKLOG (AuditState.raiseBacklogLimit, as fim may do). Each run installs
# `-a always,exit -F arch=b64 -S openat -F dir=DIR -F key=fim-bench`, starts WORKERS python3
# processes opening a file under DIR in a loop, and prints records/s received, the kernel's `lost`
# delta, fim's overruns (ENOBUFS) and serial gaps. The Java side restores the rule, enabled flag,
# backlog limit and audit pid when it ends (also on SIGTERM/SIGINT, which the trap forwards); the
# script prints the audit status and rules before and after and fails if they differ.
# Needs: root, python3, java 17, `mvn -q -B -o -pl auditlink -am test-compile` (run from the repo root).
set -euo pipefail
SECONDS_=${1:-10}
WORKERS=${2:-2}
RAISED=${3:-8192}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "needs root (CAP_AUDIT_CONTROL)" >&2; exit 2; }
[ -f "$ROOT/auditlink/target/test-classes/dev/fim/auditlink/netlink/AuditReceiveBench.class" ] \
  || { echo "build first: mvn -q -B -o -pl auditlink -am test-compile" >&2; exit 2; }
WORK=$(mktemp -d /tmp/fim-bench-receive.XXXXXX)
CPFILE=$WORK/cp.txt
(cd "$ROOT" && mvn -q -B -o -pl auditlink dependency:build-classpath -Dmdep.outputFile="$CPFILE" \
  -Dmdep.includeScope=runtime >/dev/null)
CP=$ROOT/auditlink/target/classes:$ROOT/auditlink/target/test-classes:$(cat "$CPFILE")

javapid=""
cleanup() {
  [ -z "$javapid" ] || { kill -TERM "$javapid" 2>/dev/null || true; wait "$javapid" 2>/dev/null || true; }
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The host's state, in fim's own words (no auditctl needed).
state() {
  java -cp "$CP" dev.fim.auditlink.netlink.AuditStateDump
}
before=$(state)
echo "before: $before"

run() { # BACKLOG (0 = the host's)
  java -Xmx256m -cp "$CP" dev.fim.auditlink.netlink.AuditReceiveBench "$WORK/load" "$SECONDS_" "$WORKERS" "$1" &
  javapid=$!
  wait "$javapid"
  javapid=""
}
echo "== host backlog limit"; run 0
echo "== backlog limit raised to $RAISED"; run "$RAISED"

after=$(state)
echo "after:  $after"
if [ "$before" != "$after" ]; then echo "HOST STATE CHANGED" >&2; exit 1; fi

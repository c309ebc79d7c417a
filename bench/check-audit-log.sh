#!/usr/bin/env bash
# fim check --audit-log on a big audit.log: what attributing N changes from the log costs.
#
#   bench/check-audit-log.sh [SIZE_MB] [NCHANGED]      (defaults: 500, 1000)
#
# Builds a tree of 2*NCHANGED small files, takes a baseline, changes NCHANGED of them, then writes
# two SIZE_MB audit.logs from the go-libaudit fixtures' events (serials and times rewritten to
# increase), in which every 997th event is a write (openat O_WRONLY|O_CREAT|O_TRUNC, auid 1001) of
# one of the changed files, cycling over them:
#   all.log   every record after the baseline: the whole file is in the time window and read;
#   half.log  the first half of the records in the day before the baseline: fim enters the file at
#             the window (binary search), so about half is read.
# Times, best wall of RUNS (default 3) with CPU (user+sys) and peak RSS: `fim check` alone, and
# `fim check --audit-log` on each log (the real CLI, JVM start included); prints what the report
# says it read and how many changes were attributed. Warm page cache.
# Needs: python3, bc, /usr/bin/time, java 17, `mvn -q -B -o -DskipTests package` done.
set -euo pipefail
SIZE_MB=${1:-500}
NCHANGED=${2:-1000}
WORK=${WORK:-/var/tmp/fim-bench-auditlog}
RUNS=${RUNS:-3}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FIX=${FIM_FIXTURES:-$ROOT/auditlink/src/test/resources}/go-libaudit
FIM=$ROOT/bin/fim
[ -f "$ROOT/cli/target/fim-cli.jar" ] || { echo "build first: mvn -q -B -o -DskipTests package" >&2; exit 2; }
rm -rf "$WORK"; mkdir -p "$WORK"
TREE=$WORK/tree DB=$WORK/db

python3 - "$TREE" "$NCHANGED" <<'PY'
import os, sys
tree, n = sys.argv[1], int(sys.argv[2])
for i in range(2 * n):
    d = os.path.join(tree, f"d{i % 20:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"f{i:06d}"), "w") as f:
        f.write(f"file {i}\n" * 20)
PY
"$FIM" init --db "$DB" "$TREE" >&2
BASELINE_MS=$(date +%s%3N)
sleep 1
python3 - "$TREE" "$NCHANGED" <<'PY'
import os, sys
tree, n = sys.argv[1], int(sys.argv[2])
for i in range(0, 2 * n, 2):   # every other file: n changed
    with open(os.path.join(tree, f"d{i % 20:02d}", f"f{i:06d}"), "a") as f:
        f.write("changed\n")
PY

gen() { # OUT FIRST_MS MID_MS LAST_MS: the first half of the events in [FIRST, MID), the second in [MID, LAST]
  python3 - "$FIX" "$1" "$SIZE_MB" "$2" "$3" "$4" "$TREE" "$NCHANGED" <<'PY'
import re, sys, collections
fix, out, size_mb, first, mid, last, tree, n = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7], int(sys.argv[8])
hdr = re.compile(r'msg=audit\((\d+)\.(\d+):(\d+)\)')
events = collections.OrderedDict()
for f in ("reassembly/normal.log", "auparse/test3.log", "auparse/audit-rhel7.log"):
    for line in open(f"{fix}/{f}", encoding="latin-1"):
        m = hdr.search(line)
        if m:
            events.setdefault((f, m.group(3)), []).append(hdr.sub("msg=audit({T}:{S})", line.rstrip("\n"), 1))
templates = ["\n".join(v) + "\n" for v in events.values()]
avg = sum(map(len, templates)) / len(templates)
limit = size_mb * 1000000
nevents = int(limit / avg) + 1
half = nevents // 2
write = ("type=SYSCALL msg=audit({T}:{S}): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffc1b2a3f10 a2=241 a3=1b6 items=2 ppid=4100 pid=4242 auid=1001 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=7 comm=\"vim\" exe=\"/usr/bin/vim.basic\" key=\"fim\"\n"
         "type=CWD msg=audit({T}:{S}): cwd=\"/root\"\n"
         "type=PATH msg=audit({T}:{S}): item=0 name=\"{D}/\" inode=131073 dev=fd:00 mode=040755 ouid=0 ogid=0 rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
         "type=PATH msg=audit({T}:{S}): item=1 name=\"{P}\" inode=131290 dev=fd:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
         "type=PROCTITLE msg=audit({T}:{S}): proctitle=76696D002F6574632F686F737473\n")
serial, written, nwrite, i = 1000, 0, 0, 0
with open(out, "w", encoding="latin-1", buffering=1 << 20) as o:
    while written < limit:
        i += 1
        t = int(first + (mid - first) * i / half) if i < half else int(mid + (last - mid) * (i - half) / (nevents - half))
        stamp = f"{t // 1000}.{t % 1000:03d}"
        if i % 997 == 0:
            k = (nwrite % n) * 2
            d = f"{tree}/d{k % 20:02d}"
            s = write.replace("{D}", d).replace("{P}", f"{d}/f{k:06d}")
            nwrite += 1
        else:
            s = templates[i % len(templates)]
        s = s.replace("{T}", stamp).replace("{S}", str(serial))
        o.write(s)
        written += len(s)
        serial += 1
print(f"{out}: {i} events, {nwrite} writes of changed files, {written} bytes", file=sys.stderr)
PY
}
NOW_MS=$(date +%s%3N)
gen "$WORK/all.log" $((BASELINE_MS + 500)) $(((BASELINE_MS + NOW_MS) / 2)) $((NOW_MS - 500))
gen "$WORK/half.log" $((BASELINE_MS - 86400000)) $((BASELINE_MS + 500)) $((NOW_MS - 500))   # a day before the baseline
cat "$WORK/all.log" "$WORK/half.log" > /dev/null

best() { # LABEL cmd…  → "LABEL wall cpu rss_kb" (best wall of RUNS; exit codes 0-7 are findings)
  local label=$1; shift
  local bw=999999 bc=0 br=0
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -o "$WORK/time" -f '%e %U %S %M' "$@" > "$WORK/out.$label" 2> "$WORK/err.$label" || true
    read -r w u s m < <(tail -1 "$WORK/time")
    if (( $(echo "$w < $bw" | bc -l) )); then bw=$w; bc=$(echo "$u + $s" | bc -l); br=$m; fi
  done
  echo "$label $bw $bc $br"
}
"$FIM" check --db "$DB" "$TREE" > /dev/null || true   # warm-up (CDS archive, page cache)
read -r _ t0 c0 r0 < <(best plain "$FIM" check --db "$DB" "$TREE")
read -r _ t1 c1 r1 < <(best all "$FIM" check --db "$DB" --format json --audit-log "$WORK/all.log" "$TREE")
read -r _ t2 c2 r2 < <(best half "$FIM" check --db "$DB" --format json --audit-log "$WORK/half.log" "$TREE")
field() { grep -o "\"$1\":[0-9.]*" "$2" | head -1 | cut -d: -f2; }
echo "log: $(du -m "$WORK/all.log" | cut -f1) MB each, $NCHANGED changed of $((2 * NCHANGED)) files, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'fim check:                        %6.2f s wall %6.2f s cpu %5d MiB\n' "$t0" "$c0" $((r0 / 1024))
for v in all half; do
  [ $v = all ] && { t=$t1; c=$c1; r=$r1; } || { t=$t2; c=$c2; r=$r2; }
  printf 'fim check --audit-log %-9s   %6.2f s wall %6.2f s cpu %5d MiB; log: %s MB read in %s s (in the report), %s of %s changes attributed\n' \
    "$v.log:" "$t" "$c" $((r / 1024)) "$(echo "$(field bytes_read "$WORK/out.$v") / 1000000" | bc)" \
    "$(field seconds "$WORK/out.$v")" "$(field attributed "$WORK/out.$v")" "$(field changes "$WORK/out.$v")"
done

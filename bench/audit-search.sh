#!/usr/bin/env bash
# fim audit search vs ausearch -i on a generated audit.log (DESIGN.md: ≥ 5× faster, same events).
#
#   bench/audit-search.sh [SIZE_MB] [WORKDIR]      (defaults: 600, /tmp/fim-bench-search)
#
# Builds a SIZE_MB audit.log from the go-libaudit fixtures' events (serials and timestamps
# rewritten to increase), with every 997th event a file event carrying key "fim-bench", then
# times `ausearch -i -k fim-bench --input FILE` and `bin/fim audit search -k fim-bench --input
# FILE` (the real CLI, JVM start included) on the same warm file, both writing to a file: the
# median wall time of RUNS (default 3) each with that run's CPU time (user + system) and the best
# wall time, and compares the events found. KEY=… searches another key.
# The floors, timed in the same rounds: `LC_ALL=C grep -c -F 'key="KEY"'` (one C process that
# reads the file and finds the key, nothing parsed), `cat FILE > /dev/null` (the kernel's read and
# copy alone) and a Java hello world with the search's JVM options (the JVM's start and exit).
# ausearch: taken from PATH, else extracted from Debian's auditd + libauparse0 packages into
# WORKDIR with `apt-get download` + `dpkg-deb -x` (no daemon is installed or started).
# Needs: python3, bc, java 17, `mvn -q -B -o -DskipTests package` done.
set -euo pipefail
SIZE_MB=${1:-600}
WORK=${2:-/tmp/fim-bench-search}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FIX=${FIM_FIXTURES:-$ROOT/auditlink/src/test/resources}/go-libaudit
mkdir -p "$WORK"
LOG=$WORK/audit.log

if [ ! -s "$LOG" ] || [ "$(stat -c %s "$LOG")" -lt $((SIZE_MB * 1000000)) ]; then
  echo "generating $LOG (${SIZE_MB} MB)…" >&2
  python3 - "$FIX" "$LOG" "$SIZE_MB" <<'PY'
import re, sys, collections
fix, out, size_mb = sys.argv[1], sys.argv[2], int(sys.argv[3])
hdr = re.compile(r'msg=audit\((\d+)\.(\d+):(\d+)\)')
events = collections.OrderedDict()
for f in ("reassembly/normal.log", "auparse/test3.log", "auparse/audit-rhel7.log"):
    for line in open(f"{fix}/{f}", encoding="latin-1"):
        m = hdr.search(line)
        if not m:
            continue
        events.setdefault((f, m.group(3)), []).append(hdr.sub("msg=audit({T}:{S})", line.rstrip("\n"), 1))
templates = [ "\n".join(v) + "\n" for v in events.values() ]
bench = ("type=SYSCALL msg=audit({T}:{S}): arch=c000003e syscall=257 success=yes exit=3 a0=ffffff9c a1=7ffc1b2a3f10 a2=241 a3=1b6 items=2 ppid=4100 pid=4242 auid=1001 uid=0 gid=0 euid=0 suid=0 fsuid=0 egid=0 sgid=0 fsgid=0 tty=pts0 ses=7 comm=\"vim\" exe=\"/usr/bin/vim.basic\" subj=unconfined key=\"fim-bench\"\n"
         "type=CWD msg=audit({T}:{S}): cwd=\"/root\"\n"
         "type=PATH msg=audit({T}:{S}): item=0 name=\"/etc/\" inode=131073 dev=fd:00 mode=040755 ouid=0 ogid=0 rdev=00:00 nametype=PARENT cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
         "type=PATH msg=audit({T}:{S}): item=1 name=\"/etc/hosts\" inode=131290 dev=fd:00 mode=0100644 ouid=0 ogid=0 rdev=00:00 nametype=NORMAL cap_fp=0 cap_fi=0 cap_fe=0 cap_fver=0 cap_frootid=0\n"
         "type=PROCTITLE msg=audit({T}:{S}): proctitle=76696D002F6574632F686F737473\n")
limit = size_mb * 1000000
serial, t, written, nbench, i = 1000, 1700000000000, 0, 0, 0
with open(out, "w", encoding="latin-1", buffering=1 << 20) as o:
    while written < limit:
        i += 1
        if i % 997 == 0:
            tpl = bench; nbench += 1
        else:
            tpl = templates[i % len(templates)]
        stamp = f"{t // 1000}.{t % 1000:03d}"
        s = tpl.replace("{T}", stamp).replace("{S}", str(serial))
        o.write(s)
        written += len(s)
        serial += 1
        t += 7
print(f"{i} events, {nbench} with key fim-bench, {written} bytes", file=sys.stderr)
PY
fi

if command -v ausearch >/dev/null; then
  AUSEARCH=(ausearch)
else
  X=$WORK/ausearch-root
  if [ ! -x "$X/sbin/ausearch" ]; then
    (cd "$WORK" && apt-get download auditd libauparse0 >/dev/null 2>&1) || { echo "cannot get ausearch (apt-get download auditd libauparse0 failed)" >&2; exit 2; }
    for d in "$WORK"/auditd_*.deb "$WORK"/libauparse0_*.deb; do dpkg-deb -x "$d" "$X"; done
  fi
  AUSEARCH=(env LD_LIBRARY_PATH="$X/lib/x86_64-linux-gnu:$X/usr/lib/x86_64-linux-gnu" "$X/sbin/ausearch")
fi

FIM=$ROOT/bin/fim
[ -f "$ROOT/cli/target/fim-cli.jar" ] || { echo "build first: mvn -q -B -o -DskipTests package" >&2; exit 2; }
KEY=${KEY:-fim-bench}
RUNS=${RUNS:-3}

cat "$LOG" > /dev/null   # warm the page cache for both
echo "file: $LOG $(du -m "$LOG" | cut -f1) MB, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# RUNS alternating runs of each (so that a change of load on the shared machine hits both);
# /usr/bin/time gives wall, user and system seconds. Reported: the median run by wall time with
# that run's CPU time (user + system), and the best wall time.
timed() { # OUT cmd… → "wall cpu"
  local out=$1; shift
  /usr/bin/time -o "$WORK/time" -f '%e %U %S' "$@" > "$out" 2>/dev/null || true
  read -r w u s < "$WORK/time"
  echo "$w $(echo "$u + $s" | bc -l)"
}
median() { # "wall cpu"… → "median-wall its-cpu best-wall"
  local sorted; sorted=$(printf '%s\n' "$@" | sort -n)
  echo "$(sed -n "$(( ($# + 1) / 2 ))p" <<<"$sorted") $(head -1 <<<"$sorted" | cut -d' ' -f1)"
}
# The JVM floor: an empty main with the options bin/fim gives a search.
mkdir -p "$WORK/hello"
if [ ! -f "$WORK/hello/Hello.class" ]; then
  printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' > "$WORK/hello/Hello.java"
  javac -d "$WORK/hello" "$WORK/hello/Hello.java"
fi
HELLO=(java -Xshare:auto -Xmx256m -Xmn8m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp "$WORK/hello" Hello)
ra=(); rf=(); rg=(); rc=(); rh=()
for _ in $(seq "$RUNS"); do
  ra+=("$(timed "$WORK/ausearch.out" "${AUSEARCH[@]}" -i -k "$KEY" --input "$LOG")")
  rf+=("$(timed "$WORK/fim.out" "$FIM" audit search -k "$KEY" --input "$LOG")")
  rg+=("$(timed "$WORK/grep.out" env LC_ALL=C grep -c -F "key=\"$KEY\"" "$LOG")")
  rc+=("$(timed /dev/null cat "$LOG")")
  rh+=("$(timed /dev/null "${HELLO[@]}")")
done
read -r ta ca ba < <(median "${ra[@]}")
read -r tf cf bf < <(median "${rf[@]}")
read -r tg cg bg < <(median "${rg[@]}")
read -r tc cc bc_ < <(median "${rc[@]}")
read -r th ch bh < <(median "${rh[@]}")
a=$(grep -c '^----' "$WORK/ausearch.out" || true)
f=$(grep -c '^----' "$WORK/fim.out" || true)
# The same events: the serials found, in order.
grep -o 'msg=audit([^)]*)' "$WORK/ausearch.out" | sed 's/.*://; s/)//' | uniq > "$WORK/ausearch.serials"
grep -o 'msg=audit([^)]*)' "$WORK/fim.out" | sed 's/.*://; s/)//' | uniq > "$WORK/fim.serials"
same=no; cmp -s "$WORK/ausearch.serials" "$WORK/fim.serials" && same=yes
printf 'ausearch -i -k %s:        %6.2f s wall (best %.2f) %6.2f s cpu, %d events\n' "$KEY" "$ta" "$ba" "$ca" "$a"
printf 'fim audit search -k %s:  %6.2f s wall (best %.2f) %6.2f s cpu, %d events\n' "$KEY" "$tf" "$bf" "$cf" "$f"
printf 'floor: grep -c -F key="%s":  %6.2f s wall (best %.2f) %6.2f s cpu, %s lines\n' "$KEY" "$tg" "$bg" "$cg" "$(cat "$WORK/grep.out")"
printf 'floor: cat FILE > /dev/null:   %6.2f s wall (best %.2f) %6.2f s cpu\n' "$tc" "$bc_" "$cc"
printf 'floor: java hello world:       %6.2f s wall (best %.2f) %6.2f s cpu\n' "$th" "$bh" "$ch"
printf 'fim against the floors (medians): %.1fx grep, %.1fx cat, %.1fx hello world; ausearch / 10 = %.2f s\n' \
  "$(echo "$tf / $tg" | bc -l)" "$(echo "$tf / $tc" | bc -l)" "$(echo "$tf / $th" | bc -l)" "$(echo "$ta / 10" | bc -l)"
printf 'speed-up (medians of %d): %.1fx wall, %.1fx cpu; same events (serials in order): %s\n' \
  "$RUNS" "$(echo "$ta / $tf" | bc -l)" "$(echo "$ca / $cf" | bc -l)" "$same"

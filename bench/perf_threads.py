#!/usr/bin/env python3
"""bench/perf_threads.py PERF.DATA CHANGES [TOP]: where `fim watch`'s CPU per change goes, by thread, from a
`perf record -a -g -F 999` of bench/watch.sh's measured window (PERF_CTL, bench/README.md).

For the fim JVM (the pid with a `fim-compare` thread; run it with -XX:+PreserveFramePointer -XX:+DumpPerfMapAtExit so
perf names compiled frames) and for kauditd and the progress probe's shell: samples turned into µs per change (a
sample is 1/999 s of one CPU), split into kernel and user by the leaf frame; the kernel samples charged to the
syscall their stack runs under (or page fault, interrupt, entry/exit); the largest kernel and user leaves; fim's
frames inclusive. CHANGES: the latency test's measured changes, or the burst's reported events. Issue 18, session 14
(docs/performance.md).
"""

import collections
import re
import subprocess
import sys

if len(sys.argv) < 3:
    sys.exit("usage: perf_threads.py PERF.DATA CHANGES [TOP]")
data, changes = sys.argv[1], float(sys.argv[2])
top = int(sys.argv[3]) if len(sys.argv) > 3 else 8
p = subprocess.run(["perf", "script", "-i", data, "-F", "comm,pid,tid,ip,sym,dso"],
                   capture_output=True, text=True, errors="replace")
samples = []
cur = None
for line in p.stdout.splitlines():
    if not line.strip():
        if cur: samples.append(cur)
        cur = None; continue
    if not line.startswith("\t") and not line.startswith(" "):
        m = re.match(r"^(.*?)\s+(\d+)/(\d+)\s*$", line)
        cur = [m.group(1).strip(), int(m.group(2)), int(m.group(3)), []] if m else None
        continue
    if cur is not None:
        m = re.match(r"^\s*([0-9a-f]+)\s+(.*)\s+\((.*)\)\s*$", line)
        if m: cur[3].append((m.group(2), m.group(3)))
if cur: samples.append(cur)
fimpid = None
for c, pid, tid, fr in samples:
    if c == "fim-compare": fimpid = pid; break
US = 1e6 / 999 / changes
def norm(c):
    return re.sub(r"\d+$", "#", c) if c.startswith(("rocksdb", "C1 Compiler", "GC")) else c
by = collections.defaultdict(lambda: [0, 0, collections.Counter(), collections.Counter(), collections.Counter()])
for c, pid, tid, fr in samples:
    if pid == fimpid: key = norm(c)
    elif c.startswith("kauditd"): key = "[kauditd]"
    elif c in ("sh", "dash", "kill"): key = "[probe sh]"
    else: continue
    b = by[key]; b[0] += 1
    if not fr: continue
    kern = fr[0][1] == "[kernel.kallsyms]"
    if kern:
        b[1] += 1; b[2][fr[0][0]] += 1
        # first kernel frame below a syscall entry: the syscall
        ks = [s for s, dso in fr if dso == "[kernel.kallsyms]"]
        label = None
        for s in ks:
            if s.startswith(("__x64_sys_", "__do_sys_")): label = s.replace("__x64_sys_", "").replace("__do_sys_", ""); break
            if s in ("ksys_write", "ksys_read", "ksys_pread64", "__sys_recvfrom", "__sys_sendto", "do_sys_poll", "do_sys_openat2", "do_fsync", "__se_sys_futex", "do_futex"):
                label = {"ksys_write": "write", "ksys_read": "read", "ksys_pread64": "pread64", "__sys_recvfrom": "recvfrom", "__sys_sendto": "sendto", "do_sys_poll": "poll", "do_sys_openat2": "openat", "do_fsync": "fsync", "__se_sys_futex": "futex", "do_futex": "futex"}[s]; break
        if label is None:
            if any(s in ("exc_page_fault", "asm_exc_page_fault") for s in ks): label = "page fault"
            elif any(s.startswith(("asm_sysvec", "asm_common_interrupt", "sysvec_", "irq_exit")) for s in ks): label = "interrupt"
            elif any(s.startswith(("schedule", "__schedule")) for s in ks): label = "schedule (other)"
            elif any("syscall" in s or "entry_SYSCALL" in s for s in ks): label = "syscall entry/exit"
            else: label = "other: " + ks[-1] if ks else "other"
        b[4]["sys:" + label] += 1
    else:
        b[3][fr[0][0][:110]] += 1
    seen = set()
    for s, dso in fr:
        if "dev.fim." in s:
            m = re.search(r"(dev\.fim\.[\w.$]+)\(", s)
            n = m.group(1) if m else s[:100]
            if n not in seen:
                seen.add(n); b[4]["incl:" + n] += 1
tot = sum(b[0] for k, b in by.items() if not k.startswith("["))
totk = sum(b[1] for k, b in by.items() if not k.startswith("["))
print("fim pid %s, changes %d, all fim threads: %.0f us/change (kernel %.0f, user %.0f)" % (fimpid, changes, tot*US, totk*US, (tot-totk)*US))
for k, b in sorted(by.items(), key=lambda kv: -kv[1][0]):
    if b[0] * US < 1: continue
    print("\n== %s: %.0f us/change (kernel %.0f, user %.0f), %d samples" % (k, b[0]*US, b[1]*US, (b[0]-b[1])*US, b[0]))
    if b[1]:
        print("  kernel leaf:", ", ".join("%s %.1f" % (s, n*US) for s, n in b[2].most_common(top)))
        print("  kernel by syscall:", ", ".join("%s %.1f" % (s[4:], n*US) for s, n in b[4].most_common() if s.startswith("sys:"))[:900])
    if b[0] - b[1]:
        print("  user leaf:", "; ".join("%s %.1f" % (s, n*US) for s, n in b[3].most_common(top)))
    inc = [(s[5:], n) for s, n in b[4].most_common() if s.startswith("incl:")][:top+4]
    if inc: print("  fim frames inclusive:", "; ".join("%s %.1f" % (s, n*US) for s, n in inc))

#!/usr/bin/env python3
"""Driver of bench/watch.sh: measures `fim watch` (fanotify and inotify backends) beside
`inotifywait` -- latency of a closed write, a sustained burst of changes with a strict
"nothing missing" check, start-up time and peak RSS -- and prints a markdown report.

  watch_driver.py run --work DIR --fim FIM --lat-tree T --burst-tree T --start-tree T [...]
  watch_driver.py writer ...        (internal: one paced writer process of the burst)

Every process it starts gets PR_SET_PDEATHSIG=SIGTERM and is stopped (SIGTERM, then SIGKILL)
when the driver exits, also on SIGTERM/SIGINT/SIGHUP. See bench/README.md ("Watch benchmark").
"""
import argparse
import ctypes
import json
import math
import os
import platform
import queue
import random
import signal
import stat
import subprocess
import sys
import threading
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(None, use_errno=True)
_prctl = _libc.prctl
CHILDREN = []          # every Proc started, stopped at exit


def log(msg):
    print("[watch %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


def _child_setup():
    # runs in the child between fork and exec: die with the driver
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


class StartError(Exception):
    pass


class Proc:
    """A child process with a stderr reader (timestamped lines) and optionally a stdout reader
    (timestamped raw lines in a queue). The driver reaps it itself (os.wait4) to get rusage."""

    def __init__(self, cmd, stdout_file=None, out_queue=False, name=None):
        self.name = name or os.path.basename(cmd[0])
        self.cmd = cmd
        self.err = []                    # [(monotonic_ns, str)]
        self.cond = threading.Condition()
        self.outq = queue.Queue() if out_queue else None
        self.rc = None
        self.rusage = None
        self.t_launch = time.monotonic_ns()
        self.p = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE if out_queue else (stdout_file or subprocess.DEVNULL),
            stderr=subprocess.PIPE, preexec_fn=_child_setup, close_fds=True)
        CHILDREN.append(self)
        self.pid = self.p.pid
        self._threads = [threading.Thread(target=self._read_err, daemon=True)]
        if out_queue:
            self._threads.append(threading.Thread(target=self._read_out, daemon=True))
        for t in self._threads:
            t.start()

    def _read_err(self):
        for raw in iter(self.p.stderr.readline, b""):
            t = time.monotonic_ns()
            with self.cond:
                self.err.append((t, raw.decode("utf-8", "replace").rstrip("\n")))
                self.cond.notify_all()
        with self.cond:
            self.err.append((time.monotonic_ns(), None))      # EOF marker
            self.cond.notify_all()

    def _read_out(self):
        rd = self.p.stdout.readline
        put = self.outq.put
        for raw in iter(rd, b""):
            put((time.monotonic_ns(), raw))
        put((time.monotonic_ns(), None))

    def alive(self):
        return self.rc is None and os.path.exists("/proc/%d" % self.pid) and self._state() != "Z"

    def _state(self):
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                return f.read().rsplit(")", 1)[1].split()[0]
        except OSError:
            return "?"

    def wait_err(self, pred, timeout):
        """First stderr line (after those already consumed by earlier calls with the same
        predicate are irrelevant: we scan all) matching pred: (monotonic_ns, line), or raise."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for t, line in self.err:
                    if line is not None and pred(line):
                        return t, line
                if self.err and self.err[-1][1] is None:
                    raise StartError("%s exited before the expected status line: %s"
                                     % (self.name, self.err_tail()))
                left = deadline - time.monotonic()
                if left <= 0:
                    raise StartError("%s: no expected status line after %.0f s: %s"
                                     % (self.name, timeout, self.err_tail()))
                self.cond.wait(min(left, 1.0))

    def err_lines(self):
        with self.cond:
            return [l for _, l in self.err if l is not None]

    def err_tail(self, n=3):
        lines = [l.strip() for l in self.err_lines()
                 if l.strip() and not l.startswith("fim watch: no baseline")]
        # prefer the first line of a Java stack trace and the lines before it
        short = []
        for l in lines:
            if l.startswith("at ") or l.startswith("..."):
                continue
            short.append(l)
        return " / ".join(short[-n:]) if short else "(no stderr)"

    def cpu_s(self):
        try:
            with open("/proc/%d/stat" % self.pid) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLK_TCK
        except (OSError, IndexError, ValueError):
            return None

    def thread_cpu(self):
        """{thread name: CPU ticks} of the watcher's threads, plus "children" (the live child
        processes', e.g. fim's audit progress helper), for a per-thread breakdown"""
        out = {}
        try:
            tids = os.listdir("/proc/%d/task" % self.pid)
        except OSError:
            return out
        kids = set()
        for tid in tids:
            try:
                with open("/proc/%d/task/%s/stat" % (self.pid, tid)) as f:
                    raw = f.read()
                name = raw[raw.index("(") + 1:raw.rindex(")")]
                fields = raw.rsplit(")", 1)[1].split()
                out[name] = out.get(name, 0) + int(fields[11]) + int(fields[12])
                with open("/proc/%d/task/%s/children" % (self.pid, tid)) as f:
                    kids.update(f.read().split())
            except (OSError, ValueError, IndexError):
                continue
        for k in kids:
            try:
                with open("/proc/%s/stat" % k) as f:
                    fields = f.read().rsplit(")", 1)[1].split()
                out["children"] = out.get("children", 0) + int(fields[11]) + int(fields[12])
            except (OSError, ValueError, IndexError):
                continue
        return out

    def status_kib(self, key):
        try:
            with open("/proc/%d/status" % self.pid) as f:
                for line in f:
                    if line.startswith(key + ":"):
                        return int(line.split()[1])
        except OSError:
            pass
        return None

    def comm(self):
        try:
            with open("/proc/%d/comm" % self.pid) as f:
                return f.read().strip()
        except OSError:
            return "?"

    def _reap(self, timeout):
        deadline = time.monotonic() + timeout
        while True:
            try:
                pid, status, ru = os.wait4(self.pid, os.WNOHANG)
            except ChildProcessError:
                self.rc = self.p.returncode if self.p.returncode is not None else "?"
                return True
            if pid == self.pid:
                self.rc = os.waitstatus_to_exitcode(status)
                self.p.returncode = self.rc
                self.rusage = ru
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.02)

    def stop(self, timeout=30.0, sig=signal.SIGTERM):
        """Stop with sig, wait up to timeout, else SIGKILL. Returns the exit code (negative =
        killed by that signal) or a string when it had to be killed."""
        if self.rc is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
            if not self._reap(timeout):
                try:
                    os.kill(self.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self._reap(10)
                self.rc = "did not stop within %.0f s of %s (killed)" % (timeout, sig.name)
        for t in self._threads:
            t.join(5)
        return self.rc

    def wait(self, timeout):
        if self.rc is None and not self._reap(timeout):
            return None
        for t in self._threads:
            t.join(5)
        return self.rc

    def rusage_cpu_s(self):
        return None if self.rusage is None else self.rusage.ru_utime + self.rusage.ru_stime


def stop_all():
    for pr in reversed(CHILDREN):
        if pr.rc is None:
            try:
                pr.stop(timeout=10)
            except Exception as e:     # noqa: BLE001 -- best effort at exit
                log("could not stop %s (pid %d): %s" % (pr.name, pr.pid, e))


def _on_signal(sig, _frame):
    raise SystemExit(128 + sig)


# ------------------------------------------------------------------ helpers ---------------
def plain_regular_files(tree):
    """Regular files whose names are printable ASCII without blanks (mktree's odd names --
    0xff byte, embedded newline, UTF-8 -- and the FIFO are left out: inotifywait's line
    output cannot carry a newline in a name, and we compare paths as text)."""
    out = []
    for d, dirs, files in os.walk(tree):
        dirs.sort()
        for f in sorted(files):
            if not all(32 < ord(c) < 127 for c in f):
                continue
            p = os.path.join(d, f)
            try:
                if stat.S_ISREG(os.lstat(p).st_mode):
                    out.append(p)
            except OSError:
                pass
    return out


def count_dirs(tree):
    return sum(1 for _ in os.walk(tree))


def pct(sorted_vals, q):
    """nearest-rank percentile of a sorted list"""
    if not sorted_vals:
        return None
    k = max(1, math.ceil(q / 100.0 * len(sorted_vals)))
    return sorted_vals[k - 1]


def median(vals):
    vals = sorted(v for v in vals if v is not None)
    if not vals:
        return None
    n = len(vals)
    return vals[n // 2] if n % 2 else (vals[n // 2 - 1] + vals[n // 2]) / 2


def parse_ts_ns(s):
    """'2026-11-25T19:17:47.474420409Z' -> ns since the epoch (UTC)"""
    import calendar
    if not s:
        return None
    s = s.rstrip("Z")
    frac = 0
    if "." in s:
        s, f = s.split(".", 1)
        frac = int((f + "000000000")[:9])
    return calendar.timegm(time.strptime(s, "%Y-%m-%dT%H:%M:%S")) * 10**9 + frac


def fim_cmd(a, backend, db, tree):
    return ([a.fim, "watch", "--db", db, "--backend", backend, "--format", "json"]
            + a.fim_opts.split() + [tree])


def is_fim_ready(line):
    return line.startswith("fim watch: watching")


def is_fim_settled(line):
    return line.startswith("fim watch: recorded") or line.startswith("fim watch: reconciled")


def start_tool(a, tool, backend, tree, db, out_queue=False, stdout_file=None, inw_args=None):
    """Start fim watch or inotifywait; wait until it watches and (fim) has recorded/reconciled.
    Returns (proc, info) with launch->ready times in seconds."""
    if tool == "fim":
        pr = Proc(fim_cmd(a, backend, db, tree), stdout_file=stdout_file, out_queue=out_queue,
                  name="fim watch --backend %s" % backend)
        t1, l1 = pr.wait_err(is_fim_ready, a.ready_timeout)
        t2, l2 = pr.wait_err(is_fim_settled, a.ready_timeout)
        info = {"ready_s": (t1 - pr.t_launch) / 1e9, "settled_s": (t2 - pr.t_launch) / 1e9,
                "ready_line": l1, "settled_line": l2, "comm": pr.comm()}
    else:
        pr = Proc(["inotifywait", "-m", "-r"] + inw_args + [tree], stdout_file=stdout_file,
                  out_queue=out_queue, name="inotifywait")
        t1, l1 = pr.wait_err(lambda l: l.startswith("Watches established"), a.ready_timeout)
        info = {"ready_s": (t1 - pr.t_launch) / 1e9, "ready_line": l1}
    return pr, info


def finish(pr, res):
    """stop pr (SIGTERM) and note the exit code and fim's final status line"""
    res["rss_hwm_kib"] = res.get("rss_hwm_kib") or pr.status_kib("VmHWM")
    rc = pr.stop()
    res["exit"] = rc
    res["cpu_total_s"] = pr.rusage_cpu_s()
    if pr.rusage is not None:
        res["ru_maxrss_kib"] = pr.rusage.ru_maxrss
    lines = pr.err_lines()
    res["stderr_tail"] = lines[-3:]
    stopped = [l for l in lines if l.startswith("fim watch: stopped")]
    res["stopped_line"] = stopped[-1] if stopped else None
    res["overflow_lines"] = [l for l in lines if "events lost" in l or "audit lost" in l]
    anomalies = res.setdefault("anomalies", [])
    if rc != 0 and not (res.get("tool") == "inotifywait" and rc in (0, -15, 143)):
        anomalies.append("exit code %s after SIGTERM (expected 0): %s" % (rc, pr.err_tail()))
    if res.get("tool") == "fim" and rc == 0 and not stopped:
        anomalies.append("no 'fim watch: stopped' line after SIGTERM")
    odd = [l for l in lines if not l.startswith("fim watch: ") and res.get("tool") == "fim"]
    if odd:
        anomalies.append("unexpected stderr lines: %s" % " / ".join(odd[:3])[:300])


def count_attribution(counts, ev):
    """counts[label] += 1 for a fim JSON event: its fim.attribution, and for "none" whether it is
    explicitly marked (fim.attribution_reason says why) or not"""
    f = ev.get("fim", {}) if isinstance(ev, dict) else {}
    label = f.get("attribution") or "missing"
    if label == "none":
        label = "none (marked)" if f.get("attribution_reason") else "none (unmarked)"
    counts[label] = counts.get(label, 0) + 1


def perf_ctl(cmd):
    """PERF_CTL=FIFO: write cmd ("enable"/"disable") to a `perf record --control fifo:FIFO -D -1` control
    fifo, so that a profile covers the measured window only (the latency test's measured changes, the
    burst from its first write to quiet)"""
    path = os.environ.get("PERF_CTL")
    if path:
        with open(path, "w") as f:
            f.write(cmd + "\n")


# ------------------------------------------------------------------ 1. latency ------------
def run_latency(a, tool, backend):
    res = {"tool": tool, "backend": backend, "tree": a.lat_tree}
    files = plain_regular_files(a.lat_tree)
    random.Random(1).shuffle(files)
    res["files"] = len(files)
    db = os.path.join(a.work, "lat-db-%s" % (backend or tool))
    inw = ["-e", "close_write", "--format", "%w%f"]
    pr, info = start_tool(a, tool, backend, a.lat_tree, db, out_queue=True, inw_args=inw)
    res.update(info)
    try:
        q = pr.outq
        lat, missed, extra, seen_paths = [], [], 0, 0
        attributions = {}
        warm = a.lat_warmup
        total = warm + a.changes
        cpu0 = None
        line_no = 0
        # LAT_DUMP=FILE: one line per change (index, CLOCK_MONOTONIC ns before the write, latency ms or "-",
        # attribution), to line the slow ones up with the JVM's logs (-Xlog:...:timenanos)
        dump_path = os.environ.get("LAT_DUMP")
        dump = open(dump_path, "w") if dump_path else None
        for i in range(total):
            if i == warm:
                perf_ctl("enable")
                cpu0 = pr.cpu_s()
                threads0 = pr.thread_cpu()
                t_measure0 = time.monotonic()
            path = files[i % len(files)]
            wall0 = time.time_ns()
            data = b"fim-bench latency %d %d\n" % (i, wall0)
            t0 = time.monotonic_ns()
            fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            try:
                os.write(fd, data)
            finally:
                os.close(fd)
            deadline = t0 + int(a.lat_timeout * 1e9)
            got = None
            while got is None:
                left = (deadline - time.monotonic_ns()) / 1e9
                if left <= 0:
                    break
                try:
                    t, raw = q.get(timeout=left)
                except queue.Empty:
                    break
                if raw is None:
                    raise StartError("%s exited during the latency test: %s"
                                     % (pr.name, pr.err_tail()))
                line_no += 1
                if tool == "fim":
                    try:
                        ev = json.loads(raw)
                        p = ev.get("file", {}).get("path")
                        act = ev.get("event", {}).get("action")
                    except ValueError:
                        ev, p, act = {}, None, None
                    ok = p == path and act == "updated"
                    if ok and i >= warm:
                        count_attribution(attributions, ev)
                    if ok and dump:
                        label = (ev.get("fim", {}) or {}).get("attribution")
                else:
                    ok = raw.decode("utf-8", "replace").rstrip("\n") == path
                if ok and t >= t0:
                    got = t - t0
                else:
                    extra += 1
            if got is None:
                missed.append(path)
            elif i >= warm:
                lat.append(got / 1e6)
            if dump:
                dump.write("%d\t%d\t%s\t%s\n" % (i, t0, "-" if got is None else "%.3f" % (got / 1e6),
                                                 label if tool == "fim" and got is not None else "-"))
        if dump:
            dump.close()
        cpu1 = pr.cpu_s()
        perf_ctl("disable")
        res["thread_cpu_s"] = thread_delta(threads0, pr.thread_cpu()) if cpu0 is not None else {}
        t_measure = time.monotonic() - t_measure0 if cpu0 is not None else None
        # late duplicates: anything that still arrives within 1 s (more than the quiet window)
        end = time.monotonic() + 1.0
        while time.monotonic() < end:
            try:
                _, raw = q.get(timeout=max(0.0, end - time.monotonic()))
                if raw is None:
                    break
                extra += 1
            except queue.Empty:
                break
        lat.sort()
        res.update({
            "changes": a.changes, "warmup": warm, "measured": len(lat), "missed": len(missed),
            "missed_examples": missed[:5], "extra_lines": extra,
            "p50_ms": pct(lat, 50), "p90_ms": pct(lat, 90), "p99_ms": pct(lat, 99),
            "max_ms": lat[-1] if lat else None,
            "mean_ms": sum(lat) / len(lat) if lat else None,
            "cpu_s": (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None,
            "rate": len(lat) / t_measure if t_measure else None,
            "attributions": attributions,
        })
        if missed:
            res.setdefault("anomalies", []).append(
                "%d of %d closed writes had no matching line within %.0f s (e.g. %s)"
                % (len(missed), total, a.lat_timeout, missed[0]))
        if extra and tool == "fim":
            res.setdefault("anomalies", []).append(
                "%d lines besides the one 'updated' per write (duplicates or other actions)" % extra)
    finally:
        finish(pr, res)
    return res


# ------------------------------------------------------------------ floor: audit without fim --
AUDIT_GET, AUDIT_SET = 1000, 1001
AUDIT_STATUS_PID = 4
FLOOR_KEY = "fim-bench-floor"


def audit_reader_main(a):
    """The minimal audit consumer: becomes the audit pid (AUDIT_SET), reads every datagram into
    one buffer and counts them, nothing else, until SIGTERM; gives the audit pid back; prints
    {"datagrams": N} to a.out. What any audit consumer must at least do for fim's records."""
    import socket as so
    import struct
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    s = so.socket(so.AF_NETLINK, so.SOCK_RAW, 9)  # NETLINK_AUDIT
    s.bind((0, 0))
    s.setsockopt(so.SOL_SOCKET, 33, 32 << 20)  # SO_RCVBUFFORCE, as fim
    s.setsockopt(270, 5, 1)  # SOL_NETLINK, NETLINK_NO_ENOBUFS, as fim
    s.settimeout(0.05)

    def set_pid(pid):
        body = struct.pack("=10I", AUDIT_STATUS_PID, 0, 0, pid, 0, 0, 0, 0, 0, 0)
        s.sendto(struct.pack("=IHHII", 16 + len(body), AUDIT_SET, 1 | 4, 1, 0) + body, (0, 0))
    set_pid(os.getpid())
    buf = bytearray(9000)
    n = 0
    with open(a.out + ".ready", "w"):
        pass
    while not stop.is_set():
        try:
            s.recv_into(buf)
            n += 1
        except so.timeout:
            pass
        except InterruptedError:
            pass
    set_pid(0)
    s.close()
    with open(a.out, "w") as f:
        json.dump({"datagrams": n}, f)


def auditctl(*args):
    r = subprocess.run(["auditctl"] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return r.returncode, r.stdout.decode(errors="replace")


def audit_status():
    rc, out = auditctl("-s")
    if rc != 0:
        return None
    st = {}
    for line in out.splitlines():
        k, _, v = line.partition(" ")
        st[k] = v.strip()
    return st


def run_writers(a, files, label):
    """The burst's writers (same rate, duration, slices, partitions) on `files`, nothing else:
    {changes, rate, user_s, sys_s} (the writers' own CPU, from wait4)."""
    nw = a.writers
    start_ns = time.time_ns() + int(1.0e9)
    writers = []
    for w in range(nw):
        part = os.path.join(a.work, "floor-%s-files-%d" % (label, w))
        with open(part, "wb") as f:
            f.write(b"\0".join(os.fsencode(p) for p in files[w::nw]))
        wout = os.path.join(a.work, "floor-%s-writer-%d.json" % (label, w))
        writers.append((Proc([sys.executable, os.path.abspath(__file__), "writer",
                              "--files", part, "--rate", str(a.rate / nw),
                              "--duration", str(a.duration), "--slice-ms", str(a.slice_ms),
                              "--start-ns", str(start_ns), "--id", str(w),
                              "--tag", "fim-bench-floor-%s-%d" % (label, start_ns),
                              "--out", wout], name="floor writer %d" % w), wout))
    for wp, _ in writers:
        if wp.wait(a.duration + 120) is None or wp.rc != 0:
            raise StartError("floor writer failed: %s" % wp.err_tail())
    wres = [json.load(open(o)) for _, o in writers]
    changes = sum(w["changes"] for w in wres)
    dur = (max(w["end_ns"] for w in wres) - min(w["start_ns"] for w in wres)) / 1e9
    return {"changes": changes, "rate": changes / dur,
            "user_s": sum(wp.rusage.ru_utime for wp, _ in writers),
            "sys_s": sum(wp.rusage.ru_stime for wp, _ in writers)}


def run_floor(a):
    """The kernel's own cost of fim's audit rules, without fim, on the burst tree with the burst's
    writers: (1) no audit rules, audit as found; (2) fim's rules (`-a always,exit -F arch=b64|b32
    -F dir=TREE -F perm=wa`, another key), audit enabled, backlog limit 8192 like fim, and the
    minimal reader above as the audit pid. The writers' rate and system CPU per change in each:
    the rate the kernel allows with audit on, and the CPU audit costs the writers. Restores
    the rules, enabled flag, backlog limit and audit pid (checked against `auditctl -s`)."""
    res = {"tree": a.burst_tree}
    st = audit_status()
    if os.geteuid() != 0 or st is None:
        raise StartError("needs root and auditctl")
    if st.get("pid", "0") != "0" or st.get("enabled") == "2":
        raise StartError("audit pid %s / enabled %s: another consumer or locked; not measured"
                         % (st.get("pid"), st.get("enabled")))
    files = plain_regular_files(a.burst_tree)
    random.Random(3).shuffle(files)
    res["without_rules"] = run_writers(a, files, "norules")
    rules = [["-F", "arch=" + arch, "-F", "dir=" + a.burst_tree, "-F", "perm=wa", "-F",
              "key=" + FLOOR_KEY] for arch in ("b64", "b32")]
    added = []
    reader = None
    rout = os.path.join(a.work, "floor-reader.json")
    try:
        reader = Proc([sys.executable, os.path.abspath(__file__), "audit-reader", "--out", rout],
                      name="audit reader")
        deadline = time.monotonic() + 10
        while not os.path.exists(rout + ".ready"):
            if time.monotonic() > deadline or not reader.alive():
                raise StartError("the audit reader did not start: %s" % reader.err_tail())
            time.sleep(0.05)
        auditctl("-e", "1")
        auditctl("-b", str(max(8192, int(st.get("backlog_limit", "0")))))
        for r in rules:
            rc, out = auditctl("-a", "always,exit", *r)
            if rc != 0:
                raise StartError("auditctl -a: %s" % out.strip())
            added.append(r)
        lost0 = int(audit_status().get("lost", "0"))
        cpu0 = reader.cpu_s()
        res["with_rules"] = run_writers(a, files, "rules")
        time.sleep(1.0)  # the reader drains what is queued
        res["with_rules"]["reader_cpu_s"] = (reader.cpu_s() or 0) - (cpu0 or 0)
        res["with_rules"]["kernel_lost"] = int(audit_status().get("lost", "0")) - lost0
    finally:
        for r in added:
            auditctl("-d", "always,exit", *r)
        auditctl("-b", st.get("backlog_limit", "64"))
        auditctl("-e", st.get("enabled", "0"))
        if reader is not None:
            reader.stop(10)
        after = audit_status() or {}
        res["restored"] = all(after.get(k) == st.get(k) for k in ("enabled", "pid", "backlog_limit"))
        if not res["restored"]:
            res.setdefault("anomalies", []).append("audit state not restored: before %s, after %s"
                                                   % (st, after))
    if os.path.exists(rout):
        res["with_rules"]["datagrams"] = json.load(open(rout))["datagrams"]
    for k in ("without_rules", "with_rules"):
        r = res[k]
        r["sys_us_per_change"] = r["sys_s"] / r["changes"] * 1e6 if r["changes"] else None
    wr, nr = res["with_rules"], res["without_rules"]
    if wr["sys_us_per_change"] is not None and nr["sys_us_per_change"] is not None:
        res["audit_sys_us_per_change"] = wr["sys_us_per_change"] - nr["sys_us_per_change"]
    return res


# ------------------------------------------------------------------ 2. burst --------------
def writer_main(a):
    """One paced writer: overwrites the start of its files in place with a unique line (open
    O_WRONLY without O_TRUNC, write, close) at a.rate changes/s in slices of a.slice_ms, for
    a.duration s from a.start_ns (CLOCK_REALTIME). Not O_TRUNC: on ext4 a truncate-then-write
    starts writeback at close (auto_da_alloc), which held one Python writer to ~3,000/s."""
    with open(a.files, "rb") as f:
        files = [p for p in f.read().split(b"\0") if p]
    last = {}
    slice_s = a.slice_ms / 1000.0
    wait = a.start_ns / 1e9 - time.time()
    if wait > 0:
        time.sleep(wait)
    t_start = time.monotonic()
    real_start = time.time_ns()
    end = t_start + a.duration
    n = 0
    nf = len(files)
    tag = a.tag.encode()
    wid = a.id
    O = os.O_WRONLY
    behind_slices = 0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        k = int((now - t_start) / slice_s)
        target = int(round(a.rate * (k + 1) * slice_s))
        if target - n > a.rate * slice_s * 1.5:
            behind_slices += 1
        while n < target:
            p = files[n % nf]
            t = time.time_ns()
            fd = os.open(p, O)
            os.write(fd, b"%s w%d n%d t%d\n" % (tag, wid, n, t))
            os.close(fd)
            last[p] = t
            n += 1
        nxt = t_start + (k + 1) * slice_s
        d = nxt - time.monotonic()
        if d > 0:
            time.sleep(d)
    real_end = time.time_ns()
    with open(a.out, "w") as f:
        json.dump({"id": wid, "changes": n, "start_ns": real_start, "end_ns": real_end,
                   "behind_slices": behind_slices,
                   "last": {os.fsdecode(p): t for p, t in last.items()}}, f)


def xxh128_of(paths):
    """{path: xxh3-128 hex} of the files' current content, with xxh128sum"""
    out = {}
    for i in range(0, len(paths), 2000):
        chunk = paths[i:i + 2000]
        # stderr captured: xxhsum draws a progress line there
        r = subprocess.run(["xxh128sum", "--"] + chunk, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE)
        if r.returncode != 0:
            raise StartError("xxh128sum failed: %s" % r.stderr.decode(errors="replace")[-300:])
        for line in r.stdout.decode("utf-8", "surrogateescape").splitlines():
            h, _, p = line.partition("  ")
            out[p] = h
    return out


def run_burst(a, tool, backend):
    res = {"tool": tool, "backend": backend, "tree": a.burst_tree}
    label = backend or tool
    files = plain_regular_files(a.burst_tree)
    rnd = random.Random(2)
    rnd.shuffle(files)
    res["tree_files"] = len(files)
    db = os.path.join(a.work, "burst-db-%s" % label)
    out_path = os.path.join(a.work, "burst-%s.out" % label)
    inw = ["-e", "close_write", "-e", "q_overflow", "--format", "%e %w%f"]
    with open(out_path, "wb") as outf:
        pr, info = start_tool(a, tool, backend, a.burst_tree, db, stdout_file=outf, inw_args=inw)
    res.update(info)
    writers = []
    try:
        res["rss_after_start_kib"] = pr.status_kib("VmRSS")
        # RSS sampler
        peak = {"rss": 0}
        stop_sampling = threading.Event()

        def sample():
            while not stop_sampling.is_set():
                v = pr.status_kib("VmRSS")
                if v:
                    peak["rss"] = max(peak["rss"], v)
                stop_sampling.wait(0.1)
        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        perf_ctl("enable")
        cpu0 = pr.cpu_s()
        threads0 = pr.thread_cpu()
        t_cpu0 = time.monotonic()
        # writers: disjoint partitions, so each file's last write is known to one process
        nw = a.writers
        start_ns = time.time_ns() + int(1.0e9)
        for w in range(nw):
            part = os.path.join(a.work, "burst-%s-files-%d" % (label, w))
            with open(part, "wb") as f:
                f.write(b"\0".join(os.fsencode(p) for p in files[w::nw]))
            wout = os.path.join(a.work, "burst-%s-writer-%d.json" % (label, w))
            writers.append((Proc([sys.executable, os.path.abspath(__file__), "writer",
                                  "--files", part, "--rate", str(a.rate / nw),
                                  "--duration", str(a.duration), "--slice-ms", str(a.slice_ms),
                                  "--start-ns", str(start_ns), "--id", str(w),
                                  "--tag", "fim-bench-burst-%s-%d" % (label, start_ns),
                                  "--out", wout], name="writer %d" % w), wout))
        for wp, _ in writers:
            if wp.wait(a.duration + 120) is None:
                raise StartError("writer %d did not finish" % writers.index((wp, _)))
            if wp.rc != 0:
                raise StartError("writer failed (exit %s): %s" % (wp.rc, wp.err_tail()))
        t_writers_done = time.monotonic()
        wres = [json.load(open(o)) for _, o in writers]
        changes = sum(w["changes"] for w in wres)
        start = min(w["start_ns"] for w in wres)
        end = max(w["end_ns"] for w in wres)
        last = {}
        for w in wres:
            last.update(w["last"])
        res.update({
            "changes": changes, "target_rate": a.rate, "duration_s": (end - start) / 1e9,
            "rate": changes / ((end - start) / 1e9), "distinct": len(last),
            "writers": nw, "writer_cpu_s": sum(wp.rusage_cpu_s() or 0 for wp, _ in writers),
            "behind_slices": sum(w["behind_slices"] for w in wres),
        })
        # wait until the output is quiet
        size, t_last_growth = os.path.getsize(out_path), time.monotonic()
        timed_out = False
        while True:
            time.sleep(0.05)
            s = os.path.getsize(out_path)
            now = time.monotonic()
            if s != size:
                size, t_last_growth = s, now
            if not pr.alive():
                raise StartError("%s exited during the burst: %s" % (pr.name, pr.err_tail()))
            if now - t_last_growth >= a.quiet_s and now - t_writers_done >= a.quiet_s:
                break
            if now - t_writers_done > a.drain_timeout:
                timed_out = True
                break
        cpu1 = pr.cpu_s()
        perf_ctl("disable")
        res["thread_cpu_s"] = thread_delta(threads0, pr.thread_cpu())
        stop_sampling.set()
        sampler.join()
        res.update({
            "drain_s": max(0.0, t_last_growth - t_writers_done), "drain_timed_out": timed_out,
            "cpu_s": (cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None,
            "cpu_wall_s": time.monotonic() - t_cpu0,
            "rss_peak_burst_kib": peak["rss"], "rss_hwm_kib": pr.status_kib("VmHWM"),
        })
    finally:
        for wp, _ in writers:
            if wp.rc is None:
                wp.stop(5)
        finish(pr, res)
    # ---- verify
    with open(out_path, "rb") as f:
        lines = f.read().splitlines()
    res["lines"] = len(lines)
    modified = sorted(last)
    anomalies = res.setdefault("anomalies", [])
    if tool == "fim":
        finals = xxh128_of(modified)
        res["verify"] = "XXH3-128 of each file's final content (xxh128sum) equals file.hash.xxh3_128 of an event for that path"
        by_path = {}
        actions = {}
        attributions = {}
        overflow = 0
        bad_json = 0
        nohash = 0
        for raw in lines:
            try:
                ev = json.loads(raw)
            except ValueError:
                bad_json += 1
                continue
            act = ev.get("event", {}).get("action")
            actions[act] = actions.get(act, 0) + 1
            count_attribution(attributions, ev)
            if act == "overflow":
                overflow += 1
                continue
            fl = ev.get("file", {})
            p = fl.get("path")
            h = (fl.get("hash") or {}).get("xxh3_128")
            if h is None:
                nohash += 1
            by_path.setdefault(p, []).append((h, act, parse_ts_ns(ev.get("@timestamp"))))
        missing, stale = [], 0
        mod_actions = {}
        for p in modified:
            evs = by_path.get(p, [])
            for _, act, _ in evs:
                mod_actions[act] = mod_actions.get(act, 0) + 1
            if not any(h == finals.get(p) for h, _, _ in evs):
                missing.append(p)
                if any(ts is not None and ts >= last[p] for _, _, ts in evs):
                    stale += 1
        others = len(set(by_path) - set(last))
        res.update({"events": len(lines) - overflow - bad_json, "overflow_events": overflow,
                    "missing": len(missing), "missing_examples": missing[:5],
                    "actions": actions, "actions_on_modified": mod_actions,
                    "attributions": attributions,
                    "bad_json": bad_json, "events_without_hash": nohash,
                    "stale_after_last_write": stale, "paths_not_modified": others})
        if missing:
            ex = missing[0]
            evs = by_path.get(ex, [])
            anomalies.append(
                "%d of %d modified files have no event with their final content's hash "
                "(%d of them have an event stamped after the last write, with another hash); "
                "e.g. %s: last write %s, final xxh3 %s, events %s"
                % (len(missing), len(modified), stale, ex, last[ex], finals.get(ex),
                   [(h, act, ts) for h, act, ts in evs][-3:]))
        if bad_json:
            anomalies.append("%d output lines are not JSON" % bad_json)
        if set(actions) - {"updated", "overflow"}:
            anomalies.append("actions other than updated/overflow: %s" % actions)
        if others:
            anomalies.append("%d events for paths the writers did not touch" % others)
    else:
        seen = set()
        overflow = 0
        for raw in lines:
            ev, _, p = raw.decode("utf-8", "surrogateescape").partition(" ")
            if "Q_OVERFLOW" in ev:
                overflow += 1
            else:
                seen.add(p)
        missing = [p for p in modified if p not in seen]
        res.update({"events": len(lines) - overflow, "overflow_events": overflow,
                    "missing": len(missing), "missing_examples": missing[:5],
                    "verify": "a CLOSE_WRITE line naming the path (no timestamp or hash to check)"})
    if res.get("drain_timed_out"):
        anomalies.append("output still growing %.0f s after the last write" % a.drain_timeout)
    return res


# ------------------------------------------------------------------ 3./4. start-up ------
def run_startup(a, tool, backend):
    res = {"tool": tool, "backend": backend, "tree": a.start_tree, "runs": []}
    for r in range(a.runs):
        run = {}
        db = os.path.join(a.work, "start-db-%s-%d" % (backend or tool, r))
        for phase in (("first", "second") if tool == "fim" else ("first",)):
            ph = {"tool": tool}
            outp = os.path.join(a.work, "start-%s-%d-%s.out" % (backend or tool, r, phase))
            with open(outp, "wb") as outf:
                pr, info = start_tool(a, tool, backend, a.start_tree, db, stdout_file=outf,
                                      inw_args=[])
            ph.update(info)
            ph["cpu_at_settled_s"] = pr.cpu_s()
            try:
                if tool == "fim":
                    ph["rss_hwm_kib"] = pr.status_kib("VmHWM")
            finally:
                finish(pr, ph)
            if tool == "fim":
                ph["events"] = sum(1 for _ in open(outp, "rb"))
                sl = ph.get("settled_line", "")
                if phase == "second" and not sl.startswith("fim watch: reconciled: 0 changes"):
                    ph.setdefault("anomalies", []).append(
                        "second run on the unchanged read-only tree: '%s'" % sl)
                if phase == "first" and not sl.startswith("fim watch: recorded"):
                    ph.setdefault("anomalies", []).append(
                        "first run on an empty database: '%s'" % sl)
                if ph["events"]:
                    ph.setdefault("anomalies", []).append(
                        "%s run printed %d events for an unchanged tree" % (phase, ph["events"]))
            run[phase] = ph
            log("  start-up %s run %d %s: ready %.2f s%s" % (
                backend or tool, r + 1, phase, ph["ready_s"],
                (", %s at %.2f s" % (ph["settled_line"].split(":")[1].strip().split(" ")[0],
                                     ph["settled_s"])) if "settled_s" in ph else ""))
        res["runs"].append(run)
    return res


# ------------------------------------------------------------------ report --------------
def f_ms(v):
    return "—" if v is None else ("%.2f" % v if v < 10 else "%.1f" % v)


def f_s(v, d=2):
    return "—" if v is None else "%.*f" % (d, v)


def f_mib(kib):
    return "—" if not kib else "%.0f" % (kib / 1024)


def goal(ok):
    return "goal met" if ok else "goal missed"


def report(a, R, env):
    o = []
    w = o.append
    labels = [("fim", "fanotify", "fim watch --backend fanotify"),
              ("fim", "inotify", "fim watch --backend inotify"),
              ("inotifywait", None, "inotifywait")]

    def key(tool, backend):
        return backend or tool

    w("## fim watch benchmark")
    w("")
    w("Environment: %s" % env)
    w("")
    what = a.what.split(",")
    issue_section(a, R, w, labels, key, what)
    # ---- latency
    if "latency" in what:
        latency_section(a, R, w, labels, key)
    if "burst" in what:
        burst_section(a, R, w, labels, key)
    if "startup" in what:
        startup_section(a, R, w, labels, key)
    if "burst" in what:
        rss_section(a, R, w)
    anomalies_section(R, w)
    return "\n".join(o)


def thread_delta(before, after):
    """{name: CPU seconds} spent between two thread_cpu() snapshots, largest first"""
    d = {k: (v - before.get(k, 0)) / CLK_TCK for k, v in after.items()}
    return dict(sorted(((k, v) for k, v in d.items() if v > 0), key=lambda kv: -kv[1]))


def issue_section(a, R, w, labels, key, what):
    """The issue-18 table: CPU per reported change (paced and burst), paced latency, burst rate,
    missing and the share attributed from audit, per watcher, with the goals."""
    lat = R.get("latency", {}) if "latency" in what else {}
    br = R.get("burst", {}) if "burst" in what else {}
    w("### Issue 18 metrics")
    w("")
    w("CPU per change = the watcher's user+system CPU seconds / reported changes (paced: the "
      "latency test's measured appends; burst: its events, from ready to quiet). From audit = "
      "events with `fim.attribution` `audit` / events (overflow lines excluded).")
    w("")
    w("| watcher | paced: CPU µs/change | paced: rate/s | paced: p50 / p99 ms | burst: CPU µs/change "
      "| burst: rate/s | burst: missing | burst: from audit |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for tool, be, name in labels:
        l = lat.get(key(tool, be), {})
        b = br.get(key(tool, be), {})
        cells = [name]
        if "measured" in l and l.get("cpu_s") is not None and l["measured"]:
            cells += ["%.0f" % (l["cpu_s"] / l["measured"] * 1e6),
                      "%.0f" % l["rate"] if l.get("rate") else "?",
                      "%s / %s" % (f_ms(l.get("p50_ms")), f_ms(l.get("p99_ms")))]
        else:
            cells += ["—", "—", "—"]
        if "changes" in b and b.get("cpu_s") is not None and b.get("events"):
            att = b.get("attributions") or {}
            from_audit = (att.get("audit", 0) / b["events"] * 100) if tool == "fim" else None
            cells += ["%.0f" % (b["cpu_s"] / b["events"] * 1e6),
                      format(round(b["rate"]), ","), str(b.get("missing", "?")),
                      "—" if from_audit is None else "%.1f %%" % from_audit]
        else:
            cells += ["—", "—", "—", "—"]
        w("| " + " | ".join(cells) + " |")
    w("")
    for part, rs, n_of in (("paced", lat, lambda r: r.get("measured")),
                           ("burst", br, lambda r: r.get("events"))):
        for tool, be, name in labels:
            r = rs.get(key(tool, be), {})
            th = r.get("thread_cpu_s")
            if tool != "fim" or not th or not n_of(r):
                continue
            w("- %s, %s, CPU µs/change by thread: %s" % (name, part, ", ".join(
                "%s %.0f" % (k, v / n_of(r) * 1e6) for k, v in list(th.items())[:8])))
    w("")
    fl = R.get("floor") or {}
    if fl.get("with_rules"):
        nr, wr = fl["without_rules"], fl["with_rules"]
        w("Floor, the same writers without fim (audit as found, no rules → fim's rules, audit on, "
          "a minimal netlink reader as the audit pid): writers' rate %s/s → **%s/s**; their system "
          "CPU %.1f → %.1f µs per change, so audit costs the kernel **%.1f µs per change** in the "
          "writers; the reader %s µs per change (%s datagrams, %.1f per change); kernel lost %s."
          % (format(round(nr["rate"]), ","), format(round(wr["rate"]), ","),
             nr["sys_us_per_change"], wr["sys_us_per_change"], fl["audit_sys_us_per_change"],
             "%.0f" % (wr["reader_cpu_s"] / wr["changes"] * 1e6) if wr.get("reader_cpu_s") else "?",
             wr.get("datagrams", "?"), wr.get("datagrams", 0) / max(1, wr["changes"]),
             wr.get("kernel_lost", "?")))
        w("")
    elif fl.get("error"):
        w("Floor not measured: %s" % fl["error"])
        w("")
    w("Goals (issue 18): paced ≤ 150 µs/change, p50 < 0.5 ms, p99 < 2 ms; burst ≤ 40 µs/change, "
      "50,000 changes/s, 0 missing, ≥ 99 % from audit (with audit attribution on).")
    w("")


def latency_section(a, R, w, labels, key):
    w("### 1. Latency: closed write → output line (%s files, %d sequential appends after %d warm-up)"
      % (R.get("lat_files", "?"), a.changes, a.lat_warmup))
    w("")
    w("Append one line to one file (open O_APPEND, write, close; round-robin over the tree's "
      "files in a fixed shuffled order), then wait for the line naming that path (fim: JSON with "
      "`file.path` and `event.action` `updated`; inotifywait: `-e close_write --format %w%f`). "
      "Latency = CLOCK_MONOTONIC before the open → the reader thread's read of the line. "
      "CPU = the watcher's user+system time over the measured changes.")
    w("")
    w("| watcher | p50 ms | p90 ms | p99 ms | max ms | mean ms | missed | extra lines | CPU s | CPU µs/change |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for tool, be, name in labels:
        r = R["latency"].get(key(tool, be))
        if r is None:
            continue
        if "error" in r:
            w("| %s | failed: %s | | | | | | | | |" % (name, r["error"].replace("|", "\\|")[:200]))
            continue
        cpu = r.get("cpu_s")
        w("| %s | %s | %s | %s | %s | %s | %d | %d | %s | %s |" % (
            name, f_ms(r["p50_ms"]), f_ms(r["p90_ms"]), f_ms(r["p99_ms"]), f_ms(r["max_ms"]),
            f_ms(r["mean_ms"]), r["missed"], r["extra_lines"], f_s(cpu),
            "—" if cpu is None or not r["measured"] else "%.0f" % (cpu / r["measured"] * 1e6)))
    w("")
    w("| goal | fim fanotify | fim inotify | target |")
    w("| --- | --- | --- | --- |")
    base = R["latency"].get("inotifywait", {})
    rows = []
    for q, lim in (("p50_ms", 5), ("p99_ms", 50)):
        cells = []
        for be in ("fanotify", "inotify"):
            r = R["latency"].get(be, {})
            v = r.get(q)
            if v is None:
                cells.append("n/a")
            else:
                ok = v < lim and r.get("missed", 1) == 0
                cells.append("%s ms: %s" % (f_ms(v), goal(ok)))
        rows.append("| latency %s < %d ms | %s | %s | < %d ms |" % (q[:3], lim, cells[0], cells[1], lim))
    for q in ("p50_ms", "p99_ms"):
        cells = []
        for be in ("fanotify", "inotify"):
            v, b = R["latency"].get(be, {}).get(q), base.get(q)
            cells.append("n/a" if v is None or not b else "%.1f×" % (v / b))
        rows.append("| ratio fim / inotifywait, %s | %s | %s | (inotifywait %s ms) |"
                    % (q[:3], cells[0], cells[1], f_ms(base.get(q))))
    for r in rows:
        w(r)
    w("")


def burst_section(a, R, w, labels, key):
    br = R["burst"]
    some = next((r for r in br.values() if "changes" in r), {})
    w("### 2. Burst: %s changes/s for %s s on %s files"
      % (format(a.rate, ","), a.duration, format(some.get("tree_files", 0), ",") or "?"))
    w("")
    w("%d writer processes, each paced in %d ms slices, overwrite the start of files in place "
      "with a unique line (open O_WRONLY, write, close: no truncation) cycling over a shuffled "
      "list of the tree's files; then wait until the output has been quiet for "
      "%.0f s. fim: a modified file is **missing** unless an event for its path carries "
      "`file.hash.xxh3_128` equal to `xxh128sum` of the file's final content (every content is "
      "unique, so only a read after the last write can match). inotifywait (reference only): "
      "missing = no CLOSE_WRITE line for the path at all. CPU = the watcher's user+system time from "
      "ready to quiet; drain = last write → last output line."
      % (a.writers, a.slice_ms, a.quiet_s))
    w("")
    w("| watcher | changes | achieved rate/s | distinct files | events | overflow events | missing | drain s | CPU s | peak RSS MiB (burst / process) |")
    w("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for tool, be, name in labels:
        r = br.get(key(tool, be))
        if r is None:
            continue
        if "error" in r:
            w("| %s | failed: %s | | | | | | | | |" % (name, r["error"].replace("|", "\\|")[:200]))
            continue
        w("| %s | %s | %s | %s | %s | %s | **%s** | %s | %s | %s / %s |" % (
            name, format(r["changes"], ","), format(round(r["rate"]), ","),
            format(r["distinct"], ","), format(r.get("events", 0), ","), r.get("overflow_events", 0),
            r.get("missing", "?"), f_s(r.get("drain_s"), 1), f_s(r.get("cpu_s"), 1),
            f_mib(r.get("rss_peak_burst_kib")), f_mib(r.get("rss_hwm_kib"))))
    w("")
    for tool, be, name in labels:
        r = br.get(key(tool, be), {})
        if "changes" in r:
            extra = ""
            if r.get("overflow_lines"):
                extra = "; stderr: " + " / ".join("`%s`" % l for l in r["overflow_lines"][:3])
            w("- %s: writers used %.1f s CPU%s; actions %s%s" % (
                name, r.get("writer_cpu_s") or 0,
                "" if not r.get("behind_slices") else ", fell behind the pace in %d slices" % r["behind_slices"],
                r.get("actions", "n/a"), extra))
    w("")


def startup_section(a, R, w, labels, key):
    st = R["startup"]
    w("### 3. Start-up on %s (%d runs each: median, min–max in seconds)" % (a.start_tree, a.runs))
    w("")
    w("From process launch to: **ready** = `fim watch: watching …` (backend ready) or inotifywait's "
      "`Watches established.`; **recorded** = `fim watch: recorded N paths` (first run, empty "
      "database: the trees are recorded); second run on the same database: **reconciled** = "
      "`fim watch: reconciled: N changes …`. RSS = VmHWM at that point; CPU = user+system until then.")
    w("")
    w("| watcher | 1st run: ready | 1st run: recorded | 2nd run: ready | 2nd run: reconciled | RSS MiB (1st) | CPU s (1st) |")
    w("| --- | --- | --- | --- | --- | ---: | ---: |")

    def mm(vals):
        vals = [v for v in vals if v is not None]
        if not vals:
            return "—"
        return "%.2f (%.2f–%.2f)" % (median(vals), min(vals), max(vals))

    for tool, be, name in labels:
        r = st.get(key(tool, be))
        if r is None:
            continue
        if "error" in r and not r.get("runs"):
            w("| %s | failed: %s | | | | | |" % (name, r["error"].replace("|", "\\|")[:200]))
            continue
        runs = r["runs"]
        f = [x.get("first", {}) for x in runs]
        s = [x.get("second", {}) for x in runs]
        if tool == "fim":
            w("| %s | %s | %s | %s | %s | %s | %s |" % (
                name, mm([x.get("ready_s") for x in f]), mm([x.get("settled_s") for x in f]),
                mm([x.get("ready_s") for x in s]), mm([x.get("settled_s") for x in s]),
                f_mib(median([x.get("rss_hwm_kib") for x in f])),
                f_s(median([x.get("cpu_at_settled_s") for x in f]))))
        else:
            w("| %s | %s | | | | | %s |" % (name, mm([x.get("ready_s") for x in f]),
                                           f_s(median([x.get("cpu_at_settled_s") for x in f]))))
        if "error" in r:
            w("| %s (later run) | failed: %s | | | | | |" % (name, r["error"].replace("|", "\\|")[:200]))
    inw = median([x["first"].get("ready_s") for x in st.get("inotifywait", {}).get("runs", [])])
    w("")
    for be in ("fanotify", "inotify"):
        runs = st.get(be, {}).get("runs", [])
        v = median([x.get("first", {}).get("ready_s") for x in runs])
        if v is not None and inw:
            w("- fim %s ready / inotifywait ready: %.1f× (%.2f s vs %.2f s)" % (be, v / inw, v, inw))
    w("")


def rss_section(a, R, w):
    br = R["burst"]
    w("### 4. Peak RSS of fim watch (java process) over the burst run on %s" % a.burst_tree)
    w("")
    w("| backend | VmHWM over the whole run (incl. recording) | VmRSS when ready (after recording) | peak VmRSS while the burst ran | goal < 200 MB |")
    w("| --- | ---: | ---: | ---: | --- |")
    for be in ("fanotify", "inotify"):
        r = br.get(be)
        if r is None:
            continue
        h = r.get("rss_hwm_kib")
        if not h:
            w("| %s | n/a (%s) | | | |" % (be, (r.get("error") or "not measured").replace("|", "\\|")[:150]))
            continue
        w("| %s | %s MiB | %s MiB | %s MiB | %s |" % (
            be, f_mib(h), f_mib(r.get("rss_after_start_kib")), f_mib(r.get("rss_peak_burst_kib")),
            goal(h * 1024 < 200e6)))
    w("")


def anomalies_section(R, w):
    br, st = R["burst"], R["startup"]
    an = []
    for sect, d in (("latency", R["latency"]), ("burst", br)):
        for k, r in d.items():
            for x in r.get("anomalies", []):
                an.append("%s, %s: %s" % (sect, k, x))
            if "error" in r:
                an.append("%s, %s: failed: %s" % (sect, k, r["error"]))
    for k, r in st.items():
        for i, run in enumerate(r.get("runs", [])):
            for ph, x in run.items():
                for y in x.get("anomalies", []):
                    an.append("start-up, %s, run %d (%s): %s" % (k, i + 1, ph, y))
        if "error" in r:
            an.append("start-up, %s: failed: %s" % (k, r["error"]))
    w("### Anomalies")
    w("")
    if an:
        for x in an:
            w("- " + x.replace("\n", " ")[:600])
    else:
        w("None: every fim run stopped with exit 0 and a `stopped` line, nothing missed.")
    w("")


def run_all(a):
    R = {"latency": {}, "burst": {}, "startup": {}}
    load_before = open("/proc/loadavg").read().split()[:3]
    t0 = time.monotonic()
    what = a.what.split(",")
    subjects = [("fim", b) for b in a.backends.split(",") if b]
    if a.reference:
        subjects.append(("inotifywait", None))
    R["lat_files"] = len(plain_regular_files(a.lat_tree)) if "latency" in what else 0

    def guarded(store, tool, be, fn):
        k = be or tool
        log("%s: %s%s" % (fn.__name__.replace("run_", ""), tool, " --backend " + be if be else ""))
        try:
            store[k] = fn(a, tool, be)
        except StartError as e:
            store[k] = {"error": str(e), "tool": tool, "backend": be}
            log("  failed: %s" % e)
        finally:
            stop_all()
        r = store[k]
        if "p50_ms" in r and r["p50_ms"] is not None:
            log("  p50 %.2f ms p99 %.2f ms max %.2f ms, missed %d" % (
                r["p50_ms"], r["p99_ms"], r["max_ms"], r["missed"]))
        if "missing" in r:
            log("  %d changes at %.0f/s, %d events, %d overflow events, missing %s" % (
                r["changes"], r["rate"], r.get("events", 0), r.get("overflow_events", 0), r["missing"]))

    if "latency" in what:
        for tool, be in subjects:
            guarded(R["latency"], tool, be, run_latency)
    if "burst" in what and a.floor:
        log("floor: the burst's writers without fim, audit rules off and on")
        try:
            R["floor"] = run_floor(a)
        except StartError as e:
            R["floor"] = {"error": str(e)}
            log("  failed: %s" % e)
        finally:
            stop_all()
    if "burst" in what:
        for tool, be in subjects:
            guarded(R["burst"], tool, be, run_burst)
    if "startup" in what:
        for tool, be in subjects:
            guarded(R["startup"], tool, be, run_startup)
    load_after = open("/proc/loadavg").read().split()[:3]
    # every number and status line, beside the markdown (for digging into an anomaly)
    with open(os.path.splitext(a.results)[0] + ".json", "w") as f:
        json.dump(R, f, indent=1, default=str)

    def cmd_out(cmd):
        try:
            return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                  timeout=60).stdout.decode(errors="replace").strip().splitlines()[0]
        except Exception:  # noqa: BLE001
            return "?"
    sysctl = {k: open("/proc/sys/fs/inotify/" + k).read().strip()
              for k in ("max_queued_events", "max_user_watches")}
    cpu = "?"
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    env = ("%s, kernel %s, nproc %d, CPU %s; load average %s before, %s after; %.0f s in all. "
           "fim: `%s` (%s, git %s, FIM_JAVA_OPTS=%s, extra watch options: `%s`); %s; "
           "fs.inotify.max_queued_events=%s, max_user_watches=%s."
           % (time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), platform.release(),
              os.cpu_count(), cpu, "/".join(load_before), "/".join(load_after),
              time.monotonic() - t0, a.fim, cmd_out([a.fim, "--version"]),
              cmd_out(["git", "-C", os.path.dirname(os.path.abspath(a.fim)), "rev-parse",
                       "--short", "HEAD"]),
              os.environ.get("FIM_JAVA_OPTS", "default"), a.fim_opts or "none",
              "inotifywait " + cmd_out(["inotifywait", "--help"]).split()[-1],
              sysctl["max_queued_events"], sysctl["max_user_watches"]))
    md = report(a, R, env)
    with open(a.results, "w") as f:
        f.write(md + "\n")
    print(md)
    log("wrote %s" % a.results)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--work", required=True)
    r.add_argument("--fim", required=True)
    r.add_argument("--fim-opts", default="")
    r.add_argument("--backends", default="fanotify,inotify")
    r.add_argument("--what", default="latency,burst,startup")
    r.add_argument("--lat-tree", required=True)
    r.add_argument("--burst-tree", required=True)
    r.add_argument("--start-tree", required=True)
    r.add_argument("--changes", type=int, default=1000)
    r.add_argument("--lat-warmup", type=int, default=50)
    r.add_argument("--lat-timeout", type=float, default=5.0)
    r.add_argument("--rate", type=int, default=20000)
    r.add_argument("--duration", type=float, default=10.0)
    r.add_argument("--writers", type=int, default=2)
    r.add_argument("--slice-ms", type=float, default=10.0)
    r.add_argument("--quiet-s", type=float, default=3.0)
    r.add_argument("--drain-timeout", type=float, default=300.0)
    r.add_argument("--runs", type=int, default=3)
    r.add_argument("--ready-timeout", type=float, default=600.0)
    r.add_argument("--results", required=True)
    r.add_argument("--no-floor", dest="floor", action="store_false",
                   help="do not measure the writers without fim (audit rules off and on)")
    r.add_argument("--no-reference", dest="reference", action="store_false",
                   help="do not run inotifywait beside fim")
    wr = sub.add_parser("writer")
    wr.add_argument("--files", required=True)
    wr.add_argument("--rate", type=float, required=True)
    wr.add_argument("--duration", type=float, required=True)
    wr.add_argument("--slice-ms", type=float, default=10.0)
    wr.add_argument("--start-ns", type=int, required=True)
    wr.add_argument("--id", type=int, required=True)
    wr.add_argument("--tag", required=True)
    wr.add_argument("--out", required=True)
    rd = sub.add_parser("audit-reader")
    rd.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.cmd == "writer":
        writer_main(a)
        return
    if a.cmd == "audit-reader":
        audit_reader_main(a)
        return
    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        if signal.getsignal(s) != signal.SIG_IGN:
            signal.signal(s, _on_signal)
    try:
        run_all(a)
    finally:
        stop_all()


if __name__ == "__main__":
    main()

#!/usr/bin/env bash
# bench/attribution.sh
#
# What audit attribution costs `fim watch` (issue 6's goals), measured in one run with
# bench/watch.sh's driver on the fanotify backend, once with `--attribution proc` (no audit:
# /proc of the writer, read as the event arrives) and once with `--attribution audit` (fim's
# audit rules, each change joined with its syscall record, waiting at most --correlation-ms):
#   1. latency of a closed write → JSON line: p99 with audit vs without (goal: at most 20% more,
#      beyond the correlation window);
#   2. a sustained burst at RATE changes/s (default 5,000): no change missing, and every event
#      attributed ("audit") or explicitly marked (attribution "none" with attribution_reason).
# Prints a markdown summary and writes bench/results-attribution.md. Run as root (audit rules).
#
# Environment (all optional; the rest as in bench/watch.sh):
#   N=20000        files in the burst tree     LAT_N=2000   files in the latency tree
#   CHANGES=1000   measured latency changes    RATE=5000    burst changes/s
#   DURATION=10    burst seconds               CORRELATION_MS=200  fim's --correlation-ms
#   KEEP=1         keep the work directory (each run's results-watch.json, with fim's stderr lines)
set -euo pipefail

here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
export N=${N:-20000} LAT_N=${LAT_N:-2000} CHANGES=${CHANGES:-1000} RATE=${RATE:-5000} DURATION=${DURATION:-10}
CORRELATION_MS=${CORRELATION_MS:-200}
RESULTS_DIR=${RESULTS_DIR:-$here}
log() { printf '[bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root: --attribution audit installs audit rules"

work=$(mktemp -d /tmp/fim-bench-attr.XXXXXX)
[ "${KEEP:-0}" = 1 ] && log "keeping $work" || trap 'rm -rf "$work"' EXIT
for mode in proc audit; do
  log "fim watch --attribution $mode"
  RESULTS_DIR="$work/$mode" REFERENCE=0 BACKENDS=fanotify WHAT=latency,burst \
    FIM_WATCH_OPTS="--attribution $mode --correlation-ms $CORRELATION_MS ${FIM_WATCH_OPTS:-}" \
    "$here/watch.sh" >"$work/$mode.md"
done

python3 - "$work" "$CORRELATION_MS" "$RESULTS_DIR/results-attribution.md" <<'PY'
import json, sys
work, window_ms, out = sys.argv[1], float(sys.argv[2]), sys.argv[3]
R = {m: json.load(open("%s/%s/results-watch.json" % (work, m))) for m in ("proc", "audit")}
lat = {m: R[m]["latency"].get("fanotify", {}) for m in R}
burst = {m: R[m]["burst"].get("fanotify", {}) for m in R}
o = []
w = o.append
w("## Attribution cost: fim watch --attribution audit vs proc (fanotify, one run)")
w("")
w("| | proc p50 ms | proc p99 ms | audit p50 ms | audit p99 ms | p99 audit / proc | attributions (audit run) |")
w("| --- | ---: | ---: | ---: | ---: | ---: | --- |")
p, a = lat["proc"], lat["audit"]
ratio = a.get("p99_ms") / p.get("p99_ms") if a.get("p99_ms") and p.get("p99_ms") else None
w("| latency, %s sequential changes | %.2f | %.2f | %.2f | %.2f | %s | %s |" % (
    a.get("measured", "?"), p.get("p50_ms") or 0, p.get("p99_ms") or 0, a.get("p50_ms") or 0,
    a.get("p99_ms") or 0, "—" if ratio is None else "%.2f×" % ratio, a.get("attributions")))
w("")
added = (a.get("p99_ms") or 0) - (p.get("p99_ms") or 0)
ok_lat = ratio is not None and (ratio <= 1.2 or added <= window_ms)
w("- goal: audit adds at most 20%% to p99 beyond the %.0f ms correlation window: p99 %.2f → %.2f ms "
  "(+%.2f ms, %s): **%s**" % (window_ms, p.get("p99_ms") or 0, a.get("p99_ms") or 0, added,
                             "—" if ratio is None else "%.2f×" % ratio,
                             "met" if ok_lat and ratio <= 1.2 else ("met (within the window)" if ok_lat else "missed")))
b = burst["audit"]
atts = b.get("attributions", {})
events = sum(v for k, v in atts.items())
unmarked = atts.get("none (unmarked)", 0) + atts.get("missing", 0)
ok_burst = b.get("missing") == 0 and unmarked == 0 and (b.get("rate") or 0) >= 0.95 * float(b.get("target_rate") or 0)
w("- burst with audit: %s changes at %s/s (target %s/s), %s events, missing **%s**, overflow events %s, "
  "attributions %s, drain %.1f s, peak RSS %.0f MiB" % (
      format(b.get("changes", 0), ","), format(round(b.get("rate") or 0), ","), b.get("target_rate"),
      format(events, ","), b.get("missing"), b.get("overflow_events"), atts, b.get("drain_s") or 0,
      (b.get("rss_hwm_kib") or 0) / 1024))
w("- goal: 5,000 attributed changes/s with every change attributed or explicitly marked: **%s**"
  % ("met" if ok_burst else "missed"))
for l in b.get("overflow_lines", [])[:5]:
    w("  - fim said: `%s`" % l)
pb = burst["proc"]
w("- same burst with proc: %s changes at %s/s, missing %s, attributions %s" % (
    format(pb.get("changes", 0), ","), format(round(pb.get("rate") or 0), ","), pb.get("missing"),
    pb.get("attributions")))
an = [x for m in R for sect in ("latency", "burst") for x in R[m][sect].get("fanotify", {}).get("anomalies", [])]
w("- anomalies: %s" % ("; ".join(an)[:800] if an else "none"))
md = "\n".join(o)
open(out, "w").write(md + "\n")
print(md)
PY

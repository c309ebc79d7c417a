#!/usr/bin/env bash
# fim ship beside a plain bulk loader, on the same local OpenSearch node, in one run (issue 17).
#
#   bench/ship.sh [N]          N events (default 1,000,000); e.g. bench/ship.sh 100000; 0: lag only
#
# 1. builds fim (mvn package) and the cli test classes, whose StandaloneOpenSearch runs a real
#    OpenSearch 2.19 node (the one the tests use) in a JVM of its own on 127.0.0.1 (heap NODE_HEAP);
# 2. records N events in a new store through the store API (ShipBench populate: updates with a hash,
#    as fim watch records them) and installs fim's index template;
# 3. plain loader: curl posts the very documents fim ships (ShipBench ndjson: the same JSON, ids and
#    batch size, into fim-events-plain-* so both go through the same template) to _bulk, one file
#    per request, sequentially;
# 4. fim ship --once over the store, timed with its RSS;
# and prints docs/s for both, checking that each put exactly N documents in;
# 5. the live lag (LAG_CHANGES paced changes, default 100, every LAG_PACE_MS, default 200; 0 skips),
#    once per LAG_RUNS entry MODE:REFRESH (default "ship:1s watch:1s watch:template"): a real
#    fim watch (--attribution proc: no audit rules) records each new file, and either a following
#    fim ship --interval LAG_INTERVAL (default 0.1) sends it (MODE ship, the old way) or the watch
#    itself does (MODE watch: fim watch --ship); a poller (_search every 20 ms) notes when its
#    document is searchable, a reader of the watch's stdout when the watch reported it; p50/p99 of
#    (searchable - written), (reported - written) and (searchable - reported). REFRESH is set on
#    fim-events-* before measuring (1s is Elasticsearch's default), or "template": fim's (250ms).
#    N=0 runs only this part.
# Everything lives in a mktemp -d under /var/tmp, removed at the end with the node and the
# processes started here (stopped by their pids). The load average is printed: other work on the
# machine moves every number here.
set -euo pipefail
N=${1:-1000000}
BATCH=${BATCH:-1000}
NODE_HEAP=${NODE_HEAP:-1g}
REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
WORK=$(mktemp -d /var/tmp/fim-ship-bench.XXXXXX)
NODE_PID=
WATCH_PID=
SHIP_PID=
cleanup() {
  for p in $SHIP_PID $WATCH_PID; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  if [ -n "$NODE_PID" ]; then kill -TERM "$NODE_PID" 2>/dev/null || true; wait "$NODE_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

cd "$REPO"
echo "building fim and the test classes…" >&2
[ -n "${NO_BUILD:-}" ] || mvn -B -ntp -q ${MVN_OPTS:--o} -DskipTests package
# the test classpath (the node's jars): resolved in the reactor, so test-compile runs too (a no-op
# when the classes are up to date)
mvn -B -ntp -q ${MVN_OPTS:--o} -pl cli -am test-compile dependency:build-classpath \
  -Dmdep.includeScope=test -Dmdep.outputFile="$WORK/deps.txt" >"$WORK/mvn.log" 2>&1 ||
  { cat "$WORK/mvn.log" >&2; exit 1; }
CP="cli/target/test-classes:cli/target/classes:fim/target/classes:auditlink/target/classes:baseline/target/classes:store/target/classes:$(cat "$WORK/deps.txt")"

now() { date +%s.%N; }
count() { # index pattern → documents after a refresh
  curl -s -XPOST "$URL/$1/_refresh" >/dev/null
  curl -s "$URL/$1/_count" | sed -E 's/.*"count":([0-9]+).*/\1/'
}

java -Xms"$NODE_HEAP" -Xmx"$NODE_HEAP" -cp "$CP" dev.fim.cli.ship.StandaloneOpenSearch "$WORK/url" \
  >"$WORK/node.log" 2>&1 &
NODE_PID=$!
for _ in $(seq 1 600); do [ -f "$WORK/url" ] && break; kill -0 "$NODE_PID" || { cat "$WORK/node.log"; exit 1; }; sleep 0.2; done
URL=$(cat "$WORK/url")
echo "node: $URL (heap $NODE_HEAP, pid $NODE_PID)" >&2

curl -s -XPUT "$URL/_index_template/fim-events" -H 'Content-Type: application/json' \
  --data-binary @fim/src/main/resources/dev/fim/engine/ship/index-template.json >/dev/null

if [ "$N" -gt 0 ]; then # N=0: the live lag only
t0=$(now)
java -Xmx512m -cp "$CP" dev.fim.cli.ship.ShipBench populate "$WORK/db" "$N"
t1=$(now)
echo "recorded $N events in $(echo "$t1 - $t0" | bc) s" >&2
java -Xmx512m -cp "$CP" dev.fim.cli.ship.ShipBench ndjson "$WORK/db" "$WORK/bulk" "$BATCH"
echo "bulk bodies: $(ls "$WORK/bulk" | wc -l) files, $(du -sh "$WORK/bulk" | cut -f1)" >&2

# plain loader: curl, one request per file, sequentially (as fim ship sends them), without curl's
# "Expect: 100-continue"; run before fim ship and again after it (into fim-events-again-*): the
# first loader on a fresh node is the slower one (the node warms up), so compare with both
t0=$(now)
for f in "$WORK"/bulk/*.ndjson; do
  curl -s -o /dev/null -H 'Expect:' -H 'Content-Type: application/x-ndjson' --data-binary @"$f" "$URL/_bulk"
done
t1=$(now)
plain_s=$(echo "$t1 - $t0" | bc)
plain_n=$(count 'fim-events-plain-*')

# fim ship
t0=$(now)
/usr/bin/time -f '%M' -o "$WORK/rss" bin/fim ship --once --db "$WORK/db" --to "$URL" --batch "$BATCH" >"$WORK/ship.out"
t1=$(now)
fim_s=$(echo "$t1 - $t0" | bc)
fim_n=$(count 'fim-events-2*')
cat "$WORK/ship.out" >&2

sed -i 's/"_index":"fim-events-plain-/"_index":"fim-events-again-/' "$WORK"/bulk/*.ndjson
t0=$(now)
for f in "$WORK"/bulk/*.ndjson; do
  curl -s -o /dev/null -H 'Expect:' -H 'Content-Type: application/x-ndjson' --data-binary @"$f" "$URL/_bulk"
done
t1=$(now)
again_s=$(echo "$t1 - $t0" | bc)
again_n=$(count 'fim-events-again-*')

echo
echo "| loader ($N events, batches of $BATCH, node heap $NODE_HEAP) | seconds | docs/s | documents in the index |"
echo "| --- | ---: | ---: | ---: |"
printf '| plain: curl posting the same NDJSON to _bulk | %.2f | %.0f | %s |\n' "$plain_s" "$(echo "$N / $plain_s" | bc -l)" "$plain_n"
printf '| fim ship --once (RSS %s MiB) | %.2f | %.0f | %s |\n' "$(( $(cat "$WORK/rss") / 1024 ))" "$fim_s" "$(echo "$N / $fim_s" | bc -l)" "$fim_n"
printf '| plain again, after fim ship | %.2f | %.0f | %s |\n' "$again_s" "$(echo "$N / $again_s" | bc -l)" "$again_n"
printf '\nfim ship / plain: %.0f%% (first run), %.0f%% (second run)\n' \
  "$(echo "100 * $plain_s / $fim_s" | bc -l)" "$(echo "100 * $again_s / $fim_s" | bc -l)"
[ "$plain_n" = "$N" ] && [ "$fim_n" = "$N" ] && [ "$again_n" = "$N" ] || { echo "count mismatch" >&2; exit 1; }

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
fi

LAG_CHANGES=${LAG_CHANGES:-100}
[ "$LAG_CHANGES" -gt 0 ] || exit 0
# each LAG_RUNS entry is MODE:REFRESH, measured one after the other on the same node:
#   ship   fim watch beside fim ship --interval LAG_INTERVAL (the old way: a poll)
#   watch  fim watch --ship (the shipping thread woken by each recorded batch)
# REFRESH is the refresh_interval set on fim-events-* before measuring, or "template" (leave the
# template's own)
for run in ${LAG_RUNS:-ship:1s watch:1s watch:template}; do
mode=${run%%:*}
refresh=${run#*:}
LAG="$WORK/lag-$mode-$refresh"
mkdir -p "$LAG/tree"
printf 'ALL = p+ftype+u+g+s+xxh3\n%s ALL\n' "$LAG/tree" >"$LAG/fim.conf"
F=(--db "$LAG/db" --key "$LAG/seal.key" -c "$LAG/fim.conf")
bin/fim init "${F[@]}" >/dev/null
curl -s -XDELETE "$URL/fim-events-2*" >/dev/null # a fresh month index: made from the template
if [ "$mode" = watch ]; then
  bin/fim watch "${F[@]}" --attribution proc --ship "$URL" >"$LAG/watch.out" 2>"$LAG/watch.err" &
  WATCH_PID=$!
  for _ in $(seq 1 300); do grep -q "watching " "$LAG/watch.err" && break; sleep 0.1; done
else
  bin/fim watch "${F[@]}" --attribution proc >"$LAG/watch.out" 2>"$LAG/watch.err" &
  WATCH_PID=$!
  for _ in $(seq 1 300); do grep -q "watching " "$LAG/watch.err" && break; sleep 0.1; done
  bin/fim ship --db "$LAG/db" --to "$URL" --interval "${LAG_INTERVAL:-0.1}" >"$LAG/ship.out" 2>&1 &
  SHIP_PID=$!
fi
python3 - "$URL" "$LAG/tree" "$LAG_CHANGES" "${LAG_PACE_MS:-200}" "$refresh" "$mode" "$LAG/watch.out" <<'PY'
import json, os, sys, threading, time, urllib.request
url, tree, n, pace_ms, refresh, mode, watch_out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
def call(method, path, body=None):
    req = urllib.request.Request(url + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.load(e)
def seen_paths():
    r = call("POST", "/fim-events-*/_search?ignore_unavailable=true",
             {"size": 10000, "_source": ["file.path"],
              "query": {"prefix": {"file.path": tree + "/lag-"}}})
    return {h["_source"]["file"]["path"] for h in r.get("hits", {}).get("hits", [])}
# readiness: a probe goes through watch -> store -> ship -> cluster before the measurement
probe = os.path.join(tree, "lag-probe")
open(probe, "w").write("probe\n")
deadline = time.time() + 120
while probe not in seen_paths():
    if time.time() > deadline:
        sys.exit("the probe never became searchable: is fim watch or fim ship down?")
    time.sleep(0.1)
if refresh != "template":
    call("PUT", "/fim-events-*/_settings", {"index": {"refresh_interval": refresh}})
index_refresh = list(call("GET", "/fim-events-2*/_settings/index.refresh_interval?include_defaults=true").values())
written, searchable, reported = {}, {}, {}
done = threading.Event()
def poll():
    while not done.is_set():
        now = time.time()
        for p in seen_paths():
            if p in written and p not in searchable:
                searchable[p] = now
        if len(searchable) == n:
            done.set()
        time.sleep(0.02)
def follow_watch():  # when fim watch printed each change (its stdout, JSON lines)
    with open(watch_out) as f:
        while not done.is_set():
            line = f.readline()
            if not line:
                time.sleep(0.005)
                continue
            now = time.time()
            try:
                p = json.loads(line)["file"]["path"]
            except Exception:
                continue
            reported.setdefault(p, now)
t = threading.Thread(target=poll); t.start()
u = threading.Thread(target=follow_watch); u.start()
for i in range(n):
    p = os.path.join(tree, "lag-%04d" % i)
    written[p] = time.time()
    with open(p, "w") as f:
        f.write("change %d\n" % i)
    time.sleep(pace_ms / 1000)
done.wait(120); done.set(); t.join(); u.join()
lags = sorted(searchable[p] - written[p] for p in searchable)
rec = sorted(reported[p] - written[p] for p in reported if p in written)
after = sorted(searchable[p] - reported[p] for p in searchable if p in reported)
if len(lags) < n:
    print("only %d of %d changes became searchable within 120 s" % (len(lags), n))
def pct(xs, q):
    return xs[min(len(xs) - 1, int(q * len(xs)))] * 1000 if xs else float("nan")
how = "fim watch --ship" if mode == "watch" else "fim watch beside fim ship --interval"
print("\nlive lag, %d changes every %d ms (%s; refresh_interval %s, index says %s): "
      "p50 %.0f ms, p99 %.0f ms, max %.0f ms; written->reported by the watch p50 %.0f p99 %.0f; "
      "reported->searchable p50 %.0f p99 %.0f"
      % (len(lags), pace_ms, how, refresh, json.dumps(index_refresh)[:200], pct(lags, .5), pct(lags, .99),
         lags[-1] * 1000, pct(rec, .5), pct(rec, .99), pct(after, .5), pct(after, .99)))
PY
for p in $SHIP_PID $WATCH_PID; do kill -TERM "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
SHIP_PID=
WATCH_PID=
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
done

#!/bin/bash
# run.sh FIMROOT LABEL MODE DEPTH N [watch opts...]: start the watch on a fresh tree, attack, heap after full GC
# The watch's memory under hostile path lengths (docs/performance.md, "Issue 18, session 17: the watch's memory
# under hostile names and arguments"). Usage: bench/hostile-paths.sh FIMROOT LABEL MODE DEPTH N [watch options]
# e.g. bench/hostile-paths.sh . new files 65536 2000 --attribution=proc. Runs as root; uses audit with the default attribution.
fimroot=$1 label=$2 mode=$3 depth=$4 n=$5; shift 5
w=${WORK:-/tmp/fim-hostile}/$label; rm -rf $w; mkdir -p $w/tree; echo hi > $w/tree/a
"$fimroot/bin/fim" watch --db $w/db --backend fanotify --format json "$@" $w/tree > $w/out.json 2> $w/err.log &
pid=$!
for i in $(seq 1 300); do grep -q "fim watch: \(recorded\|reconciled\)" $w/err.log && break; sleep 0.1; done
jpid=$(pgrep -P $pid java || echo $pid)
t0=$(date +%s.%N)
python3 "$(dirname "$0")/hostile_paths.py" $w/tree $mode $depth $n
t1=$(date +%s.%N)
echo "attack took $(echo "$t1 - $t0" | bc) s"
for i in $(seq 1 40); do kill -0 $pid 2>/dev/null || break; sleep 0.5; done
if kill -0 $pid 2>/dev/null; then
  echo ALIVE; jcmd $jpid GC.run >/dev/null; jcmd $jpid GC.heap_info | grep -i "total\|tenured\|def new" 
  kill -TERM $pid; wait $pid; echo "exit $?"
else wait $pid; echo "DIED exit $?"; fi
echo "lines: $(wc -l < $w/out.json)"; grep -c '"overflow\|rescan' $w/out.json; grep -i "outofmemory\|overflow\|rescan\|exception" $w/err.log | head -5

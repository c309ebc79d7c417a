#!/usr/bin/env bash
# Debian's stock aide config (/etc/aide/aide.conf with its aide.conf.d snippets) against the real
# aide over a whole tree (issue 14): for every path `aide --dry-init -l LIMIT` visits, the line
# that governs it in aide and in fim (DebianStockConfigTest). CI compares /etc and a part of /usr;
# this compares all of LIMIT.
#   bench/aide-stock.sh [LIMIT]      (default ^/usr)
# Needs aide and aide-common (installed here if missing, as root) and a built reactor.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
limit=${1:-^/usr}
if ! command -v aide >/dev/null 2>&1 || [ ! -f /etc/aide/aide.conf ]; then
  [ "$(id -u)" -eq 0 ] || { echo "aide-stock: aide/aide-common are not installed" >&2; exit 2; }
  (export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq aide aide-common) >/dev/null \
    || { echo "aide-stock: could not install aide" >&2; exit 2; }
fi
cd "$repo"
log=$(mktemp /tmp/aide-stock.XXXXXX.log)
set +e
mvn -B -ntp -q -o -pl baseline -am test -Dtest='DebianStockConfigTest#stockConfigSelectsWhatAideSelectsUnderUsr' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfim.stockConfig.usr="$limit" > "$log" 2>&1
rc=$?
set -e
grep -a "stock config under" "$log" >&2 || true
if [ $rc -ne 0 ]; then
  grep -a -A60 "AssertionFailedError" "$log" | head -80 >&2
  echo "aide-stock: disagreements or failure (full log $log)" >&2
  exit 1
fi
rm -f "$log"

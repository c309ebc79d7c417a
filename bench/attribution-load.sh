#!/usr/bin/env bash
# bench/attribution-load.sh
#
# Issue 15, item 4: is every change attributed right under load? Runs bench/attribution_load.py:
# `fim watch --attribution audit` on a fresh tree beside two CPU hogs (`sha256sum /dev/zero` x2),
# ROUNDS rounds of eight concurrent writers (the attribution table as login uid 1001: sed -i, mv,
# rm, chmod, echo >>, python os.replace, a write after setpriv --reuid=65534, cp + chmod 4755), on
# each backend; prints right/total per backend, every wrong one with why, and fim's stop line (the
# fallback counts). Run as root (audit rules; fim restores audit on exit).
#
# Environment: ROUNDS=10  BACKENDS=fanotify,inotify  FIM=bin/fim
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
[ "$(id -u)" = 0 ] || { echo "run as root: --attribution audit installs audit rules" >&2; exit 1; }
exec python3 "$here/attribution_load.py" "${FIM:-$here/../bin/fim}" "${BACKENDS:-fanotify,inotify}" "${ROUNDS:-10}"

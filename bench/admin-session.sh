#!/usr/bin/env bash
# bench/admin-session.sh — the administrator's session of docs/attribution.md, run for real.
#
# Under `fim watch` (audit attribution) on /etc, /usr/bin, /usr/games and /usr/share/doc, a login
# session of a throw-away user (its login uid set as pam_loginuid would, then root through the
# session as sudo would) installs two tiny packages built here with dpkg-deb, adds a user, sets
# its password, appends to /etc/hosts, copies a binary and makes it setuid, removes the packages
# and the user. Prints what fim reported (text, and JSON with FORMAT=json). Everything it adds is
# removed at the end (packages purged, users deleted, /etc/hosts restored, audit state restored
# by fim itself). Run as root on a machine where this is acceptable; not part of the tests.
set -euo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
fim="$here/bin/fim"
[ "$(id -u)" = 0 ] || { echo "run as root" >&2; exit 1; }
FORMAT=${FORMAT:-text}
work=$(mktemp -d /tmp/fim-admin.XXXXXX)
admin=fimadm$$ ; victim=fimusr$$ ; pkg_a=fimdemo-doc-$$ ; pkg_b=fimdemo-game-$$
hosts_backup="$work/hosts"
cp -p /etc/hosts "$hosts_backup"
watch_pid=
cleanup() {
  set +e
  [ -n "$watch_pid" ] && kill -TERM "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null
  dpkg --purge "$pkg_a" "$pkg_b" >/dev/null 2>&1
  userdel -r "$victim" >/dev/null 2>&1
  userdel -r "$admin" >/dev/null 2>&1
  rm -f /usr/bin/fimdemo-x-$$
  cp -p "$hosts_backup" /etc/hosts
  rm -rf "$work"
}
trap cleanup EXIT

build_deb() { # name version dest-path content
  local d="$work/deb-$1"
  mkdir -p "$d/DEBIAN" "$d$(dirname "$3")"
  printf '%s\n' "$4" >"$d$3"
  cat >"$d/DEBIAN/control" <<CTL
Package: $1
Version: $2
Architecture: all
Maintainer: fim bench <bench@example.org>
Description: fim admin-session demo package
CTL
  dpkg-deb --build --root-owner-group "$d" "$work/$1.deb" >/dev/null
}
build_deb "$pkg_a" 1.0-1 "/usr/share/doc/$pkg_a/README" "demo documentation"
build_deb "$pkg_b" 2.3-1 "/usr/games/$pkg_b" "#!/bin/sh"
useradd -m "$admin"
admin_uid=$(id -u "$admin")

trees=(/etc /usr/bin /usr/games /usr/share/doc)
db="$work/db"
export FIM_KEY_DIR="$work"
"$fim" init --db "$db" "${trees[@]}" >/dev/null
"$fim" watch --db "$db" --format "$FORMAT" --attribution audit "${trees[@]}" >"$work/events" 2>"$work/watch.err" &
watch_pid=$!
until grep -q "reconciled\|recorded " "$work/watch.err" 2>/dev/null; do
  kill -0 "$watch_pid" || { cat "$work/watch.err"; exit 1; }
  sleep 0.1
done

# The login session: loginuid set once (as pam_loginuid does at login), then root "through sudo":
# every process below keeps auid = the admin's uid.
setsid bash -c "
  echo $admin_uid > /proc/self/loginuid
  set -e
  dpkg -i '$work/$pkg_a.deb' '$work/$pkg_b.deb' >/dev/null
  useradd -m '$victim'
  echo '$victim:correct-horse' | chpasswd
  echo '10.9.8.7 fim-demo.internal' >> /etc/hosts
  cp /usr/bin/true /usr/bin/fimdemo-x-$$ && chmod 4755 /usr/bin/fimdemo-x-$$
  dpkg -r '$pkg_a' '$pkg_b' >/dev/null
  userdel -r '$victim'
"
# Wait until the watch has said everything (its output quiet for 2 s, at most 60 s), then stop it
# in order (a stop also reports whatever it still held).
last=-1; quiet=0
for _ in $(seq 1 600); do
  size=$(stat -c %s "$work/events")
  if [ "$size" = "$last" ]; then quiet=$((quiet + 1)); else quiet=0; last=$size; fi
  [ "$quiet" -ge 20 ] && break
  sleep 0.1
done
kill -TERM "$watch_pid"; wait "$watch_pid" || true; watch_pid=
echo "# fim watch --attribution audit ${trees[*]} (login uid $admin_uid = $admin)"
cat "$work/events"
echo "# $(wc -l <"$work/events") events; stop line:"
tail -n 3 "$work/watch.err"

#!/usr/bin/env bash
# bench/systemd-e2e.sh — the README's install, run for real under a booted systemd.
#
# Boots a minimal Debian 12 (debootstrap minbase + systemd, cached) with systemd-nspawn -b, then
# inside it types the README's commands literally — `apt install ./cli/target/fim_*_amd64.deb`
# (Java comes with the package's dependencies), `fim init`,
# `systemctl enable --now fim-watch.service fim-check.timer` — and checks what an administrator
# expects of them: fim-watch active with READY reached (Type=notify), a change reported into
# /var/log/fim/events.json, `systemctl reload` (SIGHUP) and a change after it, `fim doctor`'s
# units line, the live `systemd-analyze security` score, the timer listed, a `fim-check.service`
# run whose report lands in /var/log/fim and whose exit code is the unit's status, a clean
# `systemctl stop`, `apt purge`. Prints one line per check (ok/FAIL) and exits 0 when all pass,
# 1 when one failed, 77 when it cannot run here (not root, no debootstrap/systemd-nspawn, no mirror).
#
# Usage: bench/systemd-e2e.sh [DEB]   (default: the newest cli/target/fim_*_amd64.deb)
# Needs: root, debootstrap, systemd-container (systemd-nspawn), deb.debian.org reachable the
# first time. The booted root is cached in $FIM_E2E_CACHE (default /var/cache/fim-systemd-e2e:
# base/ = the debootstrapped tree, archives/ = apt's downloads, bind-mounted so the JRE is
# downloaded once); each run boots a throw-away copy and removes it. `rm -rf` that directory to
# forget the cache. Nothing else on the host changes: the container has its own pid, mount, IPC
# and UTS namespaces (not the network's), the cgroups nspawn makes are made under one of this
# script's own and removed, /run/systemd/nspawn is removed if this run made it.
#
# The container is not the host: audit is refused by the kernel to any process outside the
# initial pid namespace, so `--attribution auto` falls back to proc (what this checks for);
# fanotify filesystem marks work (nspawn keeps CAP_SYS_ADMIN in the host's user namespace).
set -uo pipefail
here=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root"
command -v debootstrap >/dev/null || skip "no debootstrap (apt-get install debootstrap)"
command -v systemd-nspawn >/dev/null || skip "no systemd-nspawn (apt-get install systemd-container)"
[ -d /sys/fs/cgroup ] || skip "no /sys/fs/cgroup"
deb=${1:-$(ls -t "$here"/cli/target/fim_*_amd64.deb 2>/dev/null | head -1)}
[ -f "$deb" ] || skip "no .deb (mvn -B -ntp -q -DskipTests package)"
deb=$(readlink -f "$deb")
cache=${FIM_E2E_CACHE:-/var/cache/fim-systemd-e2e}
mirror=${FIM_E2E_MIRROR:-http://deb.debian.org/debian}
deadline_start=${FIM_E2E_START_SECS:-600}

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*"; }
failures=0
ok() { log "ok   $*"; }
fail() { log "FAIL $*"; failures=$((failures + 1)); }

# --- the cached root: debootstrap once -------------------------------------------------------
mkdir -p "$cache/archives/partial"
if [ ! -f "$cache/base.done" ]; then
  log "debootstrap bookworm (minbase + systemd) into $cache/base (once, a few minutes)"
  rm -rf "$cache/base"
  if ! debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus bookworm "$cache/base" \
    "$mirror" >"$cache/debootstrap.log" 2>&1; then
    tail -5 "$cache/debootstrap.log"
    rm -rf "$cache/base"
    skip "debootstrap failed (mirror $mirror unreachable?): $cache/debootstrap.log"
  fi
  # keep the downloads in the shared cache, not in every copy
  mv "$cache"/base/var/cache/apt/archives/*.deb "$cache/archives/" 2>/dev/null
  echo fime2e >"$cache/base/etc/hostname"
  touch "$cache/base.done"
fi

# --- a throw-away copy, booted -------------------------------------------------------------
run=$(mktemp -d "$cache/run.XXXXXX")
root="$run/root"
made_nspawn_run=
mounted=
[ -d /run/systemd/nspawn ] || made_nspawn_run=1
nspawn_pid=
leader=
cgroups=()

# nspawn without a systemd on the host (--keep-unit --register=no) splits the cgroup it runs in
# into supervisor/ and payload/: give it one of our own, in every hierarchy it writes to, so the
# host's cgroups are as before once we remove it.
own_cgroups() {
  local line mnt rel
  while read -r line; do
    case "$line" in
      0::*) rel=${line#0::}; mnt=$(awk '$9 == "cgroup2" {print $5; exit}' /proc/self/mountinfo) ;;
      *:name=systemd:*) rel=${line#*:name=systemd:}; mnt=$(awk '$9 == "cgroup" && $NF ~ /name=systemd/ {print $5; exit}' /proc/self/mountinfo) ;;
      *) continue ;;
    esac
    [ -n "$mnt" ] && [ -d "$mnt$rel" ] || continue
    local d="$mnt$rel/fim-e2e.$$"
    mkdir "$d" && echo "$mnt$rel" >"$run/cg.$(basename "$mnt")" && cgroups+=("$d")
  done </proc/self/cgroup
}

cleanup() {
  set +e
  if [ -n "$leader" ] && kill -0 "$leader" 2>/dev/null; then
    nsenter -t "$leader" -a systemctl poweroff >/dev/null 2>&1
  fi
  if [ -n "$nspawn_pid" ]; then
    for _ in $(seq 60); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 1; done
    kill -0 "$nspawn_pid" 2>/dev/null && kill -KILL "$nspawn_pid"
    wait "$nspawn_pid" 2>/dev/null
  fi
  local d
  for d in "${cgroups[@]}"; do
    [ -d "$d" ] || continue
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null
    [ -d "$d" ] && log "note: cgroup $d could not be removed (processes left: $(cat "$d/cgroup.procs" 2>/dev/null | tr '\n' ' '))"
  done
  [ -n "$made_nspawn_run" ] && rm -rf /run/systemd/nspawn
  [ -n "$mounted" ] && umount "$root"
  rm -rf "$run"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The root on a tmpfs of its own: fanotify's filesystem marks then see this machine's files only,
# not every write to the host's disk (as they would on a directory of it).
mkdir "$root"
mount -t tmpfs -o size=3g,mode=0755 fim-e2e "$root" || skip "cannot mount a tmpfs on $root"
mounted=1
cp -a "$cache/base/." "$root/"
mkdir -p "$root/root/cli/target"
cp "$deb" "$root/root/cli/target/"

# nspawn's own seccomp filter refuses fanotify_init and open_by_handle_at with EPERM (fim then
# falls back to inotify, FIM_E2E_FANOTIFY=0 shows it); allowing them makes the container's kernel
# interface what a host's is, so the unit's own sandbox is what is tested.
nspawn_filter=(--system-call-filter="fanotify_init fanotify_mark open_by_handle_at name_to_handle_at")
backend=fanotify
if [ "${FIM_E2E_FANOTIFY:-1}" = 0 ]; then nspawn_filter=(); backend=inotify; fi

own_cgroups
(
  # the subshell, and nspawn with it, goes into our cgroups
  for d in "${cgroups[@]}"; do echo "$BASHPID" >"$d/cgroup.procs"; done
  exec systemd-nspawn --quiet --register=no --keep-unit --console=passive -b -D "$root" \
    --machine="fime2e-$$" --bind="$cache/archives:/var/cache/apt/archives" "${nspawn_filter[@]}"
) >"$run/nspawn.log" 2>&1 &
nspawn_pid=$!

in_box() { # run a shell command inside, as root at a login shell would
  nsenter -t "$leader" -a -- env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root TERM=dumb LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive bash -c "cd /root && $1"
}
wait_for() { # seconds description command…: poll until the command succeeds
  local secs=$1 what=$2
  shift 2
  local end=$((SECONDS + secs))
  while ! "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $end ] || { fail "$what (not within ${secs}s)"; return 1; }
    sleep 0.5
  done
  ok "$what"
}

find_leader() {
  leader=$(ps -o pid= --ppid "$nspawn_pid" | tr -d ' ' | head -1)
  [ -n "$leader" ] && [ "$(cat "/proc/$leader/comm" 2>/dev/null)" = systemd ]
}
booted() { in_box 'systemctl is-system-running' | grep -qE '^(running|degraded)$'; }
wait_for 30 "systemd-nspawn started the container's init" find_leader || exit 1
wait_for 120 "the container's systemd finished booting (is-system-running)" booted || {
  cat "$run/nspawn.log"
  exit 1
}
log "inside: $(in_box 'systemctl --version | head -1'), $(in_box '. /etc/os-release; echo $PRETTY_NAME')"

# --- the README's commands, literally ------------------------------------------------------
# (apt-get update: a fresh installation has package lists; this root's are the debootstrap day's)
in_box 'apt-get update -q' >"$run/apt-update.log" 2>&1 || { cat "$run/apt-update.log"; skip "apt-get update failed inside the container"; }
readme=$(sed -n '/^## Install/,/^## /p' "$here/README.md" | sed -n '/^```sh/,/^```/p' | grep -E '^(apt|fim|systemctl) ' | sed 's/  *#.*//')
[ "$(echo "$readme" | wc -l)" -ge 3 ] || { fail "README's install block: expected apt, fim init, systemctl lines, got: $readme"; exit 1; }
while IFS= read -r cmd; do
  cmd=${cmd//apt install/apt-get install -y -q}  # the same command, without the questions a terminal gets
  log "# $cmd"
  if in_box "$cmd" >"$run/cmd.log" 2>&1; then ok "README: $cmd"; else fail "README: $cmd (exit $?)"; tail -20 "$run/cmd.log"; fi
done <<<"$readme"

# --- fim-watch.service ---------------------------------------------------------------------
show() { in_box "systemctl show -P $1 $2"; }
[ "$(in_box 'systemctl is-active fim-watch.service')" = active ] && ok "fim-watch.service is active" ||
  { fail "fim-watch.service is not active"; in_box 'systemctl status --no-pager -l fim-watch.service; journalctl -b --no-pager -u fim-watch.service | tail -30'; }
[ "$(show Type fim-watch.service)" = notify ] && ok "Type=notify" || fail "Type is $(show Type fim-watch.service)"
status=$(show StatusText fim-watch.service)
[[ "$status" == "watching "*" with $backend"* ]] && ok "READY=1 reached, STATUS=\"$status\"" || fail "no READY status text: '$status'"
log "start line: $(in_box 'journalctl -b --no-pager -o cat -u fim-watch.service' | grep -m1 -E 'fim watch: (watching|attribution)')"
watch_pid=$(show MainPID fim-watch.service)
wd_first=$(show WatchdogTimestampMonotonic fim-watch.service)
log "WatchdogUSec=$(show WatchdogUSec fim-watch.service), last keep-alive at ${wd_first} µs (monotonic)"
log "main pid $watch_pid: $(in_box "grep -E '^Cap(Eff|Bnd)' /proc/$watch_pid/status | tr '\n' ' '")"

reported() { in_box "grep -F '\"path\":\"$1\"' /var/log/fim/events.json"; }
in_box 'echo "e2e one" >> /etc/fim-e2e-probe'
wait_for 60 "a change in /etc (appended /etc/fim-e2e-probe) is in /var/log/fim/events.json" reported /etc/fim-e2e-probe
log "event: $(in_box "grep -F '\"path\":\"/etc/fim-e2e-probe\"' /var/log/fim/events.json | head -1" | cut -c1-400)"
in_box 'journalctl -b --no-pager -u fim-watch.service -o cat' | grep -q ERROR && fail "ERROR in fim-watch's journal" || true

# reload: the same config (RELOADING=1 … READY=1 at once), then a changed one with another tree
reloads_before=$(in_box 'journalctl -b --no-pager -o cat -u fim-watch.service' | grep -c 'fim watch: reload' || true)
if in_box 'systemctl reload fim-watch.service'; then ok "systemctl reload returned 0"; else fail "systemctl reload failed"; fi
reloaded() { [ "$(in_box 'journalctl -b --no-pager -o cat -u fim-watch.service' | grep -c 'fim watch: reload')" -gt "$reloads_before" ]; }
wait_for 60 "the watch said it reloaded" reloaded
[ "$(in_box 'systemctl is-active fim-watch.service')" = active ] && [ "$(show MainPID fim-watch.service)" = "$watch_pid" ] &&
  ok "still active after reload, same pid $watch_pid" || fail "after reload: $(in_box 'systemctl is-active fim-watch.service') pid $(show MainPID fim-watch.service)"
in_box 'echo "e2e two" >> /etc/fim-e2e-probe2'
wait_for 60 "a change after the reload is reported" reported /etc/fim-e2e-probe2

# --- fim doctor under a real systemd -------------------------------------------------------
in_box 'fim doctor' >"$run/doctor.txt" 2>&1
doctor_rc=$?
grep -iE 'unit|systemd' "$run/doctor.txt" | sed 's/^/    doctor: /'
if grep -iE 'fim-watch' "$run/doctor.txt" | grep -qi 'active'; then ok "fim doctor sees fim-watch.service active"; else fail "fim doctor's units line does not say fim-watch is active"; fi
log "fim doctor exit $doctor_rc"

# --- systemd-analyze security, live ----------------------------------------------------------
score=$(in_box 'systemd-analyze security --no-pager fim-watch.service' | tail -1)
log "systemd-analyze security fim-watch.service (live): $score"
echo "$score" | grep -qE 'exposure level.*: [0-9.]+ (OK|SAFE)' && ok "security: $score" || fail "security score not OK: $score"

# --- fim-check.timer and fim-check.service -------------------------------------------------
timers=$(in_box 'systemctl list-timers --all --no-pager fim-check.timer')
echo "$timers" | sed 's/^/    /'
echo "$timers" | grep -q 'fim-check.timer.*fim-check.service' && ok "list-timers shows fim-check.timer" || fail "fim-check.timer not listed"
[ "$(in_box 'systemctl is-enabled fim-check.timer')" = enabled ] && ok "fim-check.timer enabled" || fail "fim-check.timer not enabled"
in_box 'systemctl start fim-check.service'
check_rc=$?
result=$(show Result fim-check.service) ; code=$(show ExecMainStatus fim-check.service)
log "systemctl start fim-check.service: exit $check_rc, Result=$result, ExecMainStatus=$code"
# the probes above (and `systemctl enable`'s links) were added to /etc after the baseline: bit 1
# of fim check's exit code; a change is a failed unit, by design (docs/packaging.md)
[ -n "$code" ] && [ "$code" -lt 16 ] && [ $((code & 1)) = 1 ] && [ "$result" = exit-code ] &&
  ok "fim-check found the added files: status $code (1 added + …), unit failed (by design)" ||
  fail "fim-check: expected ExecMainStatus with bit 1 below 16 and Result=exit-code, got $code $result"
in_box 'test -s /var/log/fim/check.json && grep -q "/etc/fim-e2e-probe" /var/log/fim/check.json' &&
  ok "report /var/log/fim/check.json names the added file" || fail "no report in /var/log/fim/check.json"
log "/var/log/fim: $(in_box 'ls -l /var/log/fim | tail -n +2 | tr -s " " | cut -d" " -f1,5,9 | tr "\n" ";"')"

# --- the watchdog: systemd records each WATCHDOG=1 it accepts ----------------------------------
keep_alive_again() { [ "$(show WatchdogTimestampMonotonic fim-watch.service)" -gt "${wd_first:-0}" ]; }
[ "$(show WatchdogUSec fim-watch.service)" = 3min ] && ok "WatchdogSec=3min in force" || fail "WatchdogUSec is $(show WatchdogUSec fim-watch.service)"
wait_for 120 "systemd received a WATCHDOG=1 keep-alive after the first (WatchdogTimestamp moved)" keep_alive_again

# --- stop ----------------------------------------------------------------------------------
in_box 'systemctl stop fim-watch.service'
[ "$(show Result fim-watch.service)" = success ] && [ "$(show ExecMainStatus fim-watch.service)" = 0 ] &&
  ok "systemctl stop: Result=success, exit 0" || fail "stop: Result=$(show Result fim-watch.service) status $(show ExecMainStatus fim-watch.service)"
log "stop line: $(in_box 'journalctl -b --no-pager -o cat -u fim-watch.service' | grep -E 'fim watch: (stopped|stop)' | tail -1 | cut -c1-300)"
in_box 'journalctl -b --no-pager -u fim-watch.service -u fim-check.service -o short-precise' >"$run/journal.txt"
[ -n "${FIM_E2E_KEEP_LOG:-}" ] && cp "$run/journal.txt" "$FIM_E2E_KEEP_LOG"

# --- removal -------------------------------------------------------------------------------
in_box 'apt-get purge -y -q fim' >"$run/purge.log" 2>&1 && in_box '! test -e /var/lib/fim && ! test -e /etc/fim && ! test -e /lib/systemd/system/fim-watch.service' &&
  ok "apt purge fim removed database, config and units" || { fail "apt purge"; tail -10 "$run/purge.log"; }

log "$failures failure(s)"
[ $failures = 0 ]

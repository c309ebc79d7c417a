#!/usr/bin/env bash
# Regenerates edits.log (the real audit.log that AuditLogAttributorTest reads) on this machine:
# an auditd of its own (-n -s nochange -c CONFDIR, log in a temporary directory, ENRICHED format),
# one rule -a always,exit -F arch=b64 -F dir=TREE -F perm=rwa -k fimcapture, then the edits below
# as a login-uid-1001 bash in TREE/etc (so most names are relative to the CWD), then a few changes
# after the rule is gone (not in the log). Prints the times the test uses.
#   flock /var/tmp/fim-audit.lock fim/src/test/resources/auditlog/capture.sh
# Needs root, auditd, vim, setpriv. Leaves the host as it found it (rule deleted, enabled put back,
# auditd stopped with SIGTERM, /var/tmp/fim-al-capture removed).
set -euo pipefail
OUT=$(cd "$(dirname "$0")" && pwd)/edits.log
D=/var/tmp/fim-al-capture
T=$D/tree
rm -rf "$D"
mkdir -p "$D/etc/plugins.d" "$D/log" "$T/etc"
cat > "$D/etc/auditd.conf" <<CONF
local_events = yes
write_logs = yes
log_file = $D/log/audit.log
log_group = root
log_format = ENRICHED
flush = SYNC
freq = 0
max_log_file = 100
num_logs = 0
max_log_file_action = IGNORE
space_left = 2
space_left_action = IGNORE
admin_space_left = 1
admin_space_left_action = IGNORE
disk_full_action = IGNORE
disk_error_action = IGNORE
name_format = NONE
priority_boost = 0
use_libwrap = no
tcp_listen_queue = 5
tcp_max_per_addr = 1
tcp_client_max_idle = 0
transport = TCP
distribute_network = no
q_depth = 2000
overflow_action = IGNORE
max_restarts = 0
plugin_dir = $D/etc/plugins.d
end_of_event_timeout = 2
CONF
[ "$(auditctl -s | awk '/^pid/{print $2}')" = 0 ] || { echo "an audit daemon already runs" >&2; exit 2; }
enabled_before=$(auditctl -s | awk '/^enabled/{print $2}')
RULE=(always,exit -F arch=b64 -F dir="$T" -F perm=rwa -k fimcapture)
/usr/sbin/auditd -n -s nochange -c "$D/etc" > "$D/auditd.out" 2>&1 &
APID=$!
cleanup() {
  auditctl -d "${RULE[@]}" >/dev/null 2>&1 || true
  auditctl -e "$enabled_before" >/dev/null
  kill -TERM $APID 2>/dev/null; wait $APID || true
  rm -rf "$D"
}
trap cleanup EXIT
for _ in $(seq 100); do [ "$(auditctl -s | awk '/^pid/{print $2}')" = "$APID" ] && break; sleep 0.1; done
auditctl -e 1 >/dev/null
cd "$T/etc"
printf '127.0.0.1 localhost\n' > hosts
printf 'PermitRootLogin no\n' > sshd_config
printf 'x\n' > motd
printf 'old\n' > old.conf
printf 'secret\n' > secret
printf 'locked\n' > locked
printf 'readme\n' > readme
printf 'late\n' > late
echo "baseline_ms=$(date +%s%3N)"
auditctl -a "${RULE[@]}" >/dev/null
bash -c '
  echo 1001 > /proc/self/loginuid || exit 99
  vim -u NONE -N -es -c "normal Go10.0.0.1 evil" -c wq hosts
  sed -i s/no/yes/ sshd_config
  rm motd
  mv old.conf new.conf
  chmod 600 secret
  setpriv --reuid=1001 --regid=1001 --clear-groups sh -c "echo x >> '"$T"'/etc/locked" 2>/dev/null || true
  cat '"$T"'/etc/readme > /dev/null
  echo abs > '"$T"'/etc/abs
  mkdir sub && touch sub/f
'
auditctl -d "${RULE[@]}" >/dev/null
echo "edits_done_ms=$(date +%s%3N)"
echo changed >> locked
echo changed >> readme
echo changed >> late
sleep 0.2
cp "$D/log/audit.log" "$OUT"
echo "wrote $OUT ($(wc -l < "$OUT") lines)"

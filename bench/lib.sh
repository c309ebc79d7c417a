# Shared by the bench/*.sh scripts (sourced; they define log and die first).

# install_packages PKG…: apt-get install the packages (as root, unless NO_INSTALL=1), then stop, by pid,
# any daemon the install started (auditd, exim4, cron come along as dependencies): a benchmark leaves
# the host's services as it found them.
install_packages() {
  local pkgs=("$@")
  [ ${#pkgs[@]} -eq 0 ] && return 0
  [ "${NO_INSTALL:-0}" = 1 ] && die "missing packages: ${pkgs[*]} (NO_INSTALL=1)"
  [ "$(id -u)" = 0 ] || die "missing packages: ${pkgs[*]}; install them (apt-get install -y ${pkgs[*]})"
  local before after pid
  before=$(pgrep -x 'auditd|exim4|cron' || true)
  log "installing: ${pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt-get install -y -q "${pkgs[@]}" >&2; then
    apt-get update -q >&2 && apt-get install -y -q "${pkgs[@]}" >&2 || die "apt-get install ${pkgs[*]} failed"
  fi
  after=$(pgrep -x 'auditd|exim4|cron' || true)
  for pid in $after; do
    if ! grep -qx "$pid" <<<"$before"; then
      local name; name=$(cat "/proc/$pid/comm" 2>/dev/null || echo "?")
      log "stopping $name (pid $pid) started by the package install"
      if [ "$name" = auditd ] && command -v service >/dev/null; then
        service auditd stop >&2 2>&1 || kill "$pid" 2>/dev/null || true
      else
        kill "$pid" 2>/dev/null || true
      fi
    fi
  done
}

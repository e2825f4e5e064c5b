# Sourced by the scripts that install Debian packages for the tests (postgres.sh, browser.sh).
# Defines apt_install PACKAGE-OR-OPTION...: installs as root (directly, or through password-less
# sudo), trying the package lists already on the machine before `apt-get update` (which costs
# time on every run); apt's and dpkg's chatter is shown only when installing fails.

_apt_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    echo "apt.sh: need root (or password-less sudo) to run: $*" >&2
    return 1
  fi
}

_apt_get() {
  local log=$1
  shift
  _apt_as_root env DEBIAN_FRONTEND=noninteractive apt-get -y -qq "$@" >>"$log" 2>&1
}

apt_install() {
  local log status=0
  log=$(mktemp)
  _apt_get "$log" install "$@" || { _apt_get "$log" update && _apt_get "$log" install "$@"; } || status=$?
  [ "$status" -eq 0 ] || tail -n 20 "$log" >&2
  rm -f "$log"
  return "$status"
}

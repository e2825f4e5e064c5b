#!/usr/bin/env bash
# A headless browser for the web tests: installs Debian's chromium and chromium-driver when
# /usr/bin/chromium or /usr/bin/chromedriver is missing, then prints the chromium path.
# Needs root or password-less sudo only when something must be installed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

log() { echo "browser.sh: $*" >&2; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo -n "$@"
  else
    log "need root (or password-less sudo) to run: $*"
    return 1
  fi
}

# apt's and dpkg's chatter goes to a log, shown only when installing fails.
apt_get() {
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -y -qq "$@" >>"$APT_LOG" 2>&1
}

apt_install() {
  # Try the package lists we already have first: `apt-get update` costs time on every run.
  apt_get install --no-install-recommends "$@" ||
    { apt_get update && apt_get install --no-install-recommends "$@"; }
}

if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
  log "installing Debian's chromium and chromium-driver"
  APT_LOG=$(mktemp)
  trap 'rm -f "$APT_LOG"' EXIT
  if ! apt_install chromium chromium-driver; then
    tail -n 20 "$APT_LOG" >&2
    log "could not install chromium (need root or sudo, and network to the Debian mirrors)"
    exit 1
  fi
fi
echo "$CHROMIUM"

#!/usr/bin/env bash
# A headless browser for the web tests: installs Debian's chromium and chromium-driver when
# /usr/bin/chromium or /usr/bin/chromedriver is missing, then prints the chromium path.
# Needs root or password-less sudo only when something must be installed.
set -euo pipefail

CHROMIUM=/usr/bin/chromium
CHROMEDRIVER=/usr/bin/chromedriver

log() { echo "browser.sh: $*" >&2; }

# shellcheck source=apt.sh
. "$(dirname "${BASH_SOURCE[0]}")/apt.sh"

if [ ! -x "$CHROMIUM" ] || [ ! -x "$CHROMEDRIVER" ]; then
  log "installing Debian's chromium and chromium-driver"
  # Without recommended packages: CI installs faster, and headless rendering needs none of them.
  if ! apt_install --no-install-recommends chromium chromium-driver; then
    log "could not install chromium (need root or sudo, and network to the Debian mirrors)"
    exit 1
  fi
fi
echo "$CHROMIUM"

#!/usr/bin/env bash
# Quick start 2: set up with the test extras, then run the whole test suite.
# Also provides what the database and browser tests need, unless the caller already did:
# a throwaway PostgreSQL server ($CLAIMLEDGER_TEST_PG) and a headless Chromium
# ($CLAIMLEDGER_CHROMIUM, $CLAIMLEDGER_CHROMEDRIVER). When either cannot be installed, its
# tests skip and the rest still run. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev

warn() {
  echo "" >&2
  echo "!!! WARNING: $* !!!" >&2
  echo "" >&2
}

PG_DIR=""
stop_postgres() {
  if [ -n "$PG_DIR" ]; then
    bash scripts/postgres.sh stop "$PG_DIR" || true
  fi
}
trap stop_postgres EXIT
# Leave through the EXIT trap when interrupted (bash runs it once pytest has ended), so the
# server never outlives the tests.
trap 'exit 130' INT
trap 'exit 143' TERM

if [ -z "${CLAIMLEDGER_TEST_PG:-}" ]; then
  PG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/claimledger-pg.XXXXXX")
  if url=$(bash scripts/postgres.sh start "$PG_DIR"); then
    export CLAIMLEDGER_TEST_PG="$url"
  else
    warn "no PostgreSQL server: the PostgreSQL tests will be SKIPPED (run as root or with sudo, or set CLAIMLEDGER_TEST_PG=postgresql://...)"
  fi
fi

if [ -z "${CLAIMLEDGER_CHROMIUM:-}" ] || [ -z "${CLAIMLEDGER_CHROMEDRIVER:-}" ]; then
  if chromium=$(bash scripts/browser.sh); then
    export CLAIMLEDGER_CHROMIUM="$chromium" CLAIMLEDGER_CHROMEDRIVER=/usr/bin/chromedriver
  else
    warn "no Chromium: the browser tests will be SKIPPED (run as root or with sudo, or set CLAIMLEDGER_CHROMIUM and CLAIMLEDGER_CHROMEDRIVER)"
  fi
fi

.venv/bin/python -m pytest -q "$@"

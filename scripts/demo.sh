#!/usr/bin/env bash
# Quick start 1: set up, then extract every claim from the bundled example reports.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/claimledger extract examples/ --format table

#!/usr/bin/env bash
# Quick start 1: set up, then build a claim ledger (SQLite, ./claimledger.db) from the bundled
# example reports and reference series, and show what it holds. Safe to re-run: nothing is added twice.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
CL=.venv/bin/claimledger
DB=${CLAIMLEDGER_DB:-claimledger.db}

echo "== ingest the example reports (examples/reports) into $DB"
$CL ingest examples/reports --db "$DB"
echo
echo "== import two reference series: claimed vs photo-verified Russian tank losses (examples/series)"
$CL import-series examples/series/general_staff_russian_tanks.csv --format csv --db "$DB" \
  --claimant "General Staff of the Armed Forces of Ukraine" --party Ukraine --modality claimed \
  --category equipment_destroyed --subject-party Russia --subject "Russian tanks" --start 2022-02-24
$CL import-series examples/series/oryx_russian_tanks.csv --format csv --db "$DB" \
  --claimant Oryx --party media --modality reported \
  --category equipment_destroyed --subject-party Russia --subject "Russian tanks" --start 2022-02-24
echo
echo "== every claim taken from the reports"
$CL claims --db "$DB" --period-kind event --period-kind period
$CL claims --db "$DB" --period-kind cumulative --since 2024-01-01 --until 2025-12-31 --category killed
echo
echo "== the armed wing's weekly claim next to the army's acknowledged running total"
$CL compare --db "$DB" --subject-party Israel --category killed
echo
echo "== claimed over verified: General Staff vs Oryx, Russian tanks"
$CL ratio --db "$DB" --numerator "General Staff" --denominator Oryx --category equipment_destroyed --subject-party Russia
echo
$CL report --db "$DB" --out report.html
echo
echo "Open report.html in a browser (it works offline), or browse and review the ledger with:"
echo "  .venv/bin/claimledger serve --db $DB      # then open http://127.0.0.1:8000"

#!/usr/bin/env bash
# Run every benchmark of bench/ against a throwaway database with crm_extension installed.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DB="crm_bench_$$"
trap 'dropdb --if-exists "$DB" 2>/dev/null || true' EXIT
say "Installing crm_extension in throwaway database $DB"
"${ODOO[@]}" -d "$DB" -i crm_extension --stop-after-init --log-level=warn
for bench in "$ROOT"/bench/bench_*.py; do
    say "$(basename "$bench")"
    "$VENV/bin/python" "$bench" -d "$DB" --db_host "$PGHOST"
done

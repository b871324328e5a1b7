#!/usr/bin/env bash
# ruff (with isort rules) and pylint-odoo (OCA configuration) over the addon, tests and bench.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
cd "$ROOT"
paths=(crm_extension tests)
[ -d bench ] && [ -n "$(ls bench/*.py 2>/dev/null)" ] && paths+=(bench)
"$VENV/bin/ruff" check "${paths[@]}" scripts
"$VENV/bin/ruff" format --check "${paths[@]}" scripts
"$VENV/bin/pylint" --rcfile=.pylintrc crm_extension
"$VENV/bin/pylint" --rcfile=.pylintrc --disable=missing-readme tests
"$VENV/bin/oca-checks-odoo-module" crm_extension
"$VENV/bin/oca-checks-po" crm_extension/i18n/*.pot crm_extension/i18n/*.po
echo "lint: clean"

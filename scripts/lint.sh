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
# one fixture hierarchy: what tests share lives in tests/common.py, no test module imports another
if grep -nE '^\s*from (\.|tests\.)test_\w+ import|^\s*import (tests\.)?test_' tests/*.py; then
    echo "lint: a test module imports another (move what they share to tests/common.py)" >&2
    exit 1
fi
"$VENV/bin/oca-checks-odoo-module" crm_extension
"$VENV/bin/oca-checks-po" crm_extension/i18n/*.pot crm_extension/i18n/*.po
echo "lint: clean"

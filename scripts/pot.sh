#!/usr/bin/env bash
# Regenerate crm_extension/i18n/crm_extension.pot from a throwaway database, then merge
# every crm_extension/i18n/*.po with it (scripts/i18n_merge.py).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DB="crm_pot_$$"
trap 'dropdb --if-exists "$DB" 2>/dev/null || true' EXIT
"${ODOO[@]}" -d "$DB" -i crm_extension --stop-after-init --log-level=warn
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" i18n export -c "$ODOO_CONF" -d "$DB" crm_extension
say "crm_extension/i18n/crm_extension.pot written"
"$VENV/bin/python" "$ROOT/scripts/i18n_merge.py"
say "crm_extension/i18n/*.po merged with the template"

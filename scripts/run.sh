#!/usr/bin/env bash
# Serve Odoo with crm_extension and its demo data on http://127.0.0.1:8069 (admin / admin).
# WORKERS=n: Odoo's multi-process mode, n HTTP workers and CRON_WORKERS (default 1) cron
# workers, the bus (websocket) on port PORT+3 (Odoo's gevent worker).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DB="${DB:-crm_demo}"
PORT="${PORT:-8069}"
WORKERS="${WORKERS:-0}"
SERVE=()
if [[ "$WORKERS" -gt 0 ]]; then
    SERVE=(--workers="$WORKERS" --max-cron-threads="${CRON_WORKERS:-1}"
           --gevent-port="$((PORT + 3))")
fi

if ! db_exists "$DB"; then
    say "Creating database $DB with crm_extension and demo data"
    "${ODOO[@]}" -d "$DB" -i crm_extension --with-demo --stop-after-init --log-level=warn
    # record the addons' checksums so that the next run updates only what changed
    "$VENV/bin/python" - "$ODOO_CONF" "$DB" <<'PY'
import sys

import click_odoo
from click_odoo_contrib.update import _save_installed_checksums

click_odoo.odoo.tools.config.parse_config(["-c", sys.argv[1]])
with click_odoo.OdooEnvironment(database=sys.argv[2]) as env:
    _save_installed_checksums(env.cr)
PY
else
    say "Database $DB exists: updating crm_extension where it changed"
    "$VENV/bin/click-odoo-update" -c "$ODOO_CONF" -d "$DB"
fi
say "Odoo on http://127.0.0.1:$PORT  (login admin / password admin)${SERVE:+, $WORKERS workers}"
exec "${ODOO[@]}" -d "$DB" --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port="$PORT" \
    "${SERVE[@]}"

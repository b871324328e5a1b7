#!/usr/bin/env bash
# Serve Odoo with crm_extension and its demo data on http://127.0.0.1:8069 (admin / admin).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DB="${DB:-crm_demo}"
PORT="${PORT:-8069}"

if ! db_exists "$DB"; then
    say "Creating database $DB with crm_extension and demo data"
    "${ODOO[@]}" -d "$DB" -i crm_extension --with-demo --stop-after-init --log-level=warn
else
    say "Database $DB exists: updating crm_extension where it changed"
    "$VENV/bin/click-odoo-update" -c <(printf '[options]\naddons_path = %s\ndb_host = %s\ndb_user = %s\n' \
        "$ADDONS_PATH" "$PGHOST" "$PGUSER") -d "$DB" --i18n-overwrite
fi
say "Odoo on http://127.0.0.1:$PORT  (login admin / password admin)"
exec "${ODOO[@]}" -d "$DB" --db-filter="^$DB\$" --http-interface=127.0.0.1 --http-port="$PORT"

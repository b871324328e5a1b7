# Shared by run.sh, test.sh, bench.sh: paths and the odoo command line.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
ODOO_SRC="$(cat "$VENV/.odoo_src")"
export PGHOST="${PGHOST:-127.0.0.1}" PGUSER="${PGUSER:-$(id -un)}"
ADDONS_PATH="$ODOO_SRC/addons,$ODOO_SRC/odoo/addons,$ROOT"
ODOO=("$VENV/bin/python" "$ODOO_SRC/odoo-bin" --addons-path="$ADDONS_PATH"
      --db_host="$PGHOST" --db_user="$PGUSER" --http-interface=127.0.0.1)
say() { printf '\033[1m[%s]\033[0m %s\n' "$(basename "$0" .sh)" "$*"; }
db_exists() { psql -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname='$1'" | grep -q 1; }
# The same settings as a config file, for the tools that only read one (click-odoo, i18n).
ODOO_CONF="$ROOT/.cache/odoo.conf"
mkdir -p "$ROOT/.cache"
printf '[options]\naddons_path = %s\ndb_host = %s\ndb_user = %s\nhttp_interface = 127.0.0.1\n' \
    "$ADDONS_PATH" "$PGHOST" "$PGUSER" >"$ODOO_CONF"

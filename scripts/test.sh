#!/usr/bin/env bash
# Every test of tests/ against a throwaway database, browser tours included, then the
# database is dropped. Before that, an install check: crm_extension installs with demo data,
# upgrades and uninstalls with no warning or error in the log.
# Extra arguments go to pytest, e.g.  scripts/test.sh -k stage  or  tests/test_stage.py
# (given files or directories are run instead of the whole tests/)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
DB="${TEST_DB:-crm_test_$$}"
LOGDIR="$ROOT/.cache/test-logs"; mkdir -p "$LOGDIR"
dbs=()
cleanup() { for db in "${dbs[@]}"; do dropdb --if-exists "$db" 2>/dev/null || true; done; }
trap cleanup EXIT

# Lines any Odoo 19 core install logs on a machine without wkhtmltopdf/ldap: not ours.
ALLOWED='wkhtmltopdf|No module named .ldap|You need Wkhtmltopdf'
check_log() {  # $1 log file, $2 what was done
    if grep -E ' (WARNING|ERROR|CRITICAL) ' "$1" | grep -v -E "$ALLOWED" >"$1.bad"; then
        say "FAILED: $2 logged warnings or errors:"; cat "$1.bad"; exit 1
    fi
    say "$2: clean log"
}

if [ "${SKIP_INSTALL_CHECK:-0}" != 1 ]; then
    idb="${DB}_install"; dbs+=("$idb")
    say "Install check on $idb: install with demo data, upgrade, uninstall"
    "${ODOO[@]}" -d "$idb" -i crm_extension --with-demo --stop-after-init --log-level=info \
        >"$LOGDIR/install.log" 2>&1 || { tail -50 "$LOGDIR/install.log"; exit 1; }
    check_log "$LOGDIR/install.log" "install with demo data"
    "${ODOO[@]}" -d "$idb" -u crm_extension --stop-after-init --log-level=info \
        >"$LOGDIR/upgrade.log" 2>&1 || { tail -50 "$LOGDIR/upgrade.log"; exit 1; }
    check_log "$LOGDIR/upgrade.log" "upgrade"
    "$VENV/bin/python" "$ROOT/scripts/uninstall.py" "$ADDONS_PATH" "$idb" crm_extension \
        >"$LOGDIR/uninstall.log" 2>&1 || { tail -50 "$LOGDIR/uninstall.log"; exit 1; }
    check_log "$LOGDIR/uninstall.log" "uninstall"
    dropdb --if-exists "$idb"
fi

dbs+=("$DB")
say "Installing crm_extension (no demo data) in throwaway database $DB"
"${ODOO[@]}" -d "$DB" -i crm_extension --stop-after-init --log-level=info \
    >"$LOGDIR/install-test.log" 2>&1 || { tail -50 "$LOGDIR/install-test.log"; exit 1; }
check_log "$LOGDIR/install-test.log" "install without demo data"

say "Running tests/ (pytest-odoo, HttpCase tours in headless Chromium)"
cd "$ROOT"
# test files or directories given as arguments replace the default tests/
targets=(tests)
for arg in "$@"; do [[ "$arg" != -* && -e "${arg%%::*}" ]] && targets=() && break; done
set +e
"$VENV/bin/pytest" "${targets[@]}" "$@" --odoo-database="$DB" --odoo-http \
    --odoo-addons-path="$ADDONS_PATH" --odoo-log-level=warn \
    --odoo-extra="db_host=$PGHOST" --odoo-extra="db_user=$PGUSER" -p no:cacheprovider
rc=$?
set -e
[ $rc -eq 5 ] && { say "FAILED: no test was collected"; exit 1; }
exit $rc

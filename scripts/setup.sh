#!/usr/bin/env bash
# Prepare everything `make run` and `make test` need; idempotent and fast when nothing changed.
#  - a virtualenv in $VENV with Odoo 19 installed (editable) from $ODOO_SRC
#  - the project's requirements
#  - Chromium for the browser tours (Debian package), when WITH_BROWSER=1
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"
ODOO_SRC="${ODOO_SRC:-/opt/odoo/19.0}"
PYTHON="${PYTHON:-python3.11}"
NIGHTLY_URL="${ODOO_NIGHTLY_URL:-https://nightly.odoo.com/19.0/nightly/src/odoo_19.0.latest.tar.gz}"
CACHE="$ROOT/.cache"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }
die() { printf '\033[1;31m[setup] %s\033[0m\n' "$*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
"$PYTHON" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 10))' \
    || die "Odoo 19 needs Python >= 3.10; set PYTHON=/path/to/python3.11"

# --- Odoo source -----------------------------------------------------------------------
if [ ! -f "$ODOO_SRC/odoo-bin" ]; then
    fetched="$CACHE/odoo-19.0"
    if [ -f "$fetched/odoo-bin" ]; then
        ODOO_SRC="$fetched"
    else
        say "No Odoo source at $ODOO_SRC; trying the official 19.0 nightly source"
        mkdir -p "$CACHE"
        if curl -fsSL --connect-timeout 10 -o "$CACHE/odoo.tar.gz" "$NIGHTLY_URL"; then
            rm -rf "$fetched.tmp" && mkdir -p "$fetched.tmp"
            tar -xzf "$CACHE/odoo.tar.gz" -C "$fetched.tmp" --strip-components=1
            mv "$fetched.tmp" "$fetched" && rm -f "$CACHE/odoo.tar.gz"
            ODOO_SRC="$fetched"
        else
            die "Odoo 19.0 source not found at ODOO_SRC=$ODOO_SRC and the nightly source cannot be downloaded.
       Put an Odoo 19.0 source tree (the folder holding odoo-bin) somewhere and run again with
       ODOO_SRC=/path/to/odoo make run   (or make test)."
        fi
    fi
fi
grep -q "version_info = (19, 0" "$ODOO_SRC/odoo/release.py" \
    || die "$ODOO_SRC is not an Odoo 19.0 source tree (odoo/release.py)"

# --- virtualenv ------------------------------------------------------------------------
if [ ! -x "$VENV/bin/python" ]; then
    say "Creating virtualenv $VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade "pip<25" wheel "setuptools<70"
fi
PIP=("$VENV/bin/pip" install -q --disable-pip-version-check)
export PIP_CONSTRAINT="$ROOT/constraints-build.txt"

stamp="$VENV/.crm_extension.stamp"
want="$( (echo "$ODOO_SRC"; cat "$ODOO_SRC/requirements.txt" "$ROOT/requirements.txt" \
          "$ROOT/requirements-addons.txt" "$ROOT/constraints-build.txt") | sha1sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    say "Installing Odoo's requirements (from $ODOO_SRC/requirements.txt)"
    # python-ldap only serves auth_ldap and needs LDAP headers to build: left out.
    grep -v -E '^\s*python-ldap' "$ODOO_SRC/requirements.txt" > "$VENV/odoo-requirements.txt"
    "${PIP[@]}" -r "$VENV/odoo-requirements.txt"
    say "Installing Odoo 19 from $ODOO_SRC (editable)"
    "${PIP[@]}" --no-deps -e "$ODOO_SRC" --config-settings editable_mode=compat
    say "Installing the project's requirements"
    "${PIP[@]}" -r "$ROOT/requirements.txt"
    say "Installing the Odoo addons the project depends on (report_xlsx)"
    "${PIP[@]}" --no-deps -r "$ROOT/requirements-addons.txt"
    echo "$want" > "$stamp"
fi
echo "$ODOO_SRC" > "$VENV/.odoo_src"

# --- browser for the tours -------------------------------------------------------------
if [ "${WITH_BROWSER:-0}" = 1 ] && ! command -v chromium >/dev/null 2>&1 \
        && ! command -v chromium-browser >/dev/null 2>&1 && ! command -v google-chrome >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        say "Installing chromium (Debian) for the browser tours"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    else
        die "The browser tours need Chromium: install the 'chromium' package (sudo apt-get install chromium)."
    fi
fi

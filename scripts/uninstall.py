"""Uninstall an addon from a database the way a user does (Apps > Uninstall), logging at info.

Usage: python uninstall.py ADDONS_PATH DATABASE MODULE
"""

import logging
import sys

import odoo
from odoo.modules.registry import Registry
from odoo.tools import config

addons_path, dbname, module = sys.argv[1:4]
config.parse_config(
    [f"--addons-path={addons_path}", "--log-level=info", "--http-interface=127.0.0.1"]
)
odoo.netsvc.init_logger()
logging.getLogger("odoo").setLevel(logging.INFO)
registry = Registry(dbname)
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    env["ir.module.module"].search([("name", "=", module)]).button_immediate_uninstall()
with Registry(dbname).cursor() as cr:
    env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
    state = env["ir.module.module"].search([("name", "=", module)]).state
    if state != "uninstalled":
        sys.exit(f"{module} is still {state}")
    print(f"{module} uninstalled")

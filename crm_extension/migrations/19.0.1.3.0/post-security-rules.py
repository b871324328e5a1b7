"""19.0.1.3.0: the record rules changed by issue 10, on existing databases.

- the CRM finance scope narrows customer documents only (vendor bills, expense entries
  and whatever another app grants stay visible);
- billing users read the orders sent to accounting, they no longer write or delete them.

The rules are noupdate (admins may adapt them), so an update leaves them as they were
(rules new in the file are created by the update itself). Reload the changed ones from
the module's XML with Odoo's own loader, as at install, and only those.
"""

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools import file_path
from odoo.tools.convert import xml_import

RULES_FILE = "crm_extension/security/crm_extension_rules.xml"
RULES = (
    "account_move_rule_crm_scope",
    "account_move_line_rule_crm_scope",
    "account_payment_rule_crm_scope",
    "sale_order_rule_accounting_sent",
    "sale_order_line_rule_accounting_sent",
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    path = file_path(RULES_FILE)
    records = etree.parse(path).getroot()
    changed = etree.Element("odoo", noupdate="1")
    for xmlid in RULES:
        changed.extend(records.xpath("//record[@id=$xmlid]", xmlid=xmlid))
    # mode "init": write the records even though they are noupdate
    xml_import(env, "crm_extension", {}, "init", noupdate=True, xml_filename=path).parse(changed)

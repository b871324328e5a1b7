"""19.0.1.2.0: billing users without a sales role see every order again.

The two rules are noupdate (admins may adapt them): reload just their domain from the
module's XML file.
"""

from lxml import etree

from odoo import SUPERUSER_ID, api
from odoo.tools import file_path

RULES = ("sale_order_rule_accounting_sent", "sale_order_line_rule_accounting_sent")


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    tree = etree.parse(file_path("crm_extension/security/crm_extension_rules.xml"))
    for xmlid in RULES:
        domain = tree.xpath(f"//record[@id='{xmlid}']/field[@name='domain_force']")[0].text
        env.ref(f"crm_extension.{xmlid}").domain_force = domain

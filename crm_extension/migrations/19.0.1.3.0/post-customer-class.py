"""19.0.1.3.0: customer classes per company.

The class was one column for every company (the best class across them), readable by
anyone. It is now company-dependent (``crm_customer_class_company``, jsonb: the
ranking of one company never shows in another) and read through
``crm_customer_class``, which applies the customer card's scope. Compute the classes
once, as the nightly job does, and drop the old column.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools.sql import column_exists


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["res.partner"]._crm_compute_customer_classes()
    if column_exists(cr, "res_partner", "crm_customer_class"):
        cr.execute("ALTER TABLE res_partner DROP COLUMN crm_customer_class")

"""Browser tour: a Danish salesperson opens My Day from the menu and reads it in Danish."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import CrmCommon


@tagged("post_install", "-at_install")
class TestMyDayDanishTour(CrmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("da_DK")
        cls.env["ir.module.module"]._load_module_terms(["crm_extension"], ["da_DK"])
        # the seed of the tour, as superuser (the test user is an accountant)
        env = cls.env(su=True)
        # the CRM salesperson of the fixture tree, reading Odoo in Danish
        cls.sp.with_env(env).lang = "da_DK"
        partner = env["res.partner"].create({"name": "Dansk Kunde", "user_id": cls.sp.id})
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": cls.sp.id,
                "order_line": [Command.create({"product_id": cls.product_a.id})],
            }
        )
        order.action_quotation_sent()

    def test_danish_salesperson_reads_my_day_in_danish(self):
        self.start_tour("/odoo", "crm_extension_my_day_da", login=self.sp.login)

"""Browser tour: a Danish salesperson opens My Day from the menu and reads it in Danish."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMyDayDanishTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("da_DK")
        cls.env["ir.module.module"]._load_module_terms(["crm_extension"], ["da_DK"])
        cls.user = new_test_user(
            cls.env,
            login="my_day_da",
            name="Dansk Sælger",
            groups="sales_team.group_sale_salesman,crm_extension.group_crm_salesperson",
            lang="da_DK",
        )
        partner = cls.env["res.partner"].create({"name": "Dansk Kunde", "user_id": cls.user.id})
        product = cls.env["product.product"].create({"name": "Dansk Vare", "list_price": 10})
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": cls.user.id,
                "order_line": [Command.create({"product_id": product.id})],
            }
        )
        order.action_quotation_sent()

    def test_danish_salesperson_reads_my_day_in_danish(self):
        self.start_tour("/odoo", "crm_extension_my_day_da", login="my_day_da")

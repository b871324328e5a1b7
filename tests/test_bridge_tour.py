from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestBridgeTour(AccountTestInvoicingCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data["company"].crm_invoice_mode = "review"
        cls.salesperson = new_test_user(
            cls.env, login="tour_bridge_sales", groups="crm_extension.group_crm_salesperson"
        )
        new_test_user(
            cls.env, login="tour_bridge_accountant", groups="crm_extension.group_crm_accountant"
        )
        customer = cls.env["res.partner"].create(
            {"name": "Bridge Tour Kitchens", "is_company": True, "user_id": cls.salesperson.id}
        )
        cls.order = (
            cls.env["sale.order"]
            .with_user(cls.salesperson)
            .create(
                {
                    "partner_id": customer.id,
                    "user_id": cls.salesperson.id,
                    "order_line": [
                        Command.create({"product_id": cls.product_a.id, "price_unit": 120.0})
                    ],
                }
            )
        )

    def test_salesperson_sends_accountant_invoices_deal_shows_invoiced(self):
        pipeline = "/odoo/action-crm_extension.sale_order_action_pipeline"
        self.start_tour(pipeline, "crm_extension_bridge_send", login="tour_bridge_sales")
        self.assertEqual(self.order.accounting_state, "requested")
        self.start_tour(
            "/odoo/action-account.open_account_journal_dashboard_kanban",
            "crm_extension_bridge_invoice",
            login="tour_bridge_accountant",
        )
        self.assertEqual(self.order.accounting_state, "invoiced")
        invoice = self.order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.amount_total, self.order.amount_total)
        self.start_tour(pipeline, "crm_extension_bridge_deal_invoiced", login="tour_bridge_sales")

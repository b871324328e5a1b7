from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import CrmCommon


@tagged("post_install", "-at_install")
class TestBridgeTour(CrmCommon, HttpCase):
    """The CRM salesperson (``sp``) sends a deal to accounting, the CRM accountant
    (``acc``) invoices it from the Invoicing dashboard, the salesperson sees it invoiced."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_data["company"].crm_invoice_mode = "review"
        customer = cls.env["res.partner"].create(
            {"name": "Bridge Tour Kitchens", "is_company": True, "user_id": cls.sp.id}
        )
        cls.order = (
            cls.env["sale.order"]
            .with_user(cls.sp)
            .create(
                {
                    "partner_id": customer.id,
                    "user_id": cls.sp.id,
                    "order_line": [
                        Command.create({"product_id": cls.product_a.id, "price_unit": 120.0})
                    ],
                }
            )
        )

    def test_salesperson_sends_accountant_invoices_deal_shows_invoiced(self):
        pipeline = "/odoo/action-crm_extension.sale_order_action_pipeline"
        self.start_tour(pipeline, "crm_extension_bridge_send", login=self.sp.login)
        self.assertEqual(self.order.accounting_state, "requested")
        self.start_tour(
            "/odoo/action-account.open_account_journal_dashboard_kanban",
            "crm_extension_bridge_invoice",
            login=self.acc.login,
        )
        self.assertEqual(self.order.accounting_state, "invoiced")
        invoice = self.order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, self.order.amount_total)
        self.start_tour(pipeline, "crm_extension_bridge_deal_invoiced", login=self.sp.login)

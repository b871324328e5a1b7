"""Issue 11, items 3 and 4: one invoicing action per situation, and the order's state says
"draft invoice created" until its invoice is posted."""

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from .common import BridgeCommon


class BridgeStatesCommon(BridgeCommon):
    def _requested(self):
        order = self._quotation()
        order.with_user(self.salesman).action_send_to_accounting()
        return order

    def _out_invoices(self, order):
        return order.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")


@tagged("post_install", "-at_install")
class TestOneInvoicingActionPerSituation(BridgeStatesCommon):
    """Item 3: while the order is with accounting, the bridge's buttons, not Odoo's."""

    def _header(self, user):
        arch = (
            self.env["sale.order"]
            .with_user(user)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        return arch[arch.index("<header>") : arch.index("</header>")]

    def test_native_create_invoice_hidden_while_with_accounting(self):
        header = self._header(self.billing)
        for button in ("create_invoice", "create_invoice_percentage"):
            self.assertRegex(
                header,
                rf"id=\"{button}\"[^>]*invisible=\"[^\"]*"
                r"accounting_state in \('requested', 'draft'\)",
            )
        # the bridge's buttons say what they do
        self.assertRegex(
            header,
            r'name="action_accounting_create_invoice"[^>]*title="Invoice the order sent by sales',
        )
        self.assertRegex(
            header,
            r'name="action_accounting_post_invoices"[^>]*invisible="accounting_state != \'draft\'"',
        )

    def test_salesperson_gets_no_bridge_button(self):
        header = self._header(self.salesman)
        self.assertNotIn("action_accounting_create_invoice", header)
        self.assertNotIn("action_accounting_post_invoices", header)

    def test_salesperson_cannot_post_the_drafts(self):
        order = self._requested()
        order.with_user(self.billing).action_accounting_create_invoice()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_accounting_post_invoices()
        self.assertEqual(self._out_invoices(order).state, "draft")
        self.assertEqual(order.accounting_state, "draft")


@tagged("post_install", "-at_install")
class TestDraftInvoiceState(BridgeStatesCommon):
    """Item 4: "Draft Invoice" until posted; the notification links it; the queue posts it."""

    def test_review_mode_invoice_is_a_draft_until_posted(self):
        order = self._requested()
        action = order.with_user(self.billing).action_accounting_create_invoice()
        invoice = self._out_invoices(order)
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(order.accounting_state, "draft")
        # the notification links the draft
        params = action["params"]
        self.assertEqual(params["message"].count("%s"), 1)
        self.assertEqual(len(params["links"]), 1)
        self.assertTrue(params["links"][0]["url"].endswith(f"/{invoice.id}"))
        self.assertIn("to be posted", params["message"])
        # still in the queue, under its own filter
        queue = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_extension.sale_order_action_accounting_queue"
        )
        Order = self.env["sale.order"].with_user(self.billing)
        self.assertIn(order, Order.search(safe_eval(queue["domain"])))
        self.assertIn(order, Order.search([("accounting_state", "=", "draft")]))
        # posted from the queue
        action = order.with_user(self.billing).action_accounting_post_invoices()
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(order.accounting_state, "invoiced")
        self.assertEqual(action["params"]["links"][0]["label"], invoice.display_name)
        self.assertNotIn(order, Order.search(safe_eval(queue["domain"])))

    def test_posting_the_invoice_itself_makes_it_invoiced(self):
        order = self._requested()
        order.with_user(self.billing).action_accounting_create_invoice()
        self._out_invoices(order).with_user(self.billing).action_post()
        self.assertEqual(order.accounting_state, "invoiced")

    def test_cancelled_or_deleted_draft_back_to_requested(self):
        order = self._requested()
        order.with_user(self.billing).action_accounting_create_invoice()
        self._out_invoices(order).with_user(self.billing).button_cancel()
        self.assertEqual(order.accounting_state, "requested")
        order.with_user(self.billing).action_accounting_create_invoice()
        self.assertEqual(order.accounting_state, "draft")
        self._out_invoices(order).filtered(lambda m: m.state == "draft").with_user(
            self.billing
        ).unlink()
        order.invalidate_recordset()
        self.assertEqual(order.accounting_state, "requested")

    def test_reset_to_draft_waits_again(self):
        order = self._requested()
        order.with_user(self.billing).action_accounting_create_invoice()
        invoice = self._out_invoices(order)
        invoice.with_user(self.billing).action_post()
        invoice.with_user(self.billing).button_draft()
        self.assertEqual(order.accounting_state, "draft")

    def test_client_cannot_write_the_new_state(self):
        order = self._requested()
        for user in (self.salesman, self.billing):
            with self.assertRaisesRegex(UserError, "change only through their actions"):
                order.with_user(user).write({"accounting_state": "draft"})
        self.assertEqual(order.accounting_state, "requested")

    def test_post_refused_without_drafts(self):
        order = self._requested()
        with self.assertRaisesRegex(UserError, "no draft invoice"):
            order.with_user(self.billing).action_accounting_post_invoices()

    def test_counted_as_waiting_on_the_dashboards(self):
        order = self._requested()
        order.with_user(self.billing).action_accounting_create_invoice()
        journal = self._out_invoices(order).journal_id.with_user(self.billing)
        data = journal._get_journal_dashboard_data_batched()[journal.id]
        self.assertEqual(data["crm_quotes_to_invoice"], 1)
        action = journal.action_crm_quotes_to_invoice()
        self.assertEqual(self.env["sale.order"].search(action["domain"]), order)

    def test_posted_mode_is_invoiced_at_once(self):
        self.company.crm_invoice_mode = "posted"
        order = self._requested()
        self.assertEqual(self._out_invoices(order).state, "posted")
        self.assertEqual(order.accounting_state, "invoiced")

"""Create Invoice on a large selection: the background job (issue 12).

The job runs for real, as the scheduler runs it: in its own cursor (Odoo's registry test
mode gives cursors whose commits are savepoints of the test's transaction), through
``ir.cron.method_direct_trigger`` or, for a run cut short, through the job's method with
the cron's progress record in its context (the way core tests ``_commit_progress``).
"""

import time
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BridgeCommon


class WorkerKilled(Exception):
    """A worker dying before it commits."""


@tagged("post_install", "-at_install")
class TestBridgeJob(BridgeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # above two orders, Create Invoice hands the selection to the job
        cls.env["ir.config_parameter"].set_param(
            "crm_extension.accounting_invoice_interactive_size", "2"
        )
        cls.cron = cls.invoice_cron
        cls.delivered = cls.env["product.product"].create(
            {"name": "Fitting (delivered)", "type": "service", "invoice_policy": "delivery"}
        )

    def _requested(self, **vals):
        order = self._quotation(**vals)
        order.with_user(self.salesman).action_send_to_accounting()
        return order

    def _requested_orders(self, count):
        orders = self.env["sale.order"]
        for _i in range(count):
            orders |= self._requested()
        return orders

    def _queue(self, orders):
        return orders.with_user(self.billing).action_accounting_create_invoice()

    def _wizard(self, orders):
        return self.env["sale.order.accounting.invoice"].search(
            [("queued_order_ids", "in", orders.ids), ("job_state", "in", ("queued", "done"))],
            order="id desc",
            limit=1,
        )

    def _invoices(self, order):
        return order.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")

    def _inbox(self):
        return (
            self.env["mail.notification"]
            .search([("res_partner_id", "=", self.billing.partner_id.id)])
            .mail_message_id.filtered(lambda m: m.subject == "Quotation to Invoice")
        )

    # ------------------------------------------------------------ handing over
    def test_large_selection_is_handed_to_the_job_and_shown_as_being_invoiced(self):
        orders = self._requested_orders(3)
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])
        action = self._queue(orders)
        self.assertIn("3 orders are being invoiced in the background", action["params"]["message"])
        self.assertEqual(action["params"]["type"], "info")
        self.assertEqual(orders.mapped("accounting_invoicing_user_id"), self.billing)
        self.assertEqual(set(orders.mapped("accounting_state")), {"requested"})
        self.assertFalse(orders.invoice_ids, "nothing is invoiced inside the request")
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)]),
            triggers + 1,
            "the job is triggered at once",
        )
        # the queue shows them as being invoiced, under their own filter
        Order = self.env["sale.order"].with_user(self.billing)
        self.assertEqual(Order.search([("accounting_invoicing_user_id", "!=", False)]), orders)
        # meanwhile, another click is told at once, and nothing is invoiced twice
        with self.assertRaisesRegex(UserError, "already being invoiced in the background"):
            orders[:1].with_user(self.billing).action_accounting_create_invoice()
        with self.assertRaisesRegex(UserError, "already being invoiced in the background"):
            self._queue(orders)
        self.assertFalse(orders.invoice_ids)

    def test_overlapping_selection_invoices_the_others_and_names_the_busy_ones(self):
        queued = self._requested_orders(3)
        self._queue(queued)
        free = self._requested()
        action = (queued[:1] | free).with_user(self.billing).action_accounting_create_invoice()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(queued[0].name, action["params"]["message"])
        self.assertEqual(len(self._invoices(free)), 1)
        self.assertFalse(queued.invoice_ids)

    # ------------------------------------------------------------ the job
    def test_job_invoices_everything_and_tells_the_accountant(self):
        orders = self._requested_orders(3)
        failing = self._requested(
            order_line=[Command.create({"product_id": self.delivered.id, "price_unit": 50.0})]
        )
        self._queue(orders | failing)
        bus_before = self.env["bus.bus"].sudo().search([], order="id desc", limit=1).id
        self._run_invoice_cron()
        for order in orders:
            self.assertEqual(order.accounting_state, "draft")
            self.assertEqual(len(self._invoices(order)), 1)
            self.assertEqual(self._invoices(order).create_uid, self.billing)
        self.assertEqual(failing.accounting_state, "requested", "back in the queue")
        self.assertFalse(failing.invoice_ids)
        self.assertFalse((orders | failing).mapped("accounting_invoicing_user_id"))
        self.assertEqual(self._wizard(orders).job_state, "done")
        # the accountant is told: in the inbox, with a link to each invoice and why the
        # failing order was not invoiced ...
        message = self._inbox().filtered(lambda m: orders[0].name in (m.body or ""))
        self.assertEqual(len(message), 1)
        for invoice in orders.invoice_ids:
            self.assertIn(f"/{invoice.id}", message.body)
            self.assertIn(invoice.display_name, message.body)
        self.assertIn(f"Not invoiced: {failing.name}", message.body)
        self.assertEqual(message.author_id, self.env.ref("base.partner_root"))
        # ... and in the browser
        notifications = (
            self.env["bus.bus"]
            .sudo()
            .search([("id", ">", bus_before), ("message", "like", "simple_notification")])
        )
        self.assertEqual(len(notifications), 1)
        self.assertIn(failing.name, notifications.message)
        # tracked like a click: the state change and the note in one message
        self._flush_tracking()
        tracked = orders[0].sudo().message_ids.filtered(lambda m: m.tracking_value_ids)[:1]
        self.assertIn("Draft invoice created", tracked.body)
        self.assertEqual(tracked.author_id, self.billing.partner_id)

    def test_interrupted_run_is_resumed_and_nothing_is_invoiced_twice(self):
        orders = self._requested_orders(5)
        with patch.object(type(self.env["sale.order.accounting.invoice"]), "_chunk_size", 2):
            self._queue(orders)
            self.env.flush_all()
            with self.enter_registry_test_mode():
                # run 1: the worker's time is up after the first chunk (committed)
                with self.registry.cursor() as cr:
                    cron = self.cron.with_env(
                        self.cron.env(cr=cr, context={"cron_id": self.cron.id})
                    )
                    cron, progress = cron._add_progress()
                    Job = cron.env["sale.order.accounting.invoice"].with_context(
                        cron_end_time=time.monotonic() - 1
                    )
                    Job._cron_accounting_invoice()
                    self.assertEqual(progress.done, 2)
                    self.assertEqual(progress.remaining, 3)
                # run 2: the worker invoices the next chunk and is killed before it commits
                with self.assertRaises(WorkerKilled), self.registry.cursor() as cr:
                    env = self.env(cr=cr)
                    wizard = env["sale.order.accounting.invoice"].browse(self._wizard(orders).id)
                    wizard = wizard.with_user(self.billing)
                    results = wizard._invoice_chunk(wizard._job_todo()[:2])
                    self.assertTrue(all(invoice for invoice, _error in results.values()))
                    raise WorkerKilled
            self.env.invalidate_all()
            self.assertEqual([len(self._invoices(order)) for order in orders], [1, 1, 0, 0, 0])
            self.assertEqual(len(orders.filtered("accounting_invoicing_user_id")), 3)
            # the scheduler runs the job again: it resumes where the last commit left it
            self._run_invoice_cron()
        self.assertEqual([len(self._invoices(order)) for order in orders], [1, 1, 1, 1, 1])
        self.assertEqual(set(orders.mapped("accounting_state")), {"draft"})
        self.assertFalse(orders.mapped("accounting_invoicing_user_id"))
        # the outcome covers the whole selection, the part done before the interruption too
        message = self._inbox().filtered(lambda m: orders[0].name in (m.body or ""))
        self.assertEqual(len(message), 1)
        for order in orders:
            self.assertIn(order.name, message.body)
        # a late run finds nothing to do and invoices nothing again
        self._run_invoice_cron()
        self.assertEqual([len(self._invoices(order)) for order in orders], [1, 1, 1, 1, 1])

    def test_orders_whose_wizard_was_vacuumed_are_still_invoiced(self):
        orders = self._requested_orders(3)
        self._queue(orders)
        self._wizard(orders).sudo().unlink()  # transient records are vacuumed
        self._run_invoice_cron()
        self.assertEqual([len(self._invoices(order)) for order in orders], [1, 1, 1])
        self.assertFalse(orders.mapped("accounting_invoicing_user_id"))
        self.assertTrue(self._inbox().filtered(lambda m: orders[0].name in (m.body or "")))

    def test_rejected_while_queued_is_reported_not_invoiced(self):
        orders = self._requested_orders(3)
        self._queue(orders)
        self.env["sale.order.accounting.reject"].with_user(self.billing).create(
            {"order_ids": [Command.set(orders[:1].ids)], "reason": "Wrong VAT number"}
        ).action_reject()
        self._run_invoice_cron()
        self.assertEqual(orders[0].accounting_state, "rejected")
        self.assertFalse(orders[0].invoice_ids)
        self.assertEqual([len(self._invoices(order)) for order in orders[1:]], [1, 1])
        message = self._inbox().filtered(lambda m: orders[1].name in (m.body or ""))
        self.assertIn(f"{orders[0].name} is not waiting for an invoice", message.body)

    def test_accountant_who_lost_billing_rights_gets_nothing_invoiced(self):
        orders = self._requested_orders(3)
        self._queue(orders)
        self.billing.group_ids -= self.env.ref("account.group_account_invoice")
        self._run_invoice_cron()
        self.assertFalse(orders.invoice_ids)
        self.assertEqual(set(orders.mapped("accounting_state")), {"requested"})
        self.assertFalse(orders.mapped("accounting_invoicing_user_id"))
        message = self._inbox().filtered(lambda m: "Only billing users" in (m.body or ""))
        self.assertEqual(len(message), 1)

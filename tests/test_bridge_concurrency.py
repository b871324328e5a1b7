"""Two accountants invoice the same order at the same moment, in two real transactions."""

import threading

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

WAIT = 60  # seconds a thread waits for the other before the test gives up


@tagged("post_install", "-at_install")
class TestBridgeConcurrency(TransactionCase):
    """The data must be committed for a second transaction to see it: it is created in
    its own cursor and removed again at the end."""

    def _committed(self, func):
        with self.registry.cursor() as cr:
            return func(api.Environment(cr, SUPERUSER_ID, {}))

    def _create_requested_order(self, env):
        env.company.crm_invoice_mode = "review"
        partner = env["res.partner"].create({"name": "Concurrency customer"})
        product = env["product.product"].create({"name": "Concurrency product"})
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": False,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 100})],
            }
        )
        order.action_confirm()
        order.accounting_state = "requested"
        return order.id, partner.id, product.id

    def _remove(self, order_id, partner_id, product_id):
        def remove(env):
            order = env["sale.order"].browse(order_id)
            order.invoice_ids.filtered(lambda m: m.state == "draft").unlink()
            order.with_context(disable_cancel_warning=True).action_cancel()
            order.unlink()
            env["product.product"].browse(product_id).product_tmpl_id.unlink()
            env["res.partner"].browse(partner_id).unlink()

        self._committed(remove)

    def _invoice(self, env, order_id):
        return env["sale.order"].browse(order_id).action_accounting_create_invoice()

    def test_second_accountant_is_refused_at_once_and_one_invoice_is_made(self):
        ids = self._committed(self._create_requested_order)
        self.addCleanup(self._remove, *ids)
        order_id = ids[0]
        first_invoiced = threading.Event()
        second_answered = threading.Event()
        outcome = {}

        def first():
            # invoices, then keeps its transaction (and the row lock) open until the
            # second accountant got an answer
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                outcome["first"] = self._invoice(env, order_id)
                env.flush_all()
                first_invoiced.set()
                outcome["second answered while first still open"] = second_answered.wait(WAIT)

        def second():
            if not first_invoiced.wait(WAIT):
                return
            try:
                with self.registry.cursor() as cr:
                    self._invoice(api.Environment(cr, SUPERUSER_ID, {}), order_id)
            except UserError as error:
                outcome["second"] = str(error)
            finally:
                second_answered.set()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(2 * WAIT)

        self.assertEqual(outcome["first"]["params"]["type"], "success")
        # no waiting on the lock: the answer came while the first transaction held it
        self.assertTrue(outcome["second answered while first still open"])
        self.assertIn("already being invoiced by someone else", outcome["second"])

        def check(env):
            order = env["sale.order"].browse(order_id)
            # review mode: a draft invoice, to be posted (issue 11, item 4)
            self.assertEqual(order.accounting_state, "draft")
            self.assertEqual(len(order.invoice_ids), 1)
            # and once the first is committed, a late click is told why, not invoiced again
            with self.assertRaisesRegex(UserError, "not waiting for an invoice"):
                order.action_accounting_create_invoice()
            self.assertEqual(len(order.invoice_ids), 1)

        self._committed(check)

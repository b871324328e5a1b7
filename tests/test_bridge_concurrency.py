"""Two accountants invoice the same order at the same moment, in two real transactions."""

import threading

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

WAIT = 60  # seconds a thread waits for the other before the test gives up


@tagged("post_install", "-at_install")
class TestBridgeConcurrency(TransactionCase):
    """The data must be committed for a second transaction to see it: it is created in
    its own cursor and removed again at the end. That is why this test cannot use the
    users of tests/common.py (CrmCommon): they live in the test's own transaction, which
    the accountants' transactions here never see; it commits two CRM accountants of its
    own instead, and removes them too."""

    def _committed(self, func):
        with self.registry.cursor() as cr:
            return func(api.Environment(cr, SUPERUSER_ID, {}))

    def _create_requested_order(self, env):
        env.company.crm_invoice_mode = "review"
        accountants = env["res.users"].browse(
            new_test_user(env, login=login, groups="crm_extension.group_crm_accountant").id
            for login in ("crm_concurrency_acc", "crm_concurrency_acc2")
        )
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
        return order.id, partner.id, product.id, accountants.ids

    def _remove(self, order_id, partner_id, product_id, accountant_ids):
        def remove(env):
            order = env["sale.order"].browse(order_id)
            order.invoice_ids.filtered(lambda m: m.state == "draft").unlink()
            order.with_context(disable_cancel_warning=True).action_cancel()
            order.unlink()
            env["product.product"].browse(product_id).product_tmpl_id.unlink()
            env["res.partner"].browse(partner_id).unlink()
            accountants = env["res.users"].browse(accountant_ids)
            accountant_partners = accountants.partner_id
            accountants.unlink()
            accountant_partners.unlink()

        self._committed(remove)

    def _invoice(self, cr, accountant_id, order_id):
        """Create Invoice of the queue, as the accountant, in the transaction of ``cr``."""
        env = api.Environment(cr, accountant_id, {})
        return env["sale.order"].browse(order_id).action_accounting_create_invoice()

    def test_second_accountant_is_refused_at_once_and_one_invoice_is_made(self):
        ids = self._committed(self._create_requested_order)
        self.addCleanup(self._remove, *ids)
        order_id, accountant, accountant_2 = ids[0], *ids[3]
        first_invoiced = threading.Event()
        second_answered = threading.Event()
        outcome = {}

        def first():
            # invoices, then keeps its transaction (and the row lock) open until the
            # second accountant got an answer
            with self.registry.cursor() as cr:
                outcome["first"] = self._invoice(cr, accountant, order_id)
                cr.flush()
                first_invoiced.set()
                outcome["second answered while first still open"] = second_answered.wait(WAIT)

        def second():
            if not first_invoiced.wait(WAIT):
                return
            try:
                with self.registry.cursor() as cr:
                    self._invoice(cr, accountant_2, order_id)
            except UserError as error:
                outcome["second"] = str(error)
            finally:
                second_answered.set()

        threads = [threading.Thread(target=first), threading.Thread(target=second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(2 * WAIT)

        def check(env):
            order = env["sale.order"].browse(order_id)
            # review mode: the first accountant is told of a draft to post
            self.assertEqual(outcome["first"]["params"]["type"], "success")
            self.assertEqual(
                outcome["first"]["params"]["message"],
                f"Draft invoices created, to be posted: {order.name} (%s).",
            )
            # no waiting on the lock: the answer came while the first transaction held it
            self.assertIs(outcome["second answered while first still open"], True)
            self.assertEqual(
                outcome["second"],
                f"{order.display_name} is already being invoiced by someone else; "
                "try again in a moment.",
            )
            # review mode: a draft invoice, to be posted (issue 11, item 4)
            self.assertEqual(order.accounting_state, "draft")
            self.assertEqual(len(order.invoice_ids), 1)
            # and once the first is committed, a late click is told why, not invoiced again
            with self.assertRaisesRegex(UserError, "not waiting for an invoice"):
                order.with_user(accountant_2).action_accounting_create_invoice()
            self.assertEqual(len(order.invoice_ids), 1)
            self.assertEqual(order.invoice_ids.create_uid.id, accountant)

        self._committed(check)

"""Quote-to-invoice bridge: sales send orders to accounting, accounting invoices them."""

import json
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from odoo.addons.sale.models.sale_order import SaleOrder

from .common import BridgeCommon


@tagged("post_install", "-at_install")
class TestBridge(BridgeCommon):
    # ------------------------------------------------------------ helpers
    def _requested(self, **vals):
        order = self._quotation(**vals)
        order.with_user(self.salesman).action_send_to_accounting()
        return order

    def _invoice(self, orders):
        return orders.with_user(self.billing).action_accounting_create_invoice()

    def _out_invoices(self, order):
        return order.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")

    def _assert_totals_match(self, order):
        invoice = self._out_invoices(order)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            order.accounting_state, "draft" if invoice.state == "draft" else "invoiced"
        )
        currency = order.currency_id
        self.assertEqual(invoice.currency_id, currency)
        for field in ("amount_untaxed", "amount_tax", "amount_total"):
            self.assertFalse(
                currency.compare_amounts(order[field], invoice[field]),
                f"{field}: order {order[field]} != invoice {invoice[field]}",
            )
        return invoice

    def _assert_unchanged(self, order, state="none", invoices=None):
        order.invalidate_recordset()
        self.assertEqual(order.accounting_state, state)
        self.assertEqual(order.invoice_ids, invoices or self.env["account.move"])

    # ------------------------------------------------------------ sending
    def test_salesman_sends_own_order(self):
        order = self._requested()
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.accounting_state, "requested")
        self.assertEqual(order.accounting_requested_by, self.salesman)
        self.assertTrue(order.accounting_requested_date)
        activity = order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(activity.user_id, self.billing)
        self.assertIn(
            "Sent to accounting",
            order.message_ids[:3].mapped("body")[0] + "".join(order.message_ids.mapped("body")),
        )
        self.assertFalse(order.invoice_ids, "review mode: accounting creates the invoice")

    def test_salesman_cannot_send_other_salesman_order(self):
        order = self._quotation(user=self.salesman_2)
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_send_to_accounting()
        self.assertEqual(order.state, "draft")
        self._assert_unchanged(order)

    def test_manager_sends_any_order(self):
        order = self._quotation()
        order.with_user(self.sales_manager).action_send_to_accounting()
        self.assertEqual(order.accounting_state, "requested")
        self.assertEqual(order.accounting_requested_by, self.sales_manager)

    def test_responsible_falls_back_to_billing_users(self):
        self.company.crm_accounting_user_ids = False
        order = self._requested()
        responsibles = order._crm_accounting_responsibles()
        self.assertIn(self.billing, responsibles)
        activity = order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(activity.user_id, responsibles[:1])

    def test_send_bad_inputs(self):
        no_lines = self._quotation(order_line=[])
        cancelled = self._quotation()
        cancelled.with_user(self.salesman)._action_cancel()
        zero = self._quotation(
            order_line=[Command.create({"product_id": self.product_a.id, "price_unit": 0.0})]
        )
        invoiced = self._quotation()
        invoiced.action_confirm()
        invoiced.sudo()._create_invoices()  # review mode: accounting invoices
        archived = self._quotation()
        for order, message in (
            (no_lines, "has no lines"),
            (cancelled, "is cancelled"),
            (zero, "is zero"),
            (invoiced, "nothing left to invoice"),
        ):
            with self.subTest(message=message):
                state = order.state
                invoices = order.invoice_ids
                with self.assertRaisesRegex(UserError, message):
                    order.with_user(self.salesman).action_send_to_accounting()
                self.assertEqual(order.state, state)
                self._assert_unchanged(order, invoices=invoices)
        self.customer.active = False
        with self.assertRaisesRegex(UserError, "is archived"):
            archived.with_user(self.salesman).action_send_to_accounting()
        self.assertEqual(archived.state, "draft")
        self._assert_unchanged(archived)

    def test_send_without_sale_journal(self):
        order = self._quotation()
        journals = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)]
        )
        journals.active = False
        with self.assertRaisesRegex(UserError, "has no sales journal"):
            order.with_user(self.salesman).action_send_to_accounting()
        self.assertEqual(order.state, "draft")
        self._assert_unchanged(order)

    def test_send_company_not_active(self):
        order = self._quotation()
        other = self.env["res.company"].create({"name": "Elsewhere Ltd"})
        with self.assertRaisesRegex(UserError, "not among your active companies"):
            order.with_context(allowed_company_ids=[other.id]).sudo().action_send_to_accounting()
        self._assert_unchanged(order)

    def test_batch_send_is_all_or_nothing(self):
        good = self._quotation()
        bad = self._quotation(order_line=[])
        with self.assertRaises(UserError):
            (good | bad).with_user(self.salesman).action_send_to_accounting()
        self.assertEqual(good.state, "draft")
        self._assert_unchanged(good)

    # ------------------------------------------------------------ invoicing
    def test_billing_creates_invoice(self):
        order = self._requested()
        action = self._invoice(order)
        self.assertEqual(action["params"]["type"], "success")
        invoice = self._assert_totals_match(order)
        self.assertEqual(invoice.state, "draft", "review mode: the accountant posts")
        self.assertFalse(
            order.activity_ids.filtered(
                lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
            ),
            "the to-do of accounting is done",
        )

    def test_salesman_cannot_create_invoice(self):
        order = self._requested()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_accounting_create_invoice()
        self._assert_unchanged(order, state="requested")

    def test_double_invoicing_refused(self):
        order = self._requested()
        self._invoice(order)
        invoice = self._out_invoices(order)
        with self.assertRaisesRegex(UserError, "not waiting for an invoice"):
            self._invoice(order)
        self.assertEqual(self._out_invoices(order), invoice)
        self.assertEqual(order.accounting_state, "draft")  # a draft invoice: waits to be posted

    def test_batch_one_failure_does_not_block_the_others(self):
        delivered = self.env["product.product"].create(
            {"name": "Fitting (delivered)", "type": "service", "invoice_policy": "delivery"}
        )
        first = self._requested()
        failing = self._requested(
            order_line=[Command.create({"product_id": delivered.id, "price_unit": 50.0})]
        )
        last = self._requested()
        action = self._invoice(first | failing | last)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(failing.name, action["params"]["message"])
        self._assert_totals_match(first)
        self._assert_totals_match(last)
        self._assert_unchanged(failing, state="requested")

    def test_invoiced_order_shows_tracking_and_note_in_chatter(self):
        order = self._requested()
        self._invoice(order)
        self._flush_tracking()  # Odoo's tracking writes its messages before the commit
        invoice = self._out_invoices(order)
        message = order.sudo().message_ids.filtered(lambda m: m.tracking_value_ids)[:1]
        self.assertIn(f"Draft invoice created: {invoice.display_name}", message.body)
        tracking = message.tracking_value_ids
        self.assertEqual(tracking.field_id.name, "accounting_state")
        self.assertEqual(
            (tracking.old_value_char, tracking.new_value_char),
            ("Sent to Accounting", "Draft Invoice"),
        )

    def test_large_selection_is_invoiced_chunk_by_chunk(self):
        """Chunks of 2: one _create_invoices per chunk; the failing order alone fails."""
        delivered = self.env["product.product"].create(
            {"name": "Fitting (delivered)", "type": "service", "invoice_policy": "delivery"}
        )
        orders = self._requested() | self._requested()
        failing = self._requested(
            order_line=[Command.create({"product_id": delivered.id, "price_unit": 50.0})]
        )
        orders |= failing | self._requested() | self._requested()
        create_invoices = SaleOrder._create_invoices
        calls = []

        def spy(records, *args, **kwargs):
            calls.append(records.ids)
            return create_invoices(records, *args, **kwargs)

        with (
            patch.object(type(self.env["sale.order.accounting.invoice"]), "_chunk_size", 2),
            patch.object(SaleOrder, "_create_invoices", spy),
        ):
            action = self._invoice(orders)
        ids = orders.ids
        self.assertEqual(
            calls,
            # chunk 3-4 fails as a whole, then is redone order by order
            [ids[0:2], ids[2:4], ids[2:3], ids[3:4], ids[4:5]],
        )
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn(failing.name, action["params"]["message"])
        for order in orders - failing:
            self._assert_totals_match(order)
        self._assert_unchanged(failing, state="requested")

    def test_queries_per_order_not_above_native_invoicing(self):
        """Marginal SQL queries per order: the bridge's batch vs native batch invoicing."""
        self.company.crm_invoice_mode = "posted"

        def confirmed(count):
            orders = self.env["sale.order"].browse()
            for _i in range(count):
                orders |= self._quotation()
            orders.action_confirm()
            orders.sudo().accounting_state = "requested"
            return orders

        def queries(func, orders):
            # cr.flush(): the tracking messages of the set-up too, not inside the count
            self.env.cr.flush()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            func(orders)
            self.env.cr.flush()
            return self.env.cr.sql_log_count - before

        def native(orders):
            orders._create_invoices(grouped=True).action_post()

        def bridge(orders):
            orders.action_accounting_create_invoice()

        # warm the caches of both paths
        queries(native, confirmed(1))
        queries(bridge, confirmed(1))
        counts = {
            (name, size): queries(func, confirmed(size))
            for size in (2, 6)
            for name, func in (("native", native), ("bridge", bridge))
        }
        per_order = {name: (counts[name, 6] - counts[name, 2]) / 4 for name in ("native", "bridge")}
        self.assertLessEqual(per_order["bridge"], per_order["native"], counts)

    def test_invoicing_dashboard_counts_the_queue_per_journal(self):
        """Each sales journal card counts the requests it will invoice and opens them."""
        journal = self.company_data["default_journal_sale"]
        second = journal.copy({"name": "Second sales journal", "code": "SAL2", "sequence": 99})
        in_first = self._requested()
        in_second = self._quotation(journal_id=second.id)
        in_second.with_user(self.salesman).action_send_to_accounting()
        self._quotation()  # not sent: not counted
        journals = (journal | second).with_user(self.billing)
        for card, order in ((journal, in_first), (second, in_second)):
            card = card.with_user(self.billing)
            self.assertEqual(json.loads(card.kanban_dashboard)["crm_quotes_to_invoice"], 1)
            action = card.action_crm_quotes_to_invoice()
            self.assertEqual(self.env["sale.order"].search(action["domain"]), order)
        self._invoice(in_first | in_second)
        # drafts still wait for accounting (issue 11, item 4): posted, no longer counted
        (in_first | in_second).with_user(self.billing).action_accounting_post_invoices()
        # counted where the invoice was made, and no longer counted
        self.assertEqual(self._out_invoices(in_first).journal_id, journal)
        self.assertEqual(self._out_invoices(in_second).journal_id, second)
        journals.invalidate_recordset()
        self.assertEqual(
            [json.loads(d)["crm_quotes_to_invoice"] for d in journals.mapped("kanban_dashboard")],
            [0, 0],
        )

    def test_billing_user_sees_orders_as_in_odoo(self):
        """Billing + own-documents sales: own orders and those sent to accounting;
        billing without a sales role: every order, like native Odoo."""
        not_sent = self._quotation(user=self.salesman_2)
        sent = self._requested()
        accountant_only = new_test_user(
            self.env, login="crm_billing_only", groups="account.group_account_invoice"
        )
        Order = self.env["sale.order"]
        self.assertEqual(
            Order.with_user(self.billing).search([("id", "in", (not_sent | sent).ids)]), sent
        )
        self.assertEqual(
            Order.with_user(accountant_only).search([("id", "in", (not_sent | sent).ids)]),
            not_sent | sent,
        )

    def test_partial_invoice_stays_requested(self):
        delivered = self.env["product.product"].create(
            {"name": "Fitting (delivered)", "type": "service", "invoice_policy": "delivery"}
        )
        order = self._requested(
            order_line=[
                Command.create({"product_id": self.product_a.id, "price_unit": 100.0}),
                Command.create({"product_id": delivered.id, "price_unit": 50.0}),
            ]
        )
        self._invoice(order)
        self.assertEqual(len(self._out_invoices(order)), 1)
        self.assertEqual(order.accounting_state, "requested")
        self.assertIn("left to invoice", "".join(order.message_ids.mapped("body")))

    def test_invoice_mode_draft(self):
        self.company.crm_invoice_mode = "draft"
        order = self._requested()
        invoice = self._assert_totals_match(order)
        self.assertEqual(invoice.state, "draft")

    def test_invoice_mode_posted(self):
        self.company.crm_invoice_mode = "posted"
        order = self._requested()
        invoice = self._assert_totals_match(order)
        self.assertEqual(invoice.state, "posted")

    def test_invoice_mode_posted_by_accountant(self):
        order = self._requested()
        self.company.crm_invoice_mode = "posted"
        self._invoice(order)
        self.assertEqual(self._assert_totals_match(order).state, "posted")

    def test_cancel_invoice_returns_to_requested(self):
        self.company.crm_invoice_mode = "posted"
        order = self._requested()
        invoice = self._out_invoices(order)
        invoice.with_user(self.billing).button_cancel()
        self.assertEqual(order.accounting_state, "requested")
        # and accounting can invoice it again
        self._invoice(order)
        self.assertEqual(order.accounting_state, "invoiced")

    def test_credit_note_keeps_invoiced(self):
        self.company.crm_invoice_mode = "posted"
        order = self._requested()
        invoice = self.env["account.move"].browse(self._out_invoices(order).ids)
        invoice._reverse_moves()
        self.assertTrue(invoice.reversal_move_ids)
        self.assertEqual(order.accounting_state, "invoiced")

    def test_settings(self):
        settings = self.env["res.config.settings"].create(
            {"crm_invoice_mode": "posted", "crm_accounting_user_ids": [Command.set([])]}
        )
        settings.execute()
        self.assertEqual(self.company.crm_invoice_mode, "posted")
        self.assertFalse(self.company.crm_accounting_user_ids)

    # ------------------------------------------------------------ reject
    def test_reject_flow(self):
        order = self._requested()
        Wizard = self.env["sale.order.accounting.reject"].with_user(self.billing)
        blank = Wizard.create({"order_ids": [Command.set(order.ids)], "reason": "  "})
        with self.assertRaisesRegex(UserError, "why the order is rejected"):
            blank.action_reject()
        self.assertEqual(order.accounting_state, "requested")
        action = order.with_user(self.billing).action_accounting_reject()
        wizard = Wizard.with_context(**action["context"]).create({"reason": "Wrong VAT number"})
        wizard.action_reject()
        self.assertEqual(order.accounting_state, "rejected")
        self.assertEqual(order.accounting_reject_reason, "Wrong VAT number")
        self.assertIn("Wrong VAT number", "".join(order.message_ids.mapped("body")))
        todo = order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(todo.user_id, self.salesman)
        self.assertFalse(order.invoice_ids)
        # the salesperson fixes it and sends it again
        order.with_user(self.salesman).action_send_to_accounting()
        self.assertEqual(order.accounting_state, "requested")
        self.assertFalse(order.accounting_reject_reason)

    def test_salesman_cannot_reject(self):
        order = self._requested()
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).action_accounting_reject()
        self.assertEqual(order.accounting_state, "requested")

    # ------------------------------------------------------------ stage entry
    def test_stage_entry_sends_to_accounting(self):
        self.stage_installation.crm_send_to_accounting = True
        order = self._quotation()
        order.with_user(self.salesman).pipeline_stage_id = self.stage_installation
        self.assertEqual(order.accounting_state, "requested")
        self.assertEqual(order.state, "sale")

    def test_stage_entry_skips_already_invoiced(self):
        self.stage_installation.crm_send_to_accounting = True
        order = self._requested()
        self._invoice(order)
        order.with_user(self.salesman).pipeline_stage_id = self.stage_installation
        self.assertEqual(order.accounting_state, "draft")
        self.assertEqual(len(self._out_invoices(order)), 1)

    # ------------------------------------------------------------ exactness
    def _check_exact(self, **vals):
        order = self._requested(**vals)
        self._invoice(order)
        return order, self._assert_totals_match(order)

    def _tax(self, amount, **vals):
        return self.env["account.tax"].create(
            {"name": f"Tax {amount}", "amount": amount, "type_tax_use": "sale", **vals}
        )

    def test_exact_tax_included(self):
        tax = self._tax(21.0, price_include_override="tax_included")
        line = {"product_id": self.product_a.id, "price_unit": 99.99, "product_uom_qty": 3}
        order, _invoice = self._check_exact(
            order_line=[Command.create({**line, "tax_ids": [Command.set(tax.ids)]})]
        )
        self.assertAlmostEqual(order.amount_total, 299.97)

    def test_exact_two_taxes_and_discount(self):
        taxes = self._tax(10.0) | self._tax(21.0)
        order, _invoice = self._check_exact(
            order_line=[
                Command.create(
                    {
                        "product_id": self.product_a.id,
                        "price_unit": 33.33,
                        "product_uom_qty": 7,
                        "discount": 12.5,
                        "tax_ids": [Command.set(taxes.ids)],
                    }
                ),
                Command.create({"product_id": self.product_a.id, "price_unit": 10.01}),
            ]
        )
        self.assertTrue(order.amount_tax)

    def test_exact_fiscal_position(self):
        order, invoice = self._check_exact(fiscal_position_id=self.fiscal_pos_a.id)
        self.assertEqual(order.order_line.tax_ids, self.tax_sale_b)
        self.assertEqual(invoice.invoice_line_ids.tax_ids, self.tax_sale_b)

    def test_exact_foreign_currency(self):
        currency = self.setup_other_currency("EUR")
        pricelist = self.env["product.pricelist"].create(
            {"name": "EUR", "currency_id": currency.id}
        )
        order, _invoice = self._check_exact(
            pricelist_id=pricelist.id,
            order_line=[
                Command.create(
                    {"product_id": self.product_a.id, "price_unit": 12.34, "product_uom_qty": 3}
                )
            ],
        )
        self.assertEqual(order.currency_id, currency)

    def test_exact_global_rounding(self):
        self.company.tax_calculation_rounding_method = "round_globally"
        tax = self._tax(21.0)
        order, _invoice = self._check_exact(
            order_line=[
                Command.create(
                    {
                        "product_id": self.product_a.id,
                        "price_unit": price,
                        "tax_ids": [Command.set(tax.ids)],
                    }
                )
                for price in (0.33, 0.33, 0.33, 1.11, 2.22)
            ]
        )
        self.assertTrue(order.amount_tax)

    def test_down_payment_then_final_invoice(self):
        order = self._quotation(
            order_line=[
                Command.create(
                    {"product_id": self.product_a.id, "price_unit": 123.45, "product_uom_qty": 2}
                )
            ]
        )
        order.action_confirm()
        self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create({"advance_payment_method": "percentage", "amount": 30}).create_invoices()
        down_payment = self.env["account.move"].browse(order.invoice_ids.ids)
        down_payment.action_post()
        order.with_user(self.salesman).action_send_to_accounting()
        self._invoice(order)
        self.assertEqual(order.accounting_state, "draft")
        self.assertEqual(order.invoice_status, "invoiced")
        invoices = self.env["account.move"].browse(self._out_invoices(order).ids)
        self.assertEqual(len(invoices), 2)
        self.assertFalse(
            order.currency_id.compare_amounts(
                sum(invoices.mapped("amount_total")), order.amount_total
            ),
            "down payment + final invoice = order total",
        )

    def test_exact_check_names_the_difference(self):
        order = self._requested()
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "currency_id": order.currency_id.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product_a.id,
                            "price_unit": 99.0,
                            "tax_ids": [Command.set(order.order_line.tax_ids.ids)],
                        }
                    )
                ],
            }
        )
        with self.assertRaisesRegex(UserError, "untaxed amount: order .*100.00.*99.00"):
            self.env["sale.order.accounting.invoice"]._check_invoice_totals(order, invoice)
        self.assertEqual(order.accounting_state, "requested")

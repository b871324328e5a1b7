"""Another module extends the bridge, My Day and the pipeline through their hooks.

Each test overrides a hook the way an inheriting module does (a method of the registry
class that calls the one it replaces, as ``super()`` would) and shows the extension at
work through the user's own action: the accountant's Create Invoice, the salesperson's
My Day, a stage move.
"""

from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import html2plaintext

from .common import BridgeCommon, PipelineCommon


def extend(case, model, name, make):
    """Override ``model.name`` for the rest of the test with ``make(original)``, the
    method of an inheriting module (``original`` stands for its ``super()``)."""
    cls = type(case.env[model])
    case.patch(cls, name, make(getattr(cls, name)))


@tagged("post_install", "-at_install")
class TestInvoiceWizardHooks(BridgeCommon):
    """Hooks of accounting's Create Invoice (sale.order.accounting.invoice)."""

    def _requested(self, price=100.0, **vals):
        order = self._quotation(**vals)
        order.order_line.price_unit = price
        order.with_user(self.salesman).action_send_to_accounting()
        return order

    def _create_invoice(self, orders):
        """The queue's Create Invoice, clicked by the company's accountant."""
        return orders.with_user(self.billing).action_accounting_create_invoice()

    def _customer_moves(self):
        return self.env["account.move"].search_count([("partner_id", "=", self.customer.id)])

    def _assert_not_invoiced(self, order, moves_before):
        order.invalidate_recordset()
        self.assertEqual(order.accounting_state, "requested")
        self.assertEqual(order.invoice_status, "to invoice")
        self.assertFalse(order.invoice_ids)
        self.assertEqual(self._customer_moves(), moves_before)

    def test_an_extra_refusal_reason_refuses_the_order_and_writes_nothing(self):
        def make(original):
            def _get_invoice_error(wizard, order):
                if not order.client_order_ref:
                    return f"{order.name} has no customer reference."
                return original(wizard, order)

            return _get_invoice_error

        extend(self, "sale.order.accounting.invoice", "_get_invoice_error", make)
        with_ref = self._requested(client_order_ref="PO-7")
        without = self._requested()
        moves = self._customer_moves()
        with self.assertRaises(UserError) as refusal:
            self._create_invoice(without)
        self.assertEqual(refusal.exception.args[0], f"{without.name} has no customer reference.")
        self._assert_not_invoiced(without, moves)
        # in a selection, the other order is invoiced and the refusal told
        action = self._create_invoice(with_ref | without)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(
            action["params"]["message"],
            f"Draft invoices created, to be posted: {with_ref.name} (%s).\n"
            f"Not invoiced: {without.name} has no customer reference.",
        )
        self._assert_not_invoiced(without, moves + 1)
        self.assertEqual(with_ref.accounting_state, "draft")
        self.assertEqual(len(with_ref.invoice_ids), 1)

    def test_an_extra_totals_check_refuses_the_invoice_and_rolls_it_back(self):
        def make(original):
            def _check_invoice_totals(wizard, order, invoice):
                original(wizard, order, invoice)
                if invoice.amount_untaxed > 500:
                    raise UserError(
                        wizard.env._(
                            "The invoice of %(order)s is above the limit of 500.",
                            order=order.name,
                        )
                    )

            return _check_invoice_totals

        extend(self, "sale.order.accounting.invoice", "_check_invoice_totals", make)
        small = self._requested(price=500.0)
        large = self._requested(price=501.0)
        moves = self._customer_moves()
        with self.assertRaises(UserError) as refusal:
            self._create_invoice(large)
        self.assertEqual(
            refusal.exception.args[0], f"The invoice of {large.name} is above the limit of 500."
        )
        self._assert_not_invoiced(large, moves)
        # the batch fails on the large order: each order again alone, the small one passes
        action = self._create_invoice(small | large)
        self.assertEqual(
            action["params"]["message"],
            f"Draft invoices created, to be posted: {small.name} (%s).\n"
            f"Not invoiced: The invoice of {large.name} is above the limit of 500.",
        )
        self._assert_not_invoiced(large, moves + 1)
        self.assertEqual(small.invoice_ids.amount_untaxed, 500.0)
        self.assertEqual(small.accounting_state, "draft")

    def test_work_around_the_native_invoicing_reaches_each_invoice(self):
        def make(original):
            def _create_order_invoices(wizard, orders):
                invoices = original(wizard, orders)
                for order, invoice in invoices.items():
                    invoice.ref = f"Queue {order.name}"
                return invoices

            return _create_order_invoices

        extend(self, "sale.order.accounting.invoice", "_create_order_invoices", make)
        orders = self._requested() | self._requested()
        self._create_invoice(orders)
        self.assertEqual(
            [order.invoice_ids.ref for order in orders],
            [f"Queue {order.name}" for order in orders],
        )
        self.assertEqual(orders.mapped("accounting_state"), ["draft", "draft"])

    def test_the_notification_tells_what_an_extension_adds(self):
        def make(original):
            def _prepare_notification(wizard, results):
                action = original(wizard, results)
                action["params"]["message"] += "\nSend them to the customers today."
                return action

            return _prepare_notification

        extend(self, "sale.order.accounting.invoice", "_prepare_notification", make)
        order = self._requested()
        action = self._create_invoice(order)
        self.assertEqual(
            action["params"]["message"],
            f"Draft invoices created, to be posted: {order.name} (%s).\n"
            "Send them to the customers today.",
        )
        self.assertEqual(action["params"]["links"][0]["label"], order.invoice_ids.display_name)


@tagged("post_install", "-at_install")
class TestDashboardHooks(PipelineCommon):
    """My Day: another module adds a tile (``_get_tile_keys`` + ``_get_tile_<key>``)
    and changes every tile (``_prepare_tile_vals``)."""

    def _add_cancelled_tile(self):
        Dashboard = type(self.env["crm.dashboard"])

        def _get_tile_cancelled(dashboard, users):
            domain = [("user_id", "in", users.ids), ("state", "=", "cancel")]
            return dashboard._prepare_tile_vals(
                "cancelled", "Cancelled quotations", "sale.order", domain, danger=True
            )

        extend(
            self, "crm.dashboard", "_get_tile_keys", lambda keys: lambda d: keys(d) + ["cancelled"]
        )
        self.startPatcher(
            patch.object(Dashboard, "_get_tile_cancelled", _get_tile_cancelled, create=True)
        )

    def test_an_extra_tile_shows_with_its_count_and_opens_what_it_counts(self):
        mine = [self._quotation(user=self.salesman) for _i in range(3)]
        theirs = self._quotation(user=self.salesman_2)
        for order in (mine[0], mine[1]):
            order.with_user(self.salesman).action_cancel()
        theirs.with_user(self.salesman_2).action_cancel()
        Dashboard = self.env["crm.dashboard"].with_user(self.salesman)
        keys = [tile["key"] for tile in Dashboard.get_tiles()]
        self._add_cancelled_tile()
        tiles = Dashboard.get_tiles()
        self.assertEqual([tile["key"] for tile in tiles], [*keys, "cancelled"])
        tile = tiles[-1]
        self.assertEqual(
            (tile["label"], tile["count"], tile["danger"]), ("Cancelled quotations", 2, True)
        )
        opened = self.env[tile["res_model"]].with_user(self.salesman).search(tile["domain"])
        self.assertEqual(opened, mine[0] | mine[1])

    def test_an_extension_of_every_tile_reaches_the_dashboard(self):
        def make(original):
            def _prepare_tile_vals(dashboard, key, label, model, domain, **kwargs):
                vals = original(dashboard, key, label, model, domain, **kwargs)
                vals["icon"] = "fa-warning" if vals["danger"] else "fa-info"
                return vals

            return _prepare_tile_vals

        extend(self, "crm.dashboard", "_prepare_tile_vals", make)
        self._quotation(user=self.salesman).with_user(self.salesman).action_quotation_sent()
        tiles = self.env["crm.dashboard"].with_user(self.salesman).get_tiles()
        icons = {tile["key"]: tile["icon"] for tile in tiles}
        self.assertEqual(icons["waiting_customer"], "fa-info")
        self.assertEqual(icons["rejected"], "fa-warning")
        self.assertEqual({tile["icon"] for tile in tiles}, {"fa-info", "fa-warning"})
        waiting = next(tile for tile in tiles if tile["key"] == "waiting_customer")
        self.assertEqual(waiting["count"], 1)


@tagged("post_install", "-at_install")
class TestPipelineHooks(PipelineCommon):
    """Hooks of the pipeline mixin, extended on sale.order and seen through stage moves."""

    def test_an_extra_value_in_the_stage_log(self):
        """An extension credits the automatic moves of an order to its salesperson."""

        def make(original):
            def _prepare_stage_log_vals(order, stage, old_stage, automatic):
                vals = original(order, stage, old_stage, automatic)
                if automatic and order.user_id:
                    vals["user_id"] = order.user_id.id
                return vals

            return _prepare_stage_log_vals

        before = self._quotation()
        before.with_user(self.leader).action_quotation_sent()
        self.assertEqual(
            (self._logs(before)[-1].stage_to_id, self._logs(before)[-1].user_id),
            (self.stage_approval, self.leader),
        )
        extend(self, "sale.order", "_prepare_stage_log_vals", make)
        order = self._quotation()
        order.with_user(self.leader).action_quotation_sent()
        log = self._logs(order)[-1]
        self.assertEqual(
            (log.stage_from_id, log.stage_to_id, log.automatic, log.user_id),
            (self.stage_first_call, self.stage_approval, True, self.salesman),
        )
        # a move by hand stays the mover's
        order.with_user(self.leader).pipeline_stage_id = self.stage_installation
        log = self._logs(order)[-1]
        self.assertEqual(
            (log.stage_to_id, log.automatic, log.user_id),
            (self.stage_installation, False, self.leader),
        )

    def test_an_extra_value_in_the_stage_activity(self):
        def make(original):
            def _prepare_stage_activity_vals(orders, line, user, due):
                vals = original(orders, line, user, due)
                vals["summary"] = (
                    f"{vals['summary']}: {', '.join(orders.partner_id.mapped('name'))}"
                )
                return vals

            return _prepare_stage_activity_vals

        extend(self, "sale.order", "_prepare_stage_activity_vals", make)
        order = self._quotation()
        order.with_user(self.salesman).pipeline_stage_id = self.stage_measure
        activity = self._stage_activities(order).filtered(
            lambda a: a.crm_stage_id == self.stage_measure
        )
        self.assertEqual(
            (activity.summary, activity.user_id, activity.activity_type_id),
            (
                "Measurements: Acme Kitchens",
                self.salesman,
                self.env.ref("crm_extension.mail_activity_type_visit"),
            ),
        )

    def test_an_extra_entry_action_runs_when_the_stage_is_entered(self):
        """An extension notes the hot deals: entering a stage of 60% or more."""

        def make(original):
            def _get_stage_entry_actions(records, stage):
                actions = original(records, stage)
                if stage.probability >= 60:
                    actions.append(
                        lambda stage: records._message_log_batch(
                            dict.fromkeys(records.ids, f"Hot deal: {stage.name}")
                        )
                    )
                return actions

            return _get_stage_entry_actions

        extend(self, "sale.order", "_get_stage_entry_actions", make)
        order = self._quotation()

        def notes():
            self.env.invalidate_all()
            bodies = (html2plaintext(body) for body in order.message_ids.mapped("body"))
            return [body for body in bodies if body.startswith("Hot deal")]

        order.with_user(self.salesman).pipeline_stage_id = self.stage_measure
        self.assertEqual(notes(), [])
        order.with_user(self.salesman).action_quotation_sent()
        self.assertEqual(order.pipeline_stage_id, self.stage_approval)
        self.assertEqual(notes(), ["Hot deal: Approval"])

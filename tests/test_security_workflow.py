"""Issue 10, items 6, 7 and 9, tried as an attacker would: the context keys a client can
send, direct writes of workflow fields, stage moves that do for a user what they are
refused directly, Odoo's own invoicing in review mode."""

from contextlib import contextmanager
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import CLIENT_SWITCHES, BridgeCommon


class SecurityWorkflowCommon(BridgeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")

    @contextmanager
    def _refused(self, exception, text):
        """assertRaises (which rolls back what was written) with the reason given."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertRegex(str(caught.exception), text)

    def _orders_without_write_access_for_billing(self):
        """Billing users read the orders sent to accounting but may not write them (what
        item 8 of issue 10 makes of their order rules)."""
        for xmlid in (
            "crm_extension.sale_order_rule_accounting_sent",
            "crm_extension.sale_order_line_rule_accounting_sent",
        ):
            self.env.ref(xmlid).write(
                {"perm_read": True, "perm_write": False, "perm_create": False, "perm_unlink": False}
            )

    def _requested(self, **vals):
        order = self._quotation(**vals)
        order.with_user(self.salesman).action_send_to_accounting()
        return order

    def _assert_stage_unchanged(self, order, stage, logs):
        order.invalidate_recordset()
        self.assertEqual(order.pipeline_stage_id, stage)
        self.assertEqual(self._logs(order), logs, "nothing is logged")


@tagged("post_install", "-at_install")
class TestGuardsDoNotTrustTheClient(SecurityWorkflowCommon):
    """Item 6: internal switches cannot come from a client call; workflow fields change
    only through their actions; a manual move into a stage whose condition fails is
    refused on every path that is not the automation itself."""

    # ------------------------------------------------------------ stage moves
    def test_context_keys_do_not_skip_the_stage_conditions(self):
        order = self._quotation()
        logs = self._logs(order)
        for context in CLIENT_SWITCHES:
            for stage in (self.stage_payment, self.stage_done):
                with self.subTest(context=context, stage=stage.name):
                    with self._refused(UserError, "cannot move to stage"):
                        order.with_user(self.salesman).with_context(**context).write(
                            {"pipeline_stage_id": stage.id}
                        )
                    self._assert_stage_unchanged(order, self.stage_first_call, logs)

    def test_context_keys_do_not_skip_the_lost_reason(self):
        order = self._quotation()
        logs = self._logs(order)
        for context in CLIENT_SWITCHES:
            with self.subTest(context=context), self.assertRaises(RedirectWarning):
                order.with_user(self.salesman).with_context(
                    **context
                ).pipeline_stage_id = self.stage_lost
            self._assert_stage_unchanged(order, self.stage_first_call, logs)

    def test_creating_in_a_stage_obeys_its_condition_whatever_the_context(self):
        Order = self.env["sale.order"].with_user(self.salesman)
        count = Order.search_count([])
        vals = {"partner_id": self.customer.id, "user_id": self.salesman.id}
        for context in CLIENT_SWITCHES:
            with self.subTest(context=context), self.assertRaises(UserError):
                Order.with_context(**context).create(
                    dict(vals, pipeline_stage_id=self.stage_done.id)
                )
        # the stage given as a default (a kanban column's quick create) is given too
        with self.assertRaises(UserError):
            Order.with_context(default_pipeline_stage_id=self.stage_done.id).create(vals)
        with self.assertRaises(RedirectWarning):
            Order.with_context(default_pipeline_stage_id=self.stage_lost.id).create(vals)
        self.assertEqual(Order.search_count([]), count)

    def test_context_keys_do_not_silence_a_move(self):
        order = self._quotation()
        before = self._logs(order)
        order.with_user(self.salesman).with_context(
            crm_stage_init=True
        ).pipeline_stage_id = self.stage_measure
        logs = self._logs(order) - before
        self.assertEqual(logs.stage_to_id, self.stage_measure)
        self.assertFalse(logs.automatic, "a move by hand is not the automation's")
        self.assertIn(self.stage_measure, self._stage_activities(order).crm_stage_id)

    def test_context_keys_do_not_skip_the_entry_actions(self):
        self.stage_installation.crm_send_to_accounting = True
        order = self._quotation()
        order.with_user(self.salesman).with_context(
            crm_stage_init=True
        ).pipeline_stage_id = self.stage_installation
        self.assertEqual(order.accounting_state, "requested")

    def test_lost_wizard_moves_only_into_a_lost_stage(self):
        order = self._quotation()
        logs = self._logs(order)
        reason = self.env.ref("crm_extension.lost_reason_price")
        Wizard = self.env["crm.pipeline.lost.wizard"].with_user(self.salesman)
        for context in ({}, *CLIENT_SWITCHES):
            wizard = Wizard.with_context(**context).create(
                {
                    "res_model": "sale.order",
                    "res_ids": order.ids,
                    "stage_id": self.stage_done.id,
                    "lost_reason_id": reason.id,
                }
            )
            with self.subTest(context=context), self.assertRaises(UserError):
                wizard.action_confirm()
            self._assert_stage_unchanged(order, self.stage_first_call, logs)
            self.assertFalse(order.pipeline_lost_reason_id)
        # the wizard still does its job
        Wizard.create(
            {
                "res_model": "sale.order",
                "res_ids": order.ids,
                "stage_id": self.stage_lost.id,
                "lost_reason_id": reason.id,
            }
        ).action_confirm()
        self.assertEqual(order.pipeline_stage_id, self.stage_lost)
        self.assertEqual(order.pipeline_lost_reason_id, reason)

    def test_import_obeys_the_stage_conditions(self):
        order = self._quotation()
        logs = self._logs(order)
        Order = self.env["sale.order"].with_user(self.salesman)
        count = Order.search_count([])
        for context in ({}, *CLIENT_SWITCHES):
            with self.subTest(context=context):
                result = Order.with_context(**context).load(
                    [".id", "pipeline_stage_id/.id"], [[str(order.id), str(self.stage_done.id)]]
                )
                self.assertFalse(result["ids"])
                self.assertIn("cannot move to stage", result["messages"][0]["message"])
                self._assert_stage_unchanged(order, self.stage_first_call, logs)
                result = Order.with_context(**context).load(
                    ["partner_id/.id", "pipeline_stage_id/.id"],
                    [[str(self.customer.id), str(self.stage_done.id)]],
                )
                self.assertFalse(result["ids"])
        self.assertEqual(Order.search_count([]), count)

    def test_the_automation_still_moves_by_the_events(self):
        order = self._quotation()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.pipeline_stage_id, self.stage_payment)
        self.assertTrue(self._logs(order)[-1].automatic)
        order.with_user(self.salesman).action_cancel()
        self.assertEqual(order.pipeline_stage_id, self.stage_lost, "lost without a reason")
        self.assertFalse(order.pipeline_lost_reason_id)

    # ------------------------------------------------------------ workflow fields
    def test_order_workflow_fields_cannot_be_written(self):
        order = self._quotation()
        now = fields.Datetime.now()
        for user in (self.salesman, self.sales_manager, self.billing, self.env.user):
            for vals in (
                {"accounting_state": "invoiced"},
                {"accounting_state": "requested"},
                {"accounting_requested_by": self.salesman_2.id},
                {"accounting_requested_date": now},
                {"accounting_reject_reason": "Made up"},
                {"date_last_stage_update": now},
            ):
                with self.subTest(user=user.login, vals=vals):
                    with self._refused(UserError, "change only through their actions"):
                        order.with_user(user).write(vals)
        order.invalidate_recordset()
        self.assertEqual(order.accounting_state, "none")
        self.assertFalse(order.accounting_requested_by)
        self.assertFalse(order.accounting_requested_date)
        self.assertFalse(order.accounting_reject_reason)
        self.assertNotEqual(order.date_last_stage_update, now)

    def test_order_workflow_fields_cannot_be_created(self):
        Order = self.env["sale.order"].with_user(self.salesman)
        count = Order.search_count([])
        vals = {"partner_id": self.customer.id, "user_id": self.salesman.id}
        with self.assertRaises(UserError):
            Order.create(dict(vals, accounting_state="invoiced"))
        with self.assertRaises(UserError):
            Order.create(dict(vals, accounting_requested_by=self.salesman.id))
        with self.assertRaises(UserError):
            Order.with_context(default_accounting_state="requested").create(vals)
        with self.assertRaises(UserError):
            Order.with_context(default_date_last_stage_update=fields.Datetime.now()).create(vals)
        result = Order.load(
            ["partner_id/.id", "accounting_state"], [[str(self.customer.id), "invoiced"]]
        )
        self.assertFalse(result["ids"])
        self.assertEqual(Order.search_count([]), count)

    def test_lost_reason_only_with_a_lost_stage(self):
        order = self._quotation()
        reason = self.env.ref("crm_extension.lost_reason_price")
        with self._refused(UserError, "marked as lost"):
            order.with_user(self.salesman).pipeline_lost_reason_id = reason
        with self.assertRaises(ValidationError):
            order.with_user(self.salesman).write(
                {"pipeline_stage_id": self.stage_measure.id, "pipeline_lost_reason_id": reason.id}
            )
        with self.assertRaises(ValidationError):
            self._quotation(pipeline_lost_reason_id=reason.id)
        order.invalidate_recordset()
        self.assertFalse(order.pipeline_lost_reason_id)
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)
        # a lost deal keeps its reason: it changes only by marking it as lost again
        order.with_user(self.salesman).write(
            {"pipeline_stage_id": self.stage_lost.id, "pipeline_lost_reason_id": reason.id}
        )
        for vals in (
            {"pipeline_lost_reason_id": False},
            {"pipeline_stage_id": self.stage_lost.id, "pipeline_lost_reason_id": False},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                order.with_user(self.salesman).write(vals)
        self.assertEqual(order.pipeline_lost_reason_id, reason)
        with self.assertRaises(UserError):
            self.customer.with_user(self.salesman).pipeline_lost_reason_id = reason
        self.assertFalse(self.customer.pipeline_lost_reason_id)

    def test_partner_stage_date_cannot_be_written(self):
        with self.assertRaises(UserError):
            self.customer.with_user(self.salesman).date_last_stage_update = "2020-01-01"
        self.assertNotEqual(
            self.customer.date_last_stage_update, fields.Datetime.to_datetime("2020-01-01")
        )

    def test_activity_stage_fields_cannot_be_written(self):
        order = self._quotation()
        activity = self._stage_activities(order)
        deadline = activity.crm_deadline
        for vals in (
            {"crm_deadline": fields.Datetime.now()},
            {"crm_stage_id": self.stage_done.id},
            {"crm_stage_id": False},
            {"crm_overdue_notified": True},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                activity.with_user(self.salesman).write(vals)
        activity.invalidate_recordset()
        self.assertEqual(activity.crm_deadline, deadline)
        self.assertEqual(activity.crm_stage_id, self.stage_first_call)
        self.assertFalse(activity.crm_overdue_notified)
        Activity = self.env["mail.activity"].with_user(self.salesman)
        vals = {
            "res_model_id": self.env["ir.model"]._get_id("sale.order"),
            "res_id": order.id,
            "activity_type_id": self.todo.id,
            "user_id": self.salesman.id,
        }
        with self.assertRaises(UserError):
            Activity.create(dict(vals, crm_deadline=fields.Datetime.now()))
        with self.assertRaises(UserError):
            Activity.with_context(default_crm_stage_id=self.stage_done.id).create(vals)
        # rescheduling is the user's: the exact time follows
        activity.with_user(self.salesman).date_deadline += timedelta(days=2)
        self.assertEqual(activity.crm_deadline, deadline + timedelta(days=2))

    def test_actions_still_write_their_fields(self):
        order = self._requested()
        self.assertEqual(order.accounting_state, "requested")
        self.assertEqual(order.accounting_requested_by, self.salesman)
        self.assertTrue(order.date_last_stage_update)

    def test_queue_actions_work_without_write_access_to_orders(self):
        self._orders_without_write_access_for_billing()
        to_invoice = self._requested()
        to_reject = self._requested()
        with self.assertRaises(AccessError):
            to_invoice.with_user(self.billing).write({"client_order_ref": "mine"})
        # invoice, with the to-do of another accountant done
        other_accountant = new_test_user(
            self.env, login="sec_other_accountant", groups="account.group_account_invoice"
        )
        to_invoice.activity_ids.filtered(
            lambda a: a.activity_type_id == self.todo
        ).user_id = other_accountant
        to_invoice.with_user(self.billing).action_accounting_create_invoice()
        self.assertEqual(to_invoice.accounting_state, "draft")  # review mode: a draft, to be posted
        self.assertFalse(
            to_invoice.activity_ids.filtered(lambda a: a.activity_type_id == self.todo)
        )
        # reject
        action = to_reject.with_user(self.billing).action_accounting_reject()
        self.env["sale.order.accounting.reject"].with_user(self.billing).with_context(
            **action["context"]
        ).create({"reason": "Wrong VAT number"}).action_reject()
        self.assertEqual(to_reject.accounting_state, "rejected")
        self.assertEqual(to_reject.accounting_reject_reason, "Wrong VAT number")
        self.assertIn("Wrong VAT number", "".join(to_reject.message_ids.mapped("body")))
        # the invoice cancelled: back in the queue
        invoice = to_invoice.invoice_ids
        invoice.with_user(self.billing).button_cancel()
        self.assertEqual(to_invoice.accounting_state, "requested")
        self.assertIn("back with accounting", "".join(to_invoice.message_ids.mapped("body")))


@tagged("post_install", "-at_install")
class TestEntryActionsActWithTheUsersRights(SecurityWorkflowCommon):
    """Item 7: a stage entry action does not do for a user what they are refused when
    asking directly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.crm_invoice_mode = "posted"

    def _assert_not_sent(self, order, state="draft"):
        order.invalidate_recordset()
        self.assertEqual(order.state, state)
        self.assertEqual(order.accounting_state, "none")
        self.assertFalse(order.accounting_requested_by)
        self.assertFalse(order.invoice_ids)

    def test_marking_another_salespersons_quotation_sent_does_not_send_it(self):
        self.stage_approval.crm_send_to_accounting = True
        order = self._quotation()
        with self.assertRaises(AccessError, msg="refused when asked directly"):
            order.with_user(self.leader).action_send_to_accounting()
        with self._refused(AccessError, "your own orders"):
            order.with_user(self.leader).action_quotation_sent()
        self._assert_not_sent(order)
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)

    def test_confirming_does_not_send_for_a_user_who_may_not_send(self):
        self.stage_payment.crm_send_to_accounting = True
        order = self._quotation()
        with self.assertRaises(AccessError, msg="refused when asked directly"):
            order.with_user(self.billing_only).action_send_to_accounting()
        with self.assertRaises(AccessError):
            order.with_user(self.billing_only).action_confirm()
        self._assert_not_sent(order)

    def test_moving_another_salespersons_order_into_a_sending_stage_is_refused(self):
        self.stage_installation.crm_send_to_accounting = True
        order = self._quotation()
        logs = self._logs(order)
        with self._refused(AccessError, "your own orders"):
            order.with_user(self.leader).pipeline_stage_id = self.stage_installation
        self._assert_not_sent(order)
        self._assert_stage_unchanged(order, self.stage_first_call, logs)

    def test_own_order_is_still_sent_and_invoiced_as_the_company_decided(self):
        self.stage_payment.crm_send_to_accounting = True
        order = self._quotation()
        order.with_user(self.salesman).action_confirm()
        # sent, invoiced and posted at once: the events moved it on to Invoiced
        self.assertEqual(order.pipeline_stage_id, self.stage_invoiced)
        self.assertEqual(order.accounting_state, "invoiced")
        self.assertEqual(order.accounting_requested_by, self.salesman)
        self.assertEqual(order.invoice_ids.state, "posted")
        self.assertEqual(self._logs(order).filtered("automatic").user_id, self.salesman)

    def test_manager_moving_any_order_still_sends_it(self):
        self.stage_installation.crm_send_to_accounting = True
        order = self._quotation()
        order.with_user(self.sales_manager).pipeline_stage_id = self.stage_installation
        self.assertEqual(order.accounting_requested_by, self.sales_manager)
        self.assertEqual(order.invoice_ids.state, "posted")

    def test_a_confirmation_by_the_system_still_sends(self):
        """An order confirmed in sudo by Odoo itself (online signature, payment)."""
        self.stage_payment.crm_send_to_accounting = True
        order = self._quotation()
        order.with_user(self.billing_only).sudo().action_confirm()
        self.assertEqual(order.accounting_state, "invoiced")

    def test_accountant_posting_moves_an_order_they_cannot_write(self):
        self.company.crm_invoice_mode = "review"
        self._orders_without_write_access_for_billing()
        order = self._requested()
        order.with_user(self.billing).action_accounting_create_invoice()
        with self.assertRaises(AccessError):
            order.with_user(self.billing).write({"client_order_ref": "mine"})
        order.invoice_ids.with_user(self.billing).action_post()
        self.assertEqual(order.pipeline_stage_id, self.stage_invoiced)
        self.assertEqual(self._logs(order)[-1].user_id, self.billing)
        self.assertTrue(self._logs(order)[-1].automatic)


@tagged("post_install", "-at_install")
class TestReviewModeInvoicing(SecurityWorkflowCommon):
    """Item 9: in "review by accounting" mode only billing users invoice an order, with
    Odoo's own Create Invoice too; in the other modes native invoicing is as configured."""

    def _confirmed(self):
        order = self._quotation()
        order.with_user(self.salesman).action_confirm()
        return order

    def _wizard(self, order, user, **vals):
        return (
            self.env["sale.advance.payment.inv"]
            .with_user(user)
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create(vals)
        )

    def test_salesperson_cannot_invoice_with_the_native_wizard(self):
        order = self._confirmed()
        lines = order.order_line
        for vals in (
            {"advance_payment_method": "delivered"},
            {"advance_payment_method": "percentage", "amount": 30},
            {"advance_payment_method": "fixed", "fixed_amount": 50},
        ):
            with self.subTest(vals=vals):
                wizard = self._wizard(order, self.salesman, **vals)
                with self._refused(AccessError, "send .* to accounting"):
                    wizard.create_invoices()
                order.invalidate_recordset()
                self.assertFalse(order.invoice_ids)
                self.assertEqual(order.order_line, lines, "no down payment line")
        with self.assertRaises(AccessError):
            order.with_user(self.salesman)._create_invoices()
        self.assertFalse(order.invoice_ids)

    def test_native_create_invoice_is_hidden_from_salespeople(self):
        order = self._confirmed()
        self.assertFalse(order.with_user(self.salesman).crm_can_invoice)
        self.assertTrue(order.with_user(self.billing_only).crm_can_invoice)
        arch = order.with_user(self.salesman).get_views([(False, "form")])["views"]["form"]["arch"]
        for button in ("create_invoice", "create_invoice_percentage"):
            self.assertRegex(
                arch,
                rf'id="{button}"[^>]*invisible="[^"]* or \(not crm_can_invoice or '
                r"accounting_state in \('requested', 'draft'\)\)\"",
            )
        self.company.crm_invoice_mode = "draft"
        order.invalidate_recordset(["crm_can_invoice"])
        self.assertTrue(order.with_user(self.salesman).crm_can_invoice)

    def test_billing_user_invoices_with_the_native_wizard(self):
        order = self._requested()  # the billing user (a salesperson too) sees it
        # a down payment adds a line to the order: billing users only read the orders of
        # other salespeople (item 8), as Odoo's own-documents rule would have it
        with self.assertRaises(AccessError):
            self._wizard(
                order, self.billing, advance_payment_method="percentage", amount=30
            ).create_invoices()
        self.assertFalse(order.invoice_ids)
        self._wizard(order, self.billing).create_invoices()
        self.assertEqual(len(order.invoice_ids), 1)

    def test_bridge_still_invoices_for_accounting(self):
        order = self._requested()
        order.with_user(self.billing).action_accounting_create_invoice()
        self.assertEqual(order.accounting_state, "draft")

    def test_other_modes_keep_native_invoicing(self):
        for mode in ("draft", "posted"):
            with self.subTest(mode=mode):
                self.company.crm_invoice_mode = mode
                order = self._confirmed()
                self._wizard(order, self.salesman).create_invoices()
                self.assertEqual(len(order.invoice_ids), 1)

    def test_down_payment_refused_then_bridge_invoices(self):
        order = self._confirmed()
        with self.assertRaises(AccessError):
            self._wizard(
                order, self.salesman, advance_payment_method="fixed", fixed_amount=10
            ).create_invoices()
        order.with_user(self.salesman).action_send_to_accounting()
        order.with_user(self.billing).action_accounting_create_invoice()
        self.assertEqual(order.accounting_state, "draft")
        self.assertEqual(len(order.invoice_ids), 1)
        self.assertEqual(order.invoice_ids.amount_total, order.amount_total)

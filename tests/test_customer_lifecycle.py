"""The customer lifecycle that follows the facts: customer stages with a trigger, moved by
the orders' events, never backwards; the upgrade placing existing customers; no
follow-up reminders for lost customers."""

from contextlib import contextmanager
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import PipelineCommon, load_migration


def _migration():
    return load_migration("19.0.1.6.0", "post-customer-lifecycle.py")


class LifecycleCommon(PipelineCommon):
    """The customer stages of the fixture with their triggers; ``salesman``, made a CRM
    salesperson too (who may also edit contacts), owns ``customer`` and sends its
    quotations."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pstage_proposal.customer_trigger = "first_sent"
        cls.pstage_won.customer_trigger = "first_confirmed"
        cls.pstage_lost.customer_trigger = "all_lost"
        cls.salesman.group_ids += cls.env.ref("crm_extension.group_crm_salesperson")
        cls.lost_reason = cls.env["crm.pipeline.lost.reason"].create({"name": "Too expensive"})

    @classmethod
    def _customer_of_salesman(cls, name):
        return cls._customer(name, user_id=cls.salesman.id)

    def _quote(self, customer=None):
        return self._quotation(user=self.salesman, partner_id=(customer or self.customer).id)

    @contextmanager
    def _refused(self, text="not true of this customer"):
        """A clear refusal, with everything it tried rolled back (assertRaises)."""
        with self.assertRaises(UserError) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def _mark_lost(self, order):
        order.with_user(self.salesman).write(
            {
                "pipeline_stage_id": self.stage_lost.id,
                "pipeline_lost_reason_id": self.lost_reason.id,
            }
        )


@tagged("post_install", "-at_install")
class TestCustomerTriggers(LifecycleCommon):
    def test_first_quotation_sent_moves_the_customer_to_proposal(self):
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_exploration)
        order = self._quote()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_exploration, "a draft")
        order.with_user(self.salesman).action_quotation_sent()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_proposal)
        log = self._logs(self.customer)[-1]
        self.assertEqual(
            (log.stage_from_id, log.stage_to_id, log.automatic),
            (self.pstage_exploration, self.pstage_proposal, True),
        )
        self.assertEqual(log.create_uid, self.salesman, "logged as caused by the salesperson")
        note = self.customer.message_ids.filtered(
            lambda m: "First quotation sent" in (m.body or "")
        )
        self.assertTrue(note, "the chatter says why the customer moved")

    def test_first_order_confirmed_moves_the_customer_to_won(self):
        order = self._quote()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_won)

    def test_salesperson_who_cannot_edit_contacts_still_moves_the_customer(self):
        # sp: CRM salesperson only, no right to write partners; the move is the system's
        customer = self._customer("Sp's customer", user_id=self.sp.id)
        with self.assertRaises(AccessError):
            customer.with_user(self.sp).pipeline_stage_id = self.pstage_exploration
        order = self._quotation(user=self.sp, partner_id=customer.id)
        order.with_user(self.sp).action_confirm()
        self.assertEqual(customer.pipeline_stage_id, self.pstage_won)
        self.assertEqual(self._logs(customer)[-1].create_uid, self.sp)

    def test_stage_with_a_customer_trigger_is_archived_not_deleted(self):
        with self.assertRaises(UserError):
            self.pstage_proposal.with_user(self.crm_admin).unlink()
        self.assertTrue(self.pstage_proposal.exists())

    def test_contact_order_moves_its_company(self):
        contact = self.env["res.partner"].create({"name": "Jane", "parent_id": self.customer.id})
        order = self._quote(contact)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_won)
        self.assertEqual(contact.pipeline_stage_id, self.pstage_won, "contacts show it")
        self.assertFalse(self._logs(contact))

    def test_won_customer_stays_won_with_new_quotations_and_orders(self):
        self._quote().with_user(self.salesman).action_confirm()
        logs = self._logs(self.customer)
        self._quote().with_user(self.salesman).action_quotation_sent()
        self._quote().with_user(self.salesman).action_confirm()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_won)
        self.assertEqual(self._logs(self.customer), logs, "no move at all")

    def test_never_backwards_by_stage_sequence(self):
        # a stage after "Proposal" without a trigger, where the salesperson put the customer
        later = self.env["crm.pipeline.stage"].create(
            {"name": "Negotiation", "scope": "partner", "sequence": 2}
        )
        self.assertEqual(later.sequence, self.pstage_proposal.sequence, "same, created after")
        self.customer.with_user(self.salesman).pipeline_stage_id = later
        self._quote().with_user(self.salesman).action_quotation_sent()
        self.assertEqual(self.customer.pipeline_stage_id, later)

    def test_all_deals_lost_moves_the_customer_to_lost(self):
        first, second = self._quote(), self._quote()
        first.with_user(self.salesman).action_quotation_sent()
        first.with_user(self.salesman).action_cancel()
        self.assertEqual(
            self.customer.pipeline_stage_id, self.pstage_proposal, "another deal is open"
        )
        self._mark_lost(second)
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_lost)
        self.assertFalse(self.customer.pipeline_lost_reason_id, "the orders have the reasons")
        self.assertTrue(self._logs(self.customer)[-1].automatic)

    def test_a_won_deal_blocks_the_lost_rule(self):
        won, open_deal = self._quote(), self._quote()
        won.with_user(self.salesman).action_confirm()
        # the salesperson puts the customer back in "Proposal" (its fact holds)
        self.customer.with_user(self.salesman).pipeline_stage_id = self.pstage_proposal
        open_deal.with_user(self.salesman).action_cancel()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_proposal)

    def test_lost_trigger_leaves_a_won_customer_alone(self):
        # a won deal, then cancelled: the facts say all lost, the stage says won
        order = self._quote()
        order.with_user(self.salesman).action_confirm()
        order.with_user(self.salesman)._action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_won)

    def test_lost_customer_comes_back_with_a_new_quotation(self):
        self._quote().with_user(self.salesman).action_cancel()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_lost)
        self._quote().with_user(self.salesman).action_quotation_sent()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_proposal)

    def test_no_trigger_stage_nothing_moves(self):
        self.pstage_proposal.customer_trigger = False
        self._quote().with_user(self.salesman).action_quotation_sent()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_exploration)


@tagged("post_install", "-at_install")
class TestCustomerManualMoves(LifecycleCommon):
    def test_manual_move_refused_until_the_stage_fact_happened(self):
        logs = self._logs(self.customer)
        for stage in (self.pstage_proposal, self.pstage_won):
            with self._refused():
                self.customer.with_user(self.salesman).pipeline_stage_id = stage
            self.assertEqual(self.customer.pipeline_stage_id, self.pstage_exploration)
        self.assertEqual(self._logs(self.customer), logs, "nothing written")
        order = self._quote()
        order.with_user(self.salesman).action_quotation_sent()
        self.customer.with_user(self.salesman).pipeline_stage_id = self.pstage_exploration
        self.customer.with_user(self.salesman).pipeline_stage_id = self.pstage_proposal
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_proposal)
        with self._refused():
            self.customer.with_user(self.salesman).pipeline_stage_id = self.pstage_won

    def test_new_customer_cannot_be_created_in_a_fact_stage(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        count = Partner.search_count([])
        with self._refused():
            Partner.create(
                {
                    "name": "Straight to won",
                    "is_company": True,
                    "customer_rank": 1,
                    "pipeline_stage_id": self.pstage_won.id,
                }
            )
        self.assertEqual(Partner.search_count([]), count)

    def test_lost_by_hand_with_a_reason_whatever_the_facts(self):
        self.customer.with_user(self.salesman).write(
            {
                "pipeline_stage_id": self.pstage_lost.id,
                "pipeline_lost_reason_id": self.lost_reason.id,
            }
        )
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_lost)

    def test_customer_trigger_only_on_customer_stages(self):
        with self.assertRaises(ValidationError):
            self.stage_measure.customer_trigger = "first_sent"
        self.assertFalse(self.stage_measure.customer_trigger)


@tagged("post_install", "-at_install")
class TestCustomerFollowUpWhenLost(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref("crm_extension.mail_activity_type_follow_up")
        # last invoiced 200 days ago, class A (30 days): a follow-up is due
        cls._invoice(cls.customer, 100, days_ago=200)
        cls.customer.sudo().crm_customer_class_company = "A"

    def _followups(self):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", self.customer.id),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def _is_due(self):
        self.customer.invalidate_recordset(["crm_followup_due"])
        return self.customer.with_user(self.salesman).crm_followup_due

    def test_lost_customer_gets_no_reminder_until_it_comes_back(self):
        Partner = self.env["res.partner"]
        self.assertTrue(self._is_due())
        reminder = Partner._cron_create_followup_activities()
        self.assertEqual(reminder, self._followups())
        self.customer.with_user(self.salesman).write(
            {
                "pipeline_stage_id": self.pstage_lost.id,
                "pipeline_lost_reason_id": self.lost_reason.id,
            }
        )
        self.assertFalse(self._followups(), "the open reminder is cancelled")
        self.assertFalse(self._is_due())
        self.assertNotIn(
            self.customer,
            Partner.with_user(self.salesman).search([("crm_followup_due", "=", True)]),
        )
        self.assertFalse(Partner._cron_create_followup_activities())
        self.assertFalse(self._followups())
        # back out of the lost stage: reminded again
        self.customer.with_user(self.salesman).pipeline_stage_id = self.pstage_exploration
        self.assertTrue(self._is_due())
        self.assertIn(
            self.customer,
            Partner.with_user(self.salesman).search([("crm_followup_due", "=", True)]),
        )
        self.assertEqual(Partner._cron_create_followup_activities(), self._followups())
        self.assertEqual(self._followups().user_id, self.salesman)

    def test_customer_lost_by_its_deals_gets_no_reminder(self):
        self._quote().with_user(self.salesman).action_cancel()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_lost)
        self.assertFalse(self._is_due())
        self.assertFalse(self.env["res.partner"]._cron_create_followup_activities())


@tagged("post_install", "-at_install")
class TestCustomerLifecycleUpgrade(LifecycleCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the data as it was before the upgrade: stages without triggers
        triggered = cls.pstage_proposal | cls.pstage_won | cls.pstage_lost
        cls.triggers = {stage: stage.customer_trigger for stage in triggered}
        triggered.customer_trigger = False
        Order = cls.env["sale.order"]

        def order(customer, action=None):
            so = Order.create(
                {
                    "partner_id": customer.id,
                    "user_id": cls.salesman.id,
                    "order_line": [Command.create({"product_id": cls.product_a.id})],
                }
            )
            if action:
                getattr(so, action)()
            return so

        cls.c_draft = cls._customer_of_salesman("Only a draft")
        order(cls.c_draft)
        cls.c_sent = cls._customer_of_salesman("Sent")
        order(cls.c_sent, "action_quotation_sent")
        order(cls.c_sent)
        cls.c_confirmed = cls._customer_of_salesman("Confirmed")
        order(cls.c_confirmed, "action_quotation_sent")
        order(cls.c_confirmed, "action_confirm")
        cls.c_lost = cls._customer_of_salesman("All cancelled")
        order(cls.c_lost, "action_cancel")
        order(cls.c_lost, "action_cancel")
        cls.c_mixed = cls._customer_of_salesman("Confirmed and cancelled")
        order(cls.c_mixed, "action_confirm")
        order(cls.c_mixed, "action_cancel")
        # already further than their facts: never moved back
        cls.c_ahead = cls._customer_of_salesman("Won by hand")
        cls.c_ahead.sudo().pipeline_stage_id = cls.pstage_won
        order(cls.c_ahead, "action_quotation_sent")
        cls.c_lost_by_hand = cls._customer_of_salesman("Lost by hand")
        order(cls.c_lost_by_hand, "action_quotation_sent")
        cls.c_lost_by_hand.sudo().write(
            {
                "pipeline_stage_id": cls.pstage_lost.id,
                "pipeline_lost_reason_id": cls.lost_reason.id,
            }
        )
        cls.c_no_orders = cls._customer_of_salesman("No orders")
        cls.customers = (
            cls.c_draft
            | cls.c_sent
            | cls.c_confirmed
            | cls.c_lost
            | cls.c_mixed
            | cls.c_ahead
            | cls.c_lost_by_hand
            | cls.c_no_orders
        )

    def _restore_triggers(self):
        for stage, trigger in self.triggers.items():
            stage.customer_trigger = trigger

    def test_upgrade_places_customers_where_their_orders_say(self):
        self._restore_triggers()
        self.assertEqual(
            set(self.customers.mapped("pipeline_stage_id")),
            {self.pstage_exploration, self.pstage_won, self.pstage_lost},
            "before: nobody moved by the facts",
        )
        logs = self.env["crm.pipeline.stage.log"].search_count([])
        activities = self.env["mail.activity"].search_count([])
        messages = self.env["mail.message"].search_count([])
        _migration().migrate(self.env.cr, "19.0.1.5.0")
        self.assertEqual(
            [c.pipeline_stage_id for c in self.customers],
            [
                self.pstage_exploration,
                self.pstage_proposal,
                self.pstage_won,
                self.pstage_lost,
                self.pstage_won,
                self.pstage_won,
                self.pstage_lost,
                self.pstage_exploration,
            ],
        )
        self.assertEqual(self.c_lost_by_hand.pipeline_lost_reason_id, self.lost_reason)
        # silent: nothing dates from the upgrade
        self.assertEqual(self.env["crm.pipeline.stage.log"].search_count([]), logs)
        self.assertEqual(self.env["mail.activity"].search_count([]), activities)
        self.assertEqual(self.env["mail.message"].search_count([]), messages)

    def test_upgrade_gives_the_shipped_stages_their_triggers(self):
        shipped = {
            "stage_partner_new": False,
            "stage_partner_proposal": "first_sent",
            "stage_partner_won": "first_confirmed",
            "stage_partner_lost": "all_lost",
        }
        stages = {xmlid: self.env.ref(f"crm_extension.{xmlid}") for xmlid in shipped}
        for stage in stages.values():
            stage.customer_trigger = False
        # an administrator made the shipped lost stage mean something else: left alone
        stages["stage_partner_lost"].is_lost = False
        _migration().migrate(self.env.cr, "19.0.1.5.0")
        shipped["stage_partner_lost"] = False
        self.assertEqual(
            {xmlid: stage.customer_trigger for xmlid, stage in stages.items()}, shipped
        )

    def test_upgrade_query_count_does_not_grow_with_customers(self):
        self._restore_triggers()
        Partner = self.env["res.partner"]
        customers = Partner
        for index in range(5):
            customer = self._customer_of_salesman(f"Buyer {index}")
            self.env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "order_line": [Command.create({"product_id": self.product_a.id})],
                }
            ).action_confirm()
            customers |= customer

        def queries_to_place(out_of_place):
            """Queries to place every customer when ``out_of_place`` are behind."""
            customers.sudo().pipeline_stage_id = self.pstage_won
            out_of_place.sudo().pipeline_stage_id = self.pstage_exploration
            self.env.flush_all()
            self.env.invalidate_all()
            # later than the setup: every moved customer gets a new stage date
            with self._at(fields.Datetime.now() + timedelta(hours=1)):
                before = self.env.cr.sql_log_count
                Partner._crm_place_customers_by_facts()
                self.env.flush_all()
                count = self.env.cr.sql_log_count - before
            self.assertEqual(set(customers.mapped("pipeline_stage_id")), {self.pstage_won})
            return count

        queries_to_place(customers)  # warm-up
        one = queries_to_place(customers[:1])
        five = queries_to_place(customers)
        self.assertEqual(five, one)


@tagged("post_install", "-at_install")
class TestCustomerTriggerQueries(LifecycleCommon):
    def test_query_count_does_not_grow_with_the_customer_orders(self):
        def queries_to_send(previous_orders):
            customer = self._customer_of_salesman(f"With {previous_orders}")
            for _index in range(previous_orders):
                self._quote(customer).with_user(self.salesman).action_cancel()
            order = self._quote(customer)
            customer.sudo().pipeline_stage_id = self.pstage_exploration
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            order.with_user(self.salesman).action_quotation_sent()
            self.env.flush_all()
            count = self.env.cr.sql_log_count - before
            self.assertEqual(customer.pipeline_stage_id, self.pstage_proposal)
            return count

        queries_to_send(1)  # warm-up
        self.assertEqual(queries_to_send(5), queries_to_send(1))

    def test_cancelling_several_orders_at_once(self):
        first, second = self._quote(), self._quote()
        (first | second).with_user(self.salesman).action_cancel()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_lost)
        to_lost = self._logs(self.customer).filtered(lambda g: g.stage_to_id == self.pstage_lost)
        self.assertEqual(len(to_lost), 1, "one move for both orders")

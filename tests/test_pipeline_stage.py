from datetime import datetime, timedelta

from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from odoo.addons.crm_extension.hooks import post_init_hook

from .common import PipelineCommon

NOW = datetime(2026, 3, 2, 10, 0, 0)


@tagged("post_install", "-at_install")
class TestPipelineDefaults(PipelineCommon):
    def test_new_quotation_starts_in_first_stage_without_trigger(self):
        self.stage_approval.sequence = 0  # a triggered stage now comes first
        order = self._quotation()
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)

    def test_new_customer_starts_in_first_partner_stage(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        customer = Partner.with_context(res_partner_search_mode="customer").create(
            {"name": "New Customer", "is_company": True}
        )
        self.assertEqual(customer.pipeline_stage_id, self.pstage_exploration)
        vendor = Partner.with_context(res_partner_search_mode="supplier").create(
            {"name": "A Vendor", "is_company": True}
        )
        self.assertFalse(vendor.pipeline_stage_id, "only customers enter the lifecycle")

    def test_partner_becoming_customer_enters_first_stage(self):
        partner = self.env["res.partner"].create({"name": "Walk-in", "is_company": True})
        self.assertFalse(partner.pipeline_stage_id)
        partner._increase_rank("customer_rank")
        self.assertEqual(partner.pipeline_stage_id, self.pstage_exploration)

    def test_contacts_show_the_stage_of_their_company(self):
        contact = self.env["res.partner"].create({"name": "Jane", "parent_id": self.customer.id})
        self.assertEqual(contact.pipeline_stage_id, self.customer.pipeline_stage_id)
        self.customer.pipeline_stage_id = self.pstage_proposal
        self.assertEqual(contact.pipeline_stage_id, self.pstage_proposal)
        self.assertFalse(self._logs(contact), "only the commercial partner has a pipeline history")
        form = Form(contact)
        self.assertTrue(form._get_modifier("pipeline_stage_id", "readonly"))


@tagged("post_install", "-at_install")
class TestInstallOnExistingData(PipelineCommon):
    def test_existing_orders_and_customers_get_the_stage_of_their_state(self):
        draft, sent, confirmed, cancelled = (self._quotation() for _i in range(4))
        sent.action_quotation_sent()
        confirmed.action_confirm()
        cancelled.action_cancel()
        orders = draft | sent | confirmed | cancelled
        walk_in = self.env["res.partner"].create({"name": "Old customer", "customer_rank": 3})
        for record in (orders, walk_in):
            record.sudo().pipeline_stage_id = False  # the system clears them, like before install
        logs = self.env["crm.pipeline.stage.log"].search_count([])
        activities = self.env["mail.activity"].search_count([])
        post_init_hook(self.env)
        self.assertEqual(
            [r.pipeline_stage_id for r in (*orders, walk_in)],
            [
                self.stage_first_call,
                self.stage_approval,
                self.stage_payment,
                self.stage_lost,
                self.pstage_exploration,
            ],
        )
        self.assertEqual(self.env["crm.pipeline.stage.log"].search_count([]), logs)
        self.assertEqual(self.env["mail.activity"].search_count([]), activities)


@tagged("post_install", "-at_install")
class TestStageEntryActivity(PipelineCommon):
    @freeze_time(NOW)
    def test_entering_stage_schedules_activity_with_exact_due_time(self):
        order = self._quotation()
        activity = self._stage_activities(order)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.crm_deadline, NOW + timedelta(minutes=15))
        self.assertEqual(activity.date_deadline, NOW.date())
        self.assertEqual(activity.summary, "Call the client back")
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))

    @freeze_time(NOW)
    def test_activity_goes_to_the_mover_when_the_record_has_no_owner(self):
        order = self._quotation(user_id=False)
        self.assertEqual(self._stage_activities(order).user_id, self.salesman)

    @freeze_time(NOW)
    def test_partner_stage_activity_goes_to_the_customer_owner(self):
        self.customer.pipeline_stage_id = self.pstage_proposal
        self.customer.with_user(self.leader).pipeline_stage_id = self.pstage_exploration
        activity = self._stage_activities(self.customer).sorted("id")[-1]
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.crm_deadline, NOW + timedelta(hours=2))

    def test_overdue_activity_notifies_owner_and_leader_once(self):
        Activity = self.env["mail.activity"]
        with freeze_time(NOW):
            order = self._quotation()
        activity = self._stage_activities(order)

        def notes():
            return order.message_ids.filtered(lambda m: "Overdue" in (m.body or ""))

        with freeze_time(NOW + timedelta(minutes=14)):
            Activity._cron_notify_overdue_stage_activities()
        self.assertFalse(notes(), "not overdue before its 15 minutes")
        with freeze_time(NOW + timedelta(minutes=16)):
            Activity._cron_notify_overdue_stage_activities()
        self.assertEqual(len(notes()), 1)
        self.assertEqual(notes().partner_ids, self.salesman.partner_id | self.leader.partner_id)
        self.assertTrue(activity.crm_overdue_notified)
        with freeze_time(NOW + timedelta(minutes=30)):
            Activity._cron_notify_overdue_stage_activities()
        self.assertEqual(len(notes()), 1, "the owner is told once")

    def test_overdue_without_leader_flag_notifies_only_the_owner(self):
        self.stage_first_call.activity_line_ids.notify_leader = False
        with freeze_time(NOW):
            order = self._quotation()
        with freeze_time(NOW + timedelta(minutes=16)):
            self.env["mail.activity"]._cron_notify_overdue_stage_activities()
        note = order.message_ids.filtered(lambda m: "Overdue" in (m.body or ""))
        self.assertEqual(note.partner_ids, self.salesman.partner_id)

    def test_rescheduled_activity_keeps_its_time_on_the_new_day(self):
        with freeze_time(NOW):
            order = self._quotation()
        activity = self._stage_activities(order)
        activity.with_user(self.salesman).date_deadline = NOW.date() + timedelta(days=2)
        self.assertEqual(activity.crm_deadline, NOW + timedelta(days=2, minutes=15))
        with freeze_time(NOW + timedelta(minutes=16)):
            self.env["mail.activity"]._cron_notify_overdue_stage_activities()
        self.assertFalse(order.message_ids.filtered(lambda m: "Overdue" in (m.body or "")))

    def test_done_activity_is_not_reported_overdue(self):
        with freeze_time(NOW):
            order = self._quotation()
            self._stage_activities(order).action_done()
        with freeze_time(NOW + timedelta(minutes=16)):
            self.env["mail.activity"]._cron_notify_overdue_stage_activities()
        self.assertFalse(order.message_ids.filtered(lambda m: "Overdue" in (m.body or "")))


@tagged("post_install", "-at_install")
class TestStageMoves(PipelineCommon):
    def test_manual_move_is_tracked_logged_and_automated(self):
        order = self._quotation()
        self._flush_tracking()  # changes in the creating transaction are not tracked
        order.with_user(self.salesman).pipeline_stage_id = self.stage_measure
        logs = self._logs(order)
        self.assertEqual(logs.stage_to_id, self.stage_first_call | self.stage_measure)
        move = logs[-1]
        self.assertEqual(move.stage_from_id, self.stage_first_call)
        self.assertEqual(move.user_id, self.salesman)
        self.assertFalse(move.automatic)
        # the call of the stage left undone is cancelled (tests/test_stage_activities.py)
        self.assertEqual(
            self._stage_activities(order).activity_type_id,
            self.env.ref("crm_extension.mail_activity_type_visit"),
        )
        self._flush_tracking()
        tracked = order.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "pipeline_stage_id"
        )
        self.assertEqual(
            (tracked.old_value_integer, tracked.new_value_integer),
            (self.stage_first_call.id, self.stage_measure.id),
        )

    def test_moves_are_logged_in_batch(self):
        orders = self._quotation() | self._quotation() | self._quotation()
        Log = self.env["crm.pipeline.stage.log"]
        before = Log.search_count([])
        orders.with_user(self.salesman).write({"pipeline_stage_id": self.stage_measure.id})
        self.assertEqual(Log.search_count([]) - before, 3)

    def test_time_in_stage_is_tracked(self):
        with self._at(NOW):
            order = self._quotation()
            self._flush_tracking()
        with self._at(NOW + timedelta(hours=3)):
            order.pipeline_stage_id = self.stage_measure
            self._flush_tracking()
        with self._at(NOW + timedelta(hours=4)):
            order.invalidate_recordset(["duration_tracking", "pipeline_stage_days"])
            durations = order.duration_tracking
        self.assertEqual(durations[str(self.stage_first_call.id)], 3 * 3600)
        self.assertEqual(durations[str(self.stage_measure.id)], 3600)
        self.assertAlmostEqual(self._logs(order)[-1].duration_hours, 3.0, places=3)

    def test_group_expand_shows_every_stage_of_the_scope(self):
        self._quotation()
        groups = (
            self.env["sale.order"]
            .with_context(read_group_expand=True)
            .formatted_read_group([("id", "=", 0)], ["pipeline_stage_id"], ["__count"])
        )
        stage_ids = [g["pipeline_stage_id"][0] for g in groups]
        expected = self.env["crm.pipeline.stage"].search([("scope", "=", "order")])
        self.assertEqual(stage_ids, expected.ids)


@tagged("post_install", "-at_install")
class TestOrderEvents(PipelineCommon):
    def _notes(self, order):
        return order.message_ids.filtered(lambda m: "automatically" in (m.body or ""))

    def test_sent_and_confirmed_move_the_order(self):
        order = self._quotation()
        order.with_user(self.salesman).action_quotation_sent()
        self.assertEqual(order.pipeline_stage_id, self.stage_approval)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.pipeline_stage_id, self.stage_payment)
        self.assertEqual(len(self._notes(order)), 2)
        self.assertTrue(all(self._logs(order)[1:].mapped("automatic")))

    def test_invoice_posted_then_paid_move_the_order(self):
        order = self._quotation()
        order.action_confirm()
        invoice = order.sudo()._create_invoices()  # review mode: accounting invoices
        self.assertEqual(order.pipeline_stage_id, self.stage_payment, "draft is not invoiced")
        invoice.action_post()
        self.assertEqual(order.pipeline_stage_id, self.stage_invoiced)
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({})._create_payments()
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(order.pipeline_stage_id, self.stage_done)

    def test_events_never_move_an_order_back(self):
        order = self._quotation()
        order.action_confirm()
        self.stage_installation.sequence = 20  # a manual stage after "Invoiced"
        order.with_user(self.salesman).pipeline_stage_id = self.stage_installation
        order.sudo()._create_invoices().action_post()  # review mode: accounting invoices
        self.assertEqual(order.pipeline_stage_id, self.stage_installation)

    def test_cancellation_moves_from_any_stage(self):
        order = self._quotation()
        self.stage_installation.sequence = 20
        order.pipeline_stage_id = self.stage_installation
        order.with_user(self.salesman).action_cancel()
        self.assertEqual(order.pipeline_stage_id, self.stage_lost)

    def test_accountant_posting_moves_an_order_they_cannot_edit(self):
        order = self._quotation()
        order.action_confirm()
        invoice = order.sudo()._create_invoices()  # review mode: accounting invoices
        invoice.with_user(self.billing).action_post()
        self.assertEqual(order.pipeline_stage_id, self.stage_invoiced)
        self.assertEqual(self._logs(order)[-1].user_id, self.billing)


@tagged("post_install", "-at_install")
class TestStageGuards(PipelineCommon):
    def _assert_refused(self, order, stage, error=UserError):
        logs = self._logs(order)
        before = order.pipeline_stage_id
        with self.assertRaises(error):
            order.with_user(self.salesman).pipeline_stage_id = stage
        order.invalidate_recordset()
        self.assertEqual(order.pipeline_stage_id, before)
        self.assertEqual(self._logs(order), logs, "nothing is logged")

    def test_manual_move_into_stage_whose_event_did_not_happen_is_refused(self):
        order = self._quotation()
        with self.assertRaisesRegex(UserError, "cannot move to stage Payment by hand"):
            order.with_user(self.salesman).pipeline_stage_id = self.stage_payment
        self._assert_refused(order, self.stage_invoiced)
        order.action_confirm()
        self._assert_refused(order, self.stage_invoiced)
        self._assert_refused(order, self.stage_done)
        invoice = order.sudo()._create_invoices()  # review mode: accounting invoices
        self._assert_refused(order, self.stage_invoiced)  # still a draft
        invoice.action_post()
        order.pipeline_stage_id = self.stage_installation
        order.with_user(self.salesman).pipeline_stage_id = self.stage_invoiced
        self.assertEqual(order.pipeline_stage_id, self.stage_invoiced)
        self._assert_refused(order, self.stage_done)  # unpaid

    def test_creating_a_record_in_a_stage_follows_the_same_rules(self):
        orders = self.env["sale.order"].search_count([])
        with self.assertRaises(UserError):
            self._quotation(pipeline_stage_id=self.stage_payment.id)
        with self.assertRaises(RedirectWarning):
            self._quotation(pipeline_stage_id=self.stage_lost.id)
        self.assertEqual(self.env["sale.order"].search_count([]), orders)
        reason = self.env.ref("crm_extension.lost_reason_no_need")
        order = self._quotation(
            pipeline_stage_id=self.stage_lost.id, pipeline_lost_reason_id=reason.id
        )
        self.assertEqual(order.pipeline_stage_id, self.stage_lost)

    def test_lost_stage_asks_for_a_reason(self):
        order = self._quotation()
        self._assert_refused(order, self.stage_lost, RedirectWarning)
        with self.assertRaises(RedirectWarning) as caught:
            order.with_user(self.salesman).pipeline_stage_id = self.stage_lost
        action = caught.exception.args[1]
        reason = self.env.ref("crm_extension.lost_reason_price")
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.salesman)
            .with_context(**action["context"])
            .create({"lost_reason_id": reason.id, "note": "Found cheaper"})
        )
        wizard.action_confirm()
        self.assertEqual(order.pipeline_stage_id, self.stage_lost)
        self.assertEqual(order.pipeline_lost_reason_id, reason)
        self.assertIn("Found cheaper", order.message_ids[0].body)
        order.with_user(self.salesman).pipeline_stage_id = self.stage_measure
        self.assertFalse(order.pipeline_lost_reason_id, "a deal back in play has no lost reason")

    def test_lost_customer_asks_for_a_reason(self):
        with self.assertRaises(RedirectWarning):
            self.customer.with_user(self.salesman).pipeline_stage_id = self.pstage_lost
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_exploration)

    def test_stage_in_use_cannot_be_deleted_only_archived(self):
        order = self._quotation()
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)
        with self.assertRaisesRegex(UserError, "archive it instead"):
            self.stage_first_call.unlink()
        self.assertTrue(self.stage_first_call.exists())
        self.stage_first_call.action_archive()
        self.assertFalse(self.stage_first_call.active)
        unused = self.env["crm.pipeline.stage"].create({"name": "Unused", "scope": "order"})
        unused.unlink()
        self.assertFalse(unused.exists())

    def test_stage_of_the_other_pipeline_is_refused(self):
        order = self._quotation()
        self._assert_refused(order, self.pstage_proposal, ValidationError)
        with self.assertRaises(ValidationError):
            self.customer.pipeline_stage_id = self.stage_measure
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_exploration)
        with self.assertRaises(ValidationError):
            self.stage_first_call.scope = "partner"  # used by the order

    def test_customer_stage_cannot_have_a_trigger(self):
        with self.assertRaises(ValidationError):
            self.pstage_proposal.trigger = "paid"

    def test_salesperson_cannot_configure_stages(self):
        with self.assertRaises(AccessError):
            self.stage_measure.with_user(self.salesman).name = "Renamed"
        with self.assertRaises(AccessError):
            self.env["crm.pipeline.stage"].with_user(self.salesman).create(
                {"name": "Mine", "scope": "order"}
            )
        with self.assertRaises(AccessError, msg="stages belong to the CRM administrator"):
            self.stage_measure.with_user(self.sales_manager).name = "Sales manager's"
        self.stage_measure.with_user(self.crm_admin).name = "Site visit"
        self.assertEqual(self.stage_measure.name, "Site visit")


@tagged("post_install", "-at_install")
class TestStageMultiCompany(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls._create_company(name="Company B")
        cls.stage_b = cls.env["crm.pipeline.stage"].create(
            {"name": "B only", "scope": "order", "sequence": 0, "company_id": cls.company_b.id}
        )

    def test_records_never_take_another_company_stage(self):
        order = self._quotation()
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)
        with self.assertRaises(ValidationError):
            order.sudo().pipeline_stage_id = self.stage_b
        with self.assertRaises(AccessError):
            order.pipeline_stage_id = self.stage_b  # the salesperson cannot even see it
        order.invalidate_recordset()
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)

    def test_new_order_takes_its_company_first_stage(self):
        self.env.user.company_ids |= self.company_b
        order = (
            self.env["sale.order"]
            .with_company(self.company_b)
            .create({"partner_id": self.customer.id, "company_id": self.company_b.id})
        )
        self.assertEqual(order.pipeline_stage_id, self.stage_b)

    def test_kanban_columns_are_the_active_company_stages(self):
        self.env.user.company_ids |= self.company_b
        Order = self.env["sale.order"].with_context(
            allowed_company_ids=self.env.company.ids, read_group_expand=True
        )
        groups = Order.formatted_read_group([("id", "=", 0)], ["pipeline_stage_id"], ["__count"])
        self.assertNotIn(self.stage_b.id, [g["pipeline_stage_id"][0] for g in groups])
        self.assertFalse(
            self.env["crm.pipeline.stage"]
            .with_user(self.salesman)
            .search([("id", "=", self.stage_b.id)]),
            "a user of company A does not see the stages of company B",
        )

"""Issue 11, item 5 and part of item 11: the activity a stage schedules on entry lives
as long as its record stays in the stage (or as the stage says), the overdue notice is
only for the stage the record is in, and it gives its due time as Odoo shows datetimes."""

from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import PipelineCommon

NOW = datetime(2026, 3, 2, 10, 0, 0)


class StageActivityCommon(PipelineCommon):
    def _overdue_notes(self, record):
        # "Overdue: ..." in the owner's language ("Te laat: ..." in Dutch)
        return record.sudo().message_ids.filtered(
            lambda m: "Overdue" in (m.body or "") or "Te laat" in (m.body or "")
        )

    def _entry_activity(self, order, stage):
        return self._stage_activities(order).filtered(lambda a: a.crm_stage_id == stage)

    def _cron(self, moment):
        with freeze_time(moment):
            self.env["mail.activity"]._cron_notify_overdue_stage_activities()


@tagged("post_install", "-at_install")
class TestStageActivityOnExit(StageActivityCommon):
    """Item 5: an entry activity left undone is cancelled when its record leaves the
    stage, or kept open when the stage says so; no overdue notice for a stage left."""

    def test_the_stage_cancels_its_activity_by_default(self):
        self.assertEqual(self.stage_first_call.activity_line_ids.on_exit, "cancel")

    @freeze_time(NOW)
    def test_manual_move_cancels_the_activity_left_undone(self):
        order = self._quotation()
        call = self._entry_activity(order, self.stage_first_call)
        self.assertTrue(call)
        order.with_user(self.salesman).pipeline_stage_id = self.stage_measure
        self.assertFalse(call.exists(), "cancelled like Odoo cancels an activity")
        self.assertEqual(self._stage_activities(order).crm_stage_id, self.stage_measure)

    def test_confirmed_order_keeps_no_call_and_gets_no_overdue_note(self):
        with freeze_time(NOW):
            order = self._quotation()
            call = self._entry_activity(order, self.stage_first_call)
            # the events move the order (sent, then confirmed): automatic moves
            order.with_user(self.salesman).action_quotation_sent()
            order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.pipeline_stage_id, self.stage_payment)
        self.assertFalse(call.exists())
        self.assertFalse(self._stage_activities(order))
        self._cron(NOW + timedelta(minutes=16))
        self.assertFalse(self._overdue_notes(order))

    @freeze_time(NOW)
    def test_move_by_another_user_cancels_the_owners_activity(self):
        order = self._quotation()
        call = self._entry_activity(order, self.stage_first_call)
        self.assertEqual(call.user_id, self.salesman)
        # the team leader moves the deal of his salesperson
        order.with_user(self.leader).pipeline_stage_id = self.stage_installation
        self.assertFalse(call.exists())

    @freeze_time(NOW)
    def test_done_activities_and_other_activities_stay(self):
        order = self._quotation()
        todo = order.activity_schedule(
            "mail.mail_activity_data_todo", summary="Send the brochure", user_id=self.salesman.id
        )
        order.with_user(self.salesman).pipeline_stage_id = self.stage_measure
        measure_stage_activity = self._entry_activity(order, self.stage_measure)
        measure_stage_activity.action_done()
        order.with_user(self.salesman).pipeline_stage_id = self.stage_installation
        self.assertTrue(todo.exists(), "an activity of no stage is the user's own")
        done = (
            self.env["mail.activity"]
            .with_context(active_test=False)
            .search([("id", "=", measure_stage_activity.id)])
        )
        self.assertTrue(done, "a done activity stays in the history")

    def test_stage_that_keeps_its_activity_never_reports_it_overdue(self):
        self.stage_first_call.activity_line_ids.on_exit = "keep"
        with freeze_time(NOW):
            order = self._quotation()
            call = self._entry_activity(order, self.stage_first_call)
            order.with_user(self.salesman).pipeline_stage_id = self.stage_measure
        self.assertTrue(call.exists(), "kept open, as the stage says")
        self.assertFalse(call.crm_stage_current)
        self._cron(NOW + timedelta(minutes=16))
        self.assertFalse(self._overdue_notes(order), "the order left First call")
        self.assertFalse(call.crm_overdue_notified)

    def test_overdue_notice_still_fires_while_the_record_is_in_the_stage(self):
        with freeze_time(NOW):
            order = self._quotation()
            other = self._quotation()
            other.with_user(self.salesman).pipeline_stage_id = self.stage_measure
        self._cron(NOW + timedelta(minutes=16))
        self.assertEqual(len(self._overdue_notes(order)), 1)
        self.assertFalse(self._overdue_notes(other))

    def test_customer_stage_notifying_the_leader_tells_the_owner(self):
        """A customer has no sales team: a customer stage that asks to notify the team
        leader tells the owner only, and the job goes on."""
        self.pstage_exploration.activity_line_ids.notify_leader = True
        with freeze_time(NOW):
            customer = self._customer("Nordic Windows", user_id=self.salesman.id)
        self.assertEqual(customer.pipeline_stage_id, self.pstage_exploration)
        [call] = self._entry_activity(customer, self.pstage_exploration)
        self._cron(NOW + timedelta(hours=3))
        [note] = self._overdue_notes(customer)
        self.assertEqual(note.partner_ids, self.salesman.partner_id)
        self.assertTrue(call.crm_overdue_notified)

    def test_overdue_cron_checks_the_stages_without_a_query_per_activity(self):
        self.stage_first_call.activity_line_ids.on_exit = "keep"

        def left_orders(count):
            with freeze_time(NOW):
                for _i in range(count):
                    order = self._quotation()
                    order.with_user(self.salesman).pipeline_stage_id = self.stage_measure

        def cron_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self._cron(NOW + timedelta(minutes=16))
            return self.env.cr.sql_log_count - before

        left_orders(2)
        self._cron(NOW + timedelta(minutes=16))  # warm-up
        queries = cron_queries()
        left_orders(6)
        self.assertEqual(cron_queries(), queries)
        kept = self.env["mail.activity"].search(
            [("crm_stage_id", "=", self.stage_first_call.id), ("crm_overdue_notified", "=", False)]
        )
        self.assertEqual(len(kept), 8, "the kept calls are not notified")

    def test_salesperson_cannot_change_what_a_stage_does_on_exit(self):
        line = self.stage_first_call.activity_line_ids
        with self.assertRaises(AccessError):
            line.with_user(self.salesman).write({"on_exit": "keep"})
        self.assertEqual(line.on_exit, "cancel")
        # the administrator of the CRM may
        line.with_user(self.crm_admin).on_exit = "keep"
        self.assertEqual(line.on_exit, "keep")


@tagged("post_install", "-at_install")
class TestOverdueNoticeDueTime(StageActivityCommon):
    """Item 11 (part): the overdue note gives its due time as Odoo shows a datetime to
    the owner: their language's formats, their timezone, no seconds."""

    def _note_for(self, lang, tz):
        self.env["res.lang"]._activate_lang(lang)
        self.salesman.write({"lang": lang, "tz": tz})
        with freeze_time(NOW):
            order = self._quotation()
        self._cron(NOW + timedelta(minutes=16))
        return self._overdue_notes(order).body

    def test_dutch_owner_reads_a_dutch_date_in_amsterdam_time(self):
        body = self._note_for("nl_NL", "Europe/Amsterdam")
        # due at 10:15 UTC, 11:15 in Amsterdam; nl_NL: %d-%m-%Y %H:%M(:%S)
        self.assertIn("Te laat", body, "in the owner's language")
        self.assertIn("02-03-2026 11:15", body)
        self.assertNotIn("11:15:00", body)

    def test_american_owner_reads_a_us_date_in_new_york_time(self):
        body = self._note_for("en_US", "America/New_York")
        self.assertIn("03/02/2026 05:15 AM", body)
        self.assertNotIn("05:15:00", body)

"""Issue 14, "When": a stage asks for the appointment when a deal enters it; the
activity is due then and the stage may put it in the assignee's calendar."""

from datetime import date, datetime, timedelta

import pytz

from odoo.exceptions import AccessError, RedirectWarning, UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import CLIENT_SWITCHES, PipelineCommon

NOW = datetime(2026, 11, 20, 8, 0, 0)
OSLO = pytz.timezone("Europe/Oslo")


def oslo(*args):
    """The UTC moment the web client sends for a time picked in Oslo."""
    return OSLO.localize(datetime(*args)).astimezone(pytz.utc).replace(tzinfo=None)


class AppointmentCommon(PipelineCommon):
    """Measurements asks for the appointment and puts it in the calendar (1.5 hours);
    ``salesman`` works in Oslo, the customer lives there."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_measure.write(
            {
                "appointment_required": True,
                "appointment_calendar": True,
                "appointment_duration": 1.5,
            }
        )
        cls.customer.write(
            {
                "street": "Storgata 1",
                "zip": "0155",
                "city": "Oslo",
                "country_id": cls.env.ref("base.no").id,
            }
        )
        cls.salesman.tz = "Europe/Oslo"

    def _events(self, record):
        return self.env["calendar.event"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)]
        )

    def _state(self, record):
        """What a refused move or write must leave as it was."""
        record.invalidate_recordset()
        return (
            record.pipeline_stage_id,
            record.pipeline_appointment,
            self._logs(record),
            self._stage_activities(record),
            self._stage_activities(record).mapped("crm_deadline"),
            self._events(record),
            self._events(record).mapped("start"),
            record.message_ids,
        )

    def _ask(self, record, stage=None, user=None, **context):
        """Move ``record`` by hand without an appointment: the answer's action."""
        with self.assertRaises(RedirectWarning) as caught:
            record.with_user(user or self.salesman).with_context(**context).write(
                {"pipeline_stage_id": (stage or self.stage_measure).id}
            )
        return caught.exception.args[1]

    def _wizard(self, action, when, user=None, **vals):
        return (
            self.env[action["res_model"]]
            .with_user(user or self.salesman)
            .with_context(**action["context"])
            .create({"appointment": when, **vals})
        )

    def _measure_at(self, order, when):
        self._wizard(self._ask(order), when).action_confirm()
        return self._stage_activities(order).filtered(
            lambda activity: activity.crm_stage_id == self.stage_measure
        )


@tagged("post_install", "-at_install")
class TestPipelineAppointment(AppointmentCommon):
    @freeze_time(NOW)
    def test_entering_the_stage_by_hand_asks_for_the_appointment_and_writes_nothing(self):
        order = self._quotation()
        before = self._state(order)
        action = self._ask(order)
        self.assertEqual(action["res_model"], "crm.pipeline.appointment.wizard")
        self.assertEqual(action["context"]["default_stage_id"], self.stage_measure.id)
        self.assertEqual(action["context"]["default_res_ids"], order.ids)
        self.assertEqual(self._state(order), before)
        for context in CLIENT_SWITCHES:
            with self.subTest(context=context):
                self._ask(order, **context)
                self.assertEqual(self._state(order), before)
        # an appointment of False is no appointment
        with self.assertRaises(RedirectWarning):
            order.with_user(self.salesman).write(
                {"pipeline_stage_id": self.stage_measure.id, "pipeline_appointment": False}
            )
        self.assertEqual(self._state(order), before)

    @freeze_time(NOW)
    def test_the_stage_conditions_come_before_the_dialog(self):
        self.stage_payment.appointment_required = True
        order = self._quotation()
        with self.assertRaisesRegex(UserError, "cannot move to stage Payment by hand"):
            order.with_user(self.salesman).pipeline_stage_id = self.stage_payment

    @freeze_time(NOW)
    def test_an_appointment_in_the_past_is_refused_and_nothing_written(self):
        order = self._quotation()
        before = self._state(order)
        for past in (NOW - timedelta(hours=1), NOW):
            with self.subTest(past=past):
                with self.assertRaisesRegex(UserError, "is in the past"):
                    order.with_user(self.salesman).write(
                        {"pipeline_stage_id": self.stage_measure.id, "pipeline_appointment": past}
                    )
                self.assertEqual(self._state(order), before)
                wizard = self._wizard(self._ask(order), past)
                with self.assertRaisesRegex(UserError, "is in the past"):
                    wizard.action_confirm()
                self.assertEqual(self._state(order), before)

    @freeze_time(NOW)
    def test_the_wizard_moves_the_deal_and_the_activity_is_due_at_the_appointment(self):
        order = self._quotation()
        # the salesperson in Oslo picks 10 December, 10:00: 09:00 UTC in winter
        activity = self._measure_at(order, oslo(2026, 12, 10, 10, 0))
        self.assertEqual(order.pipeline_stage_id, self.stage_measure)
        self.assertEqual(order.pipeline_appointment, datetime(2026, 12, 10, 9, 0))
        self.assertEqual(self._logs(order)[-1].stage_to_id, self.stage_measure)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesman)
        self.assertEqual(activity.crm_deadline, datetime(2026, 12, 10, 9, 0))
        self.assertEqual(activity.date_deadline, date(2026, 12, 10))
        # just after midnight in Oslo is the day before in UTC: the due day is Oslo's
        other = self._quotation()
        activity = self._measure_at(other, oslo(2026, 12, 11, 0, 30))
        self.assertEqual(activity.crm_deadline, datetime(2026, 12, 10, 23, 30))
        self.assertEqual(activity.date_deadline, date(2026, 12, 11))

    @freeze_time(NOW)
    def test_the_wizard_note_goes_to_the_chatter(self):
        order = self._quotation()
        self._wizard(
            self._ask(order), oslo(2026, 12, 10, 10, 0), note="Ring at the back door"
        ).action_confirm()
        self.assertIn("Ring at the back door", "".join(order.message_ids.mapped("body")))

    @freeze_time(NOW)
    def test_a_calendar_event_for_the_assignee_at_the_customer_address(self):
        order = self._quotation()
        activity = self._measure_at(order, oslo(2026, 12, 10, 10, 0))
        event = activity.calendar_event_id
        self.assertEqual(self._events(order), event, "one event, linked to the deal")
        self.assertEqual(event.name, f"Measurements: {order.display_name}")
        self.assertEqual(event.start, datetime(2026, 12, 10, 9, 0))
        self.assertEqual(event.stop, datetime(2026, 12, 10, 10, 30))
        self.assertEqual(event.user_id, self.salesman)
        self.assertEqual(event.partner_ids, self.salesman.partner_id)
        self.assertIn("Storgata 1", event.location)
        self.assertIn("0155 Oslo", event.location)
        self.assertNotIn("\n", event.location)
        self.assertEqual(event.activity_ids, activity)
        # calendar did not rewrite the stage's activity nor add one of its own
        self.assertEqual(activity.summary, "Measurements")
        self.assertEqual(activity.crm_deadline, datetime(2026, 12, 10, 9, 0))
        self.assertEqual(order.activity_ids, activity)

    @freeze_time(NOW)
    def test_no_event_when_the_stage_does_not_say_so(self):
        self.stage_measure.appointment_calendar = False
        order = self._quotation()
        activity = self._measure_at(order, oslo(2026, 12, 10, 10, 0))
        self.assertEqual(activity.crm_deadline, datetime(2026, 12, 10, 9, 0))
        self.assertFalse(self._events(order))

    @freeze_time(NOW)
    def test_a_system_move_does_not_ask_and_the_appointment_is_set_later(self):
        order = self._quotation()
        order.with_user(self.salesman)._crm_move_to_stage(self.stage_measure, "a test")
        self.assertEqual(order.pipeline_stage_id, self.stage_measure)
        self.assertFalse(order.pipeline_appointment)
        self.assertTrue(order.pipeline_appointment_required, "the form offers Set Appointment")
        activity = self._stage_activities(order).filtered(
            lambda a: a.crm_stage_id == self.stage_measure
        )
        self.assertEqual(activity.crm_deadline, NOW + timedelta(days=1), "due by its delay")
        self.assertFalse(self._events(order))

        logs = self._logs(order)
        action = order.with_user(self.salesman).action_set_appointment()
        self.assertNotIn("default_appointment", action["context"])
        self._wizard(action, oslo(2026, 12, 10, 10, 0)).action_confirm()
        self.assertEqual(self._logs(order), logs, "not a move")
        self.assertEqual(order.pipeline_appointment, datetime(2026, 12, 10, 9, 0))
        self.assertEqual(activity.crm_deadline, datetime(2026, 12, 10, 9, 0))
        self.assertEqual(activity.date_deadline, date(2026, 12, 10))
        event = activity.calendar_event_id
        self.assertEqual(event.start, datetime(2026, 12, 10, 9, 0))

        # changed again: the activity and its event follow, no second event
        activity.sudo().crm_overdue_notified = True
        action = order.with_user(self.salesman).action_set_appointment()
        self.assertEqual(action["context"]["default_appointment"], "2026-12-10 09:00:00")
        self._wizard(action, oslo(2026, 12, 12, 14, 0)).action_confirm()
        self.assertEqual(order.pipeline_appointment, datetime(2026, 12, 12, 13, 0))
        self.assertEqual(activity.crm_deadline, datetime(2026, 12, 12, 13, 0))
        self.assertEqual(activity.date_deadline, date(2026, 12, 12))
        self.assertFalse(activity.crm_overdue_notified)
        self.assertEqual(self._events(order), event)
        self.assertEqual(event.start, datetime(2026, 12, 12, 13, 0))
        self.assertEqual(event.stop, datetime(2026, 12, 12, 14, 30))

    @freeze_time(NOW)
    def test_moving_the_event_in_the_calendar_moves_the_appointment(self):
        order = self._quotation()
        activity = self._measure_at(order, oslo(2026, 12, 10, 10, 0))
        event = activity.calendar_event_id
        self.assertEqual(event.start, datetime(2026, 12, 10, 9, 0))
        # the assignee drags it to the next day, 14:00 in Oslo
        event.with_user(self.salesman).write(
            {"start": datetime(2026, 12, 11, 13, 0), "stop": datetime(2026, 12, 11, 14, 30)}
        )
        self.assertEqual(order.pipeline_appointment, datetime(2026, 12, 11, 13, 0))
        self.assertEqual(activity.crm_deadline, datetime(2026, 12, 11, 13, 0))
        self.assertEqual(activity.date_deadline, date(2026, 12, 11))
        self.assertEqual(self._events(order), event, "no second event")
        self.assertEqual(event.stop, datetime(2026, 12, 11, 14, 30))

    @freeze_time(NOW)
    def test_a_deal_created_in_the_stage_gets_its_appointment_later(self):
        # a quick create in the column: there is no deal yet to give the dialog to
        order = self._quotation(pipeline_stage_id=self.stage_measure.id)
        self.assertEqual(order.pipeline_stage_id, self.stage_measure)
        self.assertFalse(order.pipeline_appointment)
        activity = self._stage_activities(order)
        self.assertEqual(activity.crm_deadline, NOW + timedelta(days=1))
        self._wizard(
            order.with_user(self.salesman).action_set_appointment(), NOW + timedelta(days=4)
        ).action_confirm()
        self.assertEqual(activity.crm_deadline, NOW + timedelta(days=4))
        self.assertEqual(activity.calendar_event_id.start, NOW + timedelta(days=4))
        # given at once, in the future: due then
        other = self._quotation(
            pipeline_stage_id=self.stage_measure.id, pipeline_appointment=NOW + timedelta(days=2)
        )
        self.assertEqual(self._stage_activities(other).crm_deadline, NOW + timedelta(days=2))
        self.assertEqual(
            self._stage_activities(other).calendar_event_id.start, NOW + timedelta(days=2)
        )

    @freeze_time(NOW)
    def test_set_appointment_only_in_a_stage_that_asks_for_one(self):
        order = self._quotation()
        with self.assertRaises(UserError):
            order.with_user(self.salesman).action_set_appointment()
        wizard = self._wizard(
            {
                "res_model": "crm.pipeline.appointment.wizard",
                "context": {
                    "default_res_model": "sale.order",
                    "default_res_ids": order.ids,
                    "default_stage_id": self.stage_first_call.id,
                },
            },
            NOW + timedelta(days=2),
        )
        before = self._state(order)
        with self.assertRaisesRegex(UserError, "does not ask for an appointment"):
            wizard.action_confirm()
        self.assertEqual(self._state(order), before)

    @freeze_time(NOW)
    def test_leaving_the_stage_calls_off_the_appointment_to_come(self):
        order = self._quotation()
        activity = self._measure_at(order, NOW + timedelta(days=3))
        event = activity.calendar_event_id
        order.with_user(self.salesman).pipeline_stage_id = self.stage_installation
        self.assertFalse(activity.exists(), "the activity left undone is cancelled")
        self.assertFalse(event.exists(), "and its appointment to come with it")
        self.assertFalse(order.pipeline_appointment)

    @freeze_time(NOW)
    def test_leaving_the_stage_keeps_a_past_appointment_or_one_kept_open(self):
        order = self._quotation()
        event = self._measure_at(order, NOW + timedelta(hours=2)).calendar_event_id
        with freeze_time(NOW + timedelta(hours=3)):
            order.with_user(self.salesman).pipeline_stage_id = self.stage_installation
        self.assertTrue(event.exists(), "an appointment that took place stays in the calendar")

        self.stage_measure.activity_line_ids.on_exit = "keep"
        other = self._quotation()
        activity = self._measure_at(other, NOW + timedelta(days=3))
        other.with_user(self.salesman).pipeline_stage_id = self.stage_installation
        self.assertTrue(activity.exists())
        self.assertTrue(activity.calendar_event_id.exists())

    @freeze_time(NOW)
    def test_a_customer_stage_asks_too(self):
        self.pstage_proposal.appointment_required = True
        with self.assertRaises(RedirectWarning) as caught:
            self.customer.with_user(self.salesman).pipeline_stage_id = self.pstage_proposal
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_exploration)
        self._wizard(caught.exception.args[1], NOW + timedelta(days=1)).action_confirm()
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_proposal)
        self.assertEqual(self.customer.pipeline_appointment, NOW + timedelta(days=1))

    @freeze_time(NOW)
    def test_a_customer_moved_by_the_system_gets_its_appointment_from_its_form(self):
        self.pstage_proposal.appointment_required = True
        self.customer.with_user(self.salesman)._crm_move_to_stage(self.pstage_proposal, "a test")
        self.assertEqual(self.customer.pipeline_stage_id, self.pstage_proposal)
        self.assertTrue(self.customer.pipeline_appointment_required)
        arch = self.env["res.partner"].with_user(self.salesman).get_view(view_type="form")["arch"]
        self.assertIn('name="action_set_appointment"', arch)
        self.assertIn('name="pipeline_appointment"', arch)
        action = self.customer.with_user(self.salesman).action_set_appointment()
        self._wizard(action, NOW + timedelta(days=2)).action_confirm()
        self.assertEqual(self.customer.pipeline_appointment, NOW + timedelta(days=2))


@tagged("post_install", "-at_install")
class TestPipelineAppointmentGuards(AppointmentCommon):
    """The appointment changes with a move into its stage or through the wizard, never
    by a direct write, whatever the context."""

    @freeze_time(NOW)
    def test_a_salesperson_cannot_write_the_appointment_directly(self):
        order = self._quotation()
        self._measure_at(order, NOW + timedelta(days=3))
        before = self._state(order)
        later = NOW + timedelta(days=5)
        for context in (*CLIENT_SWITCHES, {"default_pipeline_appointment": later}, {}):
            with self.subTest(context=context):
                with self.assertRaisesRegex(UserError, "cannot be set directly"):
                    order.with_user(self.salesman).with_context(**context).write(
                        {"pipeline_appointment": later}
                    )
                self.assertEqual(self._state(order), before)
        # nor with a move into a stage that does not ask for one
        with self.assertRaisesRegex(UserError, "cannot be set directly"):
            order.with_user(self.salesman).write(
                {"pipeline_stage_id": self.stage_installation.id, "pipeline_appointment": later}
            )
        self.assertEqual(self._state(order), before)
        # nor by "moving" into the stage it is already in
        with self.assertRaisesRegex(UserError, "cannot be set directly"):
            order.with_user(self.salesman).write(
                {"pipeline_stage_id": self.stage_measure.id, "pipeline_appointment": later}
            )
        self.assertEqual(self._state(order), before)

    @freeze_time(NOW)
    def test_a_batch_move_leaves_the_appointment_of_those_already_in_the_stage(self):
        there = self._quotation()
        self._measure_at(there, NOW + timedelta(days=3))
        before = self._state(there)
        newcomer = self._quotation()
        first = newcomer.pipeline_stage_id
        later = NOW + timedelta(days=5)
        # for the deal already there it is a direct write: refused, nothing written
        with self.assertRaisesRegex(UserError, "cannot be set directly"):
            (there | newcomer).with_user(self.salesman).write(
                {"pipeline_stage_id": self.stage_measure.id, "pipeline_appointment": later}
            )
        self.assertEqual(self._state(there), before)
        self.assertEqual(newcomer.pipeline_stage_id, first)
        # the system moves both: the newcomer waits for its appointment, the other keeps
        # its own, its activity and its event
        (there | newcomer).sudo().write({"pipeline_stage_id": self.stage_measure.id})
        self.assertEqual(self._state(there), before)
        self.assertEqual(newcomer.pipeline_stage_id, self.stage_measure)
        self.assertFalse(newcomer.pipeline_appointment)

    @freeze_time(NOW)
    def test_a_salesperson_cannot_create_a_deal_with_an_appointment_outside_its_stage(self):
        Order = self.env["sale.order"].with_user(self.salesman)
        count = Order.search_count([])
        vals = {"partner_id": self.customer.id, "user_id": self.salesman.id}
        later = NOW + timedelta(days=5)
        # assertRaises rolls back what was written (the check follows the stage's default)
        with self.assertRaises(UserError) as caught:
            Order.create(dict(vals, pipeline_appointment=later))
        self.assertIn("cannot be set directly", str(caught.exception))
        with self.assertRaises(UserError) as caught:
            Order.with_context(default_pipeline_appointment=later).create(vals)
        self.assertIn("cannot be set directly", str(caught.exception))
        with self.assertRaisesRegex(UserError, "is in the past"):
            Order.create(
                dict(
                    vals,
                    pipeline_stage_id=self.stage_measure.id,
                    pipeline_appointment=NOW - timedelta(days=1),
                )
            )
        self.assertEqual(Order.search_count([]), count)

    @freeze_time(NOW)
    def test_another_salesperson_cannot_set_the_appointment_of_a_deal_not_theirs(self):
        order = self._quotation()
        order.with_user(self.salesman)._crm_move_to_stage(self.stage_measure)
        action = order.with_user(self.salesman).action_set_appointment()
        before = self._state(order)
        wizard = self._wizard(action, NOW + timedelta(days=2), user=self.salesman_2)
        with self.assertRaises(AccessError):
            wizard.action_confirm()
        self.assertEqual(self._state(order), before)

    @freeze_time(NOW)
    def test_the_system_sets_it(self):
        order = self._quotation()
        order.with_user(self.salesman)._crm_move_to_stage(self.stage_measure)
        order.sudo().pipeline_appointment = NOW + timedelta(days=2)
        self.assertEqual(
            self._stage_activities(order)
            .filtered(lambda a: a.crm_stage_id == self.stage_measure)
            .crm_deadline,
            NOW + timedelta(days=2),
        )


@tagged("post_install", "-at_install")
class TestAppointmentStageConfig(AppointmentCommon):
    def test_a_calendar_event_needs_the_appointment_and_a_duration(self):
        with self.assertRaises(ValidationError):
            self.stage_approval.write({"appointment_calendar": True})
        with self.assertRaises(ValidationError):
            self.stage_measure.appointment_duration = 0
        with self.assertRaises(ValidationError):
            self.stage_lost.appointment_required = True

    def test_a_stage_asking_for_an_appointment_is_archived_not_deleted(self):
        stage = self.env["crm.pipeline.stage"].create(
            {"name": "Unused Visit", "scope": "order", "appointment_required": True}
        )
        with self.assertRaisesRegex(UserError, "asks for an appointment"):
            stage.unlink()
        stage.appointment_required = False
        stage.unlink()
        self.assertFalse(stage.exists())

"""Browser tour (issue 14, "When"): a salesperson drops a deal on a stage that asks for
the appointment, from the menu; discarding the dialog leaves the card where it was."""

from datetime import datetime

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import CrmCommon, call_kw_error


@tagged("post_install", "-at_install")
class TestPipelineAppointmentTour(CrmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._let_test_user_configure()

    def test_drop_on_an_appointment_column_asks_the_date_and_moves_the_card(self):
        Stage = self.env["crm.pipeline.stage"]
        Stage.search([("scope", "=", "order")]).active = False
        visit = self.env.ref("crm_extension.mail_activity_type_visit")
        new, measure = Stage.create(
            [
                {"name": "Appt Tour New", "scope": "order", "sequence": 1},
                {
                    "name": "Appt Tour Measure",
                    "scope": "order",
                    "sequence": 2,
                    "activity_line_ids": [
                        Command.create({"activity_type_id": visit.id, "delay": 1})
                    ],
                    "appointment_required": True,
                    "appointment_calendar": True,
                },
            ]
        )
        customer = self.env["res.partner"].create({"name": "Appt Tour Glass", "city": "Bergen"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "user_id": self.sp.id})
        self.assertEqual(order.pipeline_stage_id, new)
        self.start_tour("/odoo", "crm_extension_pipeline_appointment", login=self.sp.login)
        self.assertEqual(order.pipeline_stage_id, measure)
        appointment = order.pipeline_appointment
        # 10 December 2035, 10:00 in the browser's timezone (that of the test machine)
        self.assertEqual((appointment.year, appointment.minute), (2035, 0))
        self.assertLess(abs(appointment - datetime(2035, 12, 10, 10, 0)).total_seconds(), 15 * 3600)
        activity = order.activity_ids
        self.assertEqual(activity.crm_deadline, appointment)
        self.assertEqual(activity.calendar_event_id.start, appointment)
        self.assertEqual(activity.calendar_event_id.location, "Bergen")
        self.assertIn("Ring at the back door", "".join(order.message_ids.mapped("body")))


@tagged("post_install", "-at_install")
class TestAppointmentAnswer(CrmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._let_test_user_configure()

    def test_a_move_without_appointment_is_answered_without_error_in_the_log(self):
        stage = self.env["crm.pipeline.stage"].create(
            {"name": "Log Appointment", "scope": "order", "appointment_required": True}
        )
        customer = self.env["res.partner"].create({"name": "Appointment Log Customer"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "user_id": self.sp.id})
        before = order.pipeline_stage_id
        self.authenticate(self.sp.login, self.sp.login)
        error = call_kw_error(
            self, "sale.order", "write", [order.ids, {"pipeline_stage_id": stage.id}]
        )
        self.assertEqual(error["name"], "odoo.exceptions.RedirectWarning")
        self.assertIn("appointment", error["message"])
        order.invalidate_recordset()
        self.assertEqual(order.pipeline_stage_id, before)

"""The window installer's funnel of issue 14, end to end, as the people in it.

A request comes in from the web; the salesperson calls the client back within 15
minutes and books the measurements; the surveyor measures on that day and hands the
deal on; the team leader calculates the cost and calls the client within 2 hours; in
Payment the deal goes to accounting, whose posted invoice goes to the client; once paid,
the deal moves to Installation by itself and the installer gets his task on the date the
manager gives; the manager's reports show the calls made and the closed deal.
"""

from datetime import datetime, timedelta

from odoo import Command
from odoo.exceptions import RedirectWarning
from odoo.tests import tagged

from .common import BridgeCommon

REQUEST_AT = datetime(2026, 3, 2, 9, 0)  # Monday, UTC (every user here is in UTC)
MEASURE_AT = datetime(2026, 3, 4, 10, 0)
INSTALL_AT = datetime(2026, 3, 16, 8, 0)


@tagged("post_install", "-at_install")
class TestWindowInstallerFunnel(BridgeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # the people of the story, the fixture tree's: sp (salesperson), mgr (team leader,
        # manager), acc (accountant), surveyor and installer (who work on others' deals,
        # as the demo's do)
        for user in cls.sp | cls.mgr | cls.acc | cls.surveyor | cls.installer:
            user.tz = "UTC"
        cls.company.crm_accounting_user_ids = cls.acc
        cls.company.crm_invoice_mode = "posted"

        Stage = env["crm.pipeline.stage"]
        Stage.search([("scope", "=", "order")]).active = False
        call = env.ref("mail.mail_activity_data_call")
        todo = env.ref("mail.mail_activity_data_todo")
        visit = env.ref("crm_extension.mail_activity_type_visit")

        def line(activity_type, summary, delay, unit, **vals):
            return Command.create(
                {
                    "activity_type_id": activity_type.id,
                    "summary": summary,
                    "delay": delay,
                    "delay_unit": unit,
                    **vals,
                }
            )

        cls.first_call, cls.measurements, cls.approval, cls.payment = Stage.create(
            [
                {
                    "name": "First call",
                    "sequence": 1,
                    "activity_line_ids": [line(call, "Call the client back", 15, "minutes")],
                },
                {
                    "name": "Measurements",
                    "sequence": 2,
                    "appointment_required": True,
                    "appointment_calendar": True,
                    "appointment_duration": 2,
                    "activity_line_ids": [
                        line(
                            visit,
                            "Measure the windows",
                            1,
                            "days",
                            assign_to="user",
                            user_id=cls.surveyor.id,
                        ),
                    ],
                },
                {
                    "name": "Approval",
                    "sequence": 3,
                    "activity_line_ids": [
                        line(
                            call,
                            "Calculate the cost and call the client",
                            2,
                            "hours",
                            assign_to="team_leader",
                        )
                    ],
                },
                {
                    "name": "Payment",
                    "sequence": 4,
                    "trigger": "confirmed",
                    "crm_send_to_accounting": True,
                    "document_send": "invoice",
                },
            ]
        )
        cls.installation, cls.done = Stage.create(
            [
                {
                    "name": "Installation",
                    "sequence": 5,
                    "trigger": "paid",
                    "appointment_required": True,
                    "appointment_calendar": True,
                    "activity_line_ids": [
                        line(
                            todo,
                            "Install the windows",
                            1,
                            "days",
                            assign_to="user",
                            user_id=cls.installer.id,
                        )
                    ],
                },
                {"name": "Done", "sequence": 6, "is_won": True, "probability": 100},
            ]
        )
        cls.desk = env["crm.team"].create(
            {"name": "Windows", "user_id": cls.mgr.id, "member_ids": [Command.link(cls.sp.id)]}
        )

    # ---------------------------------------------------------------- helpers
    def _open_activity(self, order, user):
        return self.env["mail.activity"].search(
            [("res_model", "=", "sale.order"), ("res_id", "=", order.id), ("user_id", "=", user.id)]
        )

    def _move_with_appointment(self, order, user, stage, when):
        """``user`` moves ``order`` to ``stage``: asked for the date, gives it."""
        with self.assertRaises(RedirectWarning) as answer:
            order.with_user(user).write({"pipeline_stage_id": stage.id})
        self.assertNotEqual(order.pipeline_stage_id, stage, "the question moves nothing")
        return self._give_appointment(answer.exception.args[1], user, when)

    def _give_appointment(self, action, user, when):
        wizard = (
            self.env[action["res_model"]]
            .with_user(user)
            .with_context(**action["context"])
            .create({"appointment": when})
        )
        return wizard.action_confirm()

    # ---------------------------------------------------------------- the story
    def test_the_window_installers_funnel_from_request_to_installation(self):
        Report = self.env["crm.activity.report"]
        # 1. a buyer leaves a request on the website: a deal in First call, and "call
        #    back within 15 minutes" for the salesperson whose turn it is
        with self._at(REQUEST_AT):
            request = (
                self.env["crm.request"]
                .sudo()
                .create(
                    {
                        "team_id": self.desk.id,
                        "channel": "web",
                        "contact_name": "Nora Berg",
                        "email": "nora.berg@example.com",
                        "phone": "+47 912 34 567",
                        "message": "Six windows to replace, first floor.",
                    }
                )
            )
        order = request.order_id
        client = order.partner_id
        client.write({"street": "Strandgaten 12", "city": "Bergen", "zip": "5013"})
        self.assertEqual(order.pipeline_stage_id, self.first_call)
        self.assertEqual(order.user_id, self.sp)
        call_back = self._open_activity(order, self.sp)
        self.assertEqual(call_back.summary, "Call the client back")
        self.assertEqual(call_back.crm_deadline, REQUEST_AT + timedelta(minutes=15))

        # 2. the salesperson calls within the 15 minutes and books the measurements:
        #    the surveyor gets "measure" on that day, in his calendar at the client's
        with self._at(REQUEST_AT + timedelta(minutes=10)):
            call_back.with_user(self.sp).action_feedback("Called: measuring on Wednesday")
            self._move_with_appointment(order, self.sp, self.measurements, MEASURE_AT)
        self.assertEqual(order.pipeline_stage_id, self.measurements)
        measure = self._open_activity(order, self.surveyor)
        self.assertEqual(measure.summary, "Measure the windows")
        self.assertEqual(measure.crm_deadline, MEASURE_AT)
        self.assertEqual(measure.date_deadline, MEASURE_AT.date())
        event = measure.calendar_event_id
        self.assertEqual((event.start, event.stop), (MEASURE_AT, MEASURE_AT + timedelta(hours=2)))
        self.assertIn("Strandgaten 12", event.location)
        self.assertIn("Bergen", event.location)
        self.assertEqual(event.partner_ids, self.surveyor.partner_id | self.sp.partner_id)
        self.assertFalse(self._open_activity(order, self.sp), "the call back is done")

        # 3. the surveyor measures, attaches the measurements and hands the deal on: the
        #    team leader gets "calculate the cost and call the client" within 2 hours
        measured_at = MEASURE_AT + timedelta(hours=1)
        with self._at(measured_at):
            order.with_user(self.surveyor).message_post(
                body="Measurements attached",
                attachments=[("measurements.csv", b"window,width,height\n1,120,140\n")],
            )
            measure.with_user(self.surveyor).action_feedback("Measured")
            order.with_user(self.surveyor).write({"pipeline_stage_id": self.approval.id})
        self.assertEqual(order.pipeline_stage_id, self.approval)
        cost_call = self._open_activity(order, self.mgr)
        self.assertEqual(cost_call.summary, "Calculate the cost and call the client")
        self.assertEqual(cost_call.crm_deadline, measured_at + timedelta(hours=2))
        self.assertFalse(self._open_activity(order, self.surveyor))
        self.assertFalse(event.exists() and event.start > measured_at and event.activity_ids)

        # 4. the manager prices the job and calls the client, who accepts; the deal's
        #    salesperson confirms it: the order moves to Payment by itself and goes to
        #    accounting (only the owner or a sales administrator sends an order there);
        #    the invoice waits for its posting
        with self._at(measured_at + timedelta(hours=1)):
            order.with_user(self.mgr).write(
                {
                    "order_line": [
                        Command.create(
                            {
                                "product_id": self.product_a.id,
                                "product_uom_qty": 6,
                                "price_unit": 450.0,
                            }
                        )
                    ]
                }
            )
            cost_call.with_user(self.mgr).action_feedback("Offer accepted on the phone")
            order.with_user(self.sp).action_confirm()
        self.assertEqual(order.pipeline_stage_id, self.payment)
        self.assertEqual(order.state, "sale")

        # 5. the company lets the bridge invoice at once (posted mode): the invoice is
        #    posted to the cent of the order and goes to the client by e-mail, with Odoo's
        #    invoice sending; the deal's chatter says so
        self.assertEqual(order.accounting_state, "invoiced")
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, order.amount_total)
        self.assertTrue(invoice.is_move_sent)
        sent = invoice.message_ids.filtered(lambda message: client in message.partner_ids)
        self.assertTrue(sent, "the invoice e-mail went to the client")
        self.assertTrue(sent.attachment_ids, "with the invoice attached")
        self.assertTrue(
            order.message_ids.filtered(lambda message: invoice.name in (message.body or "")),
            "the deal's chatter says what was sent",
        )

        # 6. the client pays, the accountant registers it: the deal moves to Installation
        #    by itself and the installer is told at once; the manager gives the
        #    installation date, the task follows
        paid_at = datetime(2026, 3, 10, 9, 0)
        with self._at(paid_at):
            self.env["account.payment.register"].with_user(self.acc).with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({})._create_payments()
        self.assertEqual(order.pipeline_stage_id, self.installation)
        install = self._open_activity(order, self.installer)
        self.assertEqual(install.summary, "Install the windows")
        self.assertTrue(order.pipeline_appointment_required)
        self.assertFalse(order.pipeline_appointment)
        self.assertEqual(install.crm_deadline, paid_at + timedelta(days=1), "told at once")
        with self._at(paid_at + timedelta(hours=1)):
            action = order.with_user(self.mgr).action_set_appointment()
            self._give_appointment(action, self.mgr, INSTALL_AT)
        self.assertEqual(order.pipeline_appointment, INSTALL_AT)
        self.assertEqual(install.crm_deadline, INSTALL_AT)
        self.assertEqual(install.date_deadline, INSTALL_AT.date())
        self.assertEqual(install.calendar_event_id.start, INSTALL_AT)
        self.assertIn(self.installer.partner_id, install.calendar_event_id.partner_ids)

        # 7. the installer installs and closes the deal
        with self._at(INSTALL_AT + timedelta(hours=5)):
            install.with_user(self.installer).action_feedback("Installed")
            order.with_user(self.installer).write({"pipeline_stage_id": self.done.id})
            # the done date is computed when written, at the end of the user's request
            self.env.flush_all()
        self.assertEqual(order.pipeline_stage_id, self.done)

        # 8. the manager's reports: the work done on the deal by each person, on time
        #    (the appointments on their day), the calls made per salesperson, the closed
        #    deal and its revenue, the request converted, by source
        self.env.flush_all()
        done = Report.with_user(self.mgr).search([("order_id", "=", order.id)])
        call, visit, todo = (
            self.env.ref(xmlid)
            for xmlid in (
                "mail.mail_activity_data_call",
                "crm_extension.mail_activity_type_visit",
                "mail.mail_activity_data_todo",
            )
        )
        self.assertEqual(
            sorted((row.user_id.id, row.activity_type_id.id, row.nbr_on_time) for row in done),
            sorted(
                [
                    (self.sp.id, call.id, 1),
                    (self.surveyor.id, visit.id, 1),
                    (self.mgr.id, call.id, 1),
                    (self.installer.id, todo.id, 1),
                    # accounting's to-do, closed by the bridge's invoicing
                    (self.acc.id, todo.id, 1),
                ]
            ),
        )
        calls = Report.with_user(self.mgr)._read_group(
            [("order_id", "=", order.id), ("activity_category", "=", "phonecall")],
            ["user_id"],
            ["nbr_done:sum"],
        )
        self.assertEqual(dict(calls), {self.sp: 1, self.mgr: 1})
        # the salesperson sees his own calls only
        own = Report.with_user(self.sp).search([("order_id", "=", order.id)])
        self.assertEqual(own.user_id, self.sp)

        pipeline = self.env["crm.pipeline.report"].with_user(self.mgr)
        row = pipeline.search([("order_id", "=", order.id)])
        self.assertEqual((row.nbr_won, row.nbr_requests, row.nbr_requests_won), (1, 1, 1))
        self.assertEqual(row.revenue, order.amount_untaxed)
        self.assertEqual(row.source_id, self.env.ref("crm_extension.utm_source_website"))

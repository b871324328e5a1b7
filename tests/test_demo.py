"""The demo tells the story a newcomer explores: people with each role, deals in every
stage over past months (won, lost, rotting), paid and overdue invoices, classes computed.

The test database has no demo data: the demo file is loaded here, in the test's
transaction, exactly as an install with demo data loads it."""

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, convert_file

from odoo.addons.crm_extension.models.crm_demo import DEALS


@tagged("post_install", "-at_install")
class TestDemoStory(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        convert_file(cls.env, "crm_extension", "demo/crm_extension_demo.xml", {}, mode="init")
        cls.orders = cls.env["sale.order"].search(
            [("partner_id.email", "=like", "contact%@example.com")]
        )

    def _ref(self, xmlid):
        return self.env.ref(f"crm_extension.{xmlid}")

    def test_demo_users_hold_each_crm_role(self):
        for login, role in (
            ("sofia", "salesperson"),
            ("marco", "salesperson"),
            ("mia", "manager"),
            ("arne", "accountant"),
            ("admin", "admin"),
        ):
            user = self.env["res.users"].search([("login", "=", login)])
            self.assertTrue(user.has_group(f"crm_extension.group_crm_{role}"), login)
        team = self.env.ref("sales_team.team_sales_department")
        self.assertEqual(team.user_id, self._ref("demo_user_mia"))

    def test_deals_sit_in_every_order_stage_and_close_over_past_months(self):
        self.assertEqual(len(self.orders), len(DEALS))
        stages = self.env["crm.pipeline.stage"].search([("scope", "=", "order")])
        self.assertEqual(
            set(self.orders.pipeline_stage_id.mapped("name")), set(stages.mapped("name"))
        )
        Report = self.env["crm.pipeline.report"]
        domain = [("order_id", "in", self.orders.ids)]
        [(won, lost, revenue, conversion)] = Report._read_group(
            domain, [], ["nbr_won:sum", "nbr_lost:sum", "revenue:sum", "conversion_rate:avg"]
        )
        self.assertEqual(won, sum(1 for deal in DEALS if deal[5] == "won"))
        self.assertEqual(lost, sum(1 for deal in DEALS if deal[5] == "lost"))
        # the revenue of the won deals, from the orders and the stages they are in
        [(won_revenue,)] = self.env.execute_query(
            SQL(
                """SELECT COALESCE(SUM(so.amount_untaxed), 0)
                     FROM sale_order so
                     JOIN crm_pipeline_stage st ON st.id = so.pipeline_stage_id
                    WHERE so.id = ANY(%s) AND st.is_won""",
                self.orders.ids,
            )
        )
        self.assertGreater(revenue, 0)
        self.assertAlmostEqual(revenue, float(won_revenue))
        self.assertAlmostEqual(conversion, 100.0 * won / (won + lost))
        months = Report._read_group([*domain, ("nbr_won", "=", 1)], ["date_closed:month"])
        self.assertGreaterEqual(len(months), 4, "won deals close over several months")
        self.assertEqual(
            set(self.orders.filtered("pipeline_is_lost").pipeline_lost_reason_id.ids),
            {
                self._ref(x).id
                for x in ("lost_reason_price", "lost_reason_competitor", "lost_reason_no_answer")
            },
        )

    def test_stage_analysis_has_days_in_each_stage(self):
        rows = self.env["crm.pipeline.stage.report"]._read_group(
            [("order_id", "in", self.orders.ids), ("next_stage_id", "!=", False)],
            ["stage_id"],
            ["days_in_stage:avg"],
        )
        self.assertGreaterEqual(len(rows), 4)
        for stage, days in rows:
            self.assertGreater(days, 1, f"days spent in {stage.name}")

    def test_some_deals_are_rotting(self):
        rotting = self.orders.filtered("is_rotting")
        self.assertTrue(rotting)
        self.assertEqual(rotting.pipeline_stage_id, self._ref("stage_order_qualified"))

    def test_paid_and_overdue_invoices_and_classes(self):
        invoices = self.orders.invoice_ids
        self.assertTrue(invoices.filtered(lambda m: m.payment_state in ("paid", "in_payment")))
        customers = self.orders.partner_id.commercial_partner_id
        overdue = customers.filtered(lambda p: p.crm_overdue_amount > 0)
        self.assertEqual(
            overdue,
            self.orders.filtered(
                lambda o: o.invoice_ids and o.invoice_ids.payment_state == "not_paid"
            ).partner_id.commercial_partner_id,
        )
        self.assertEqual(set(customers.mapped("crm_customer_class")) - {False}, {"A", "B", "C"})
        self.assertEqual(
            len(self.orders.filtered(lambda o: o.accounting_state == "requested")),
            sum(1 for deal in DEALS if deal[5] == "queue"),
        )

    def test_only_open_deals_keep_the_entry_activity_of_their_stage(self):
        activities = self.orders.activity_ids.filtered("crm_stage_id")
        self.assertTrue(activities)
        for activity in activities:
            order = self.env["sale.order"].browse(activity.res_id)
            self.assertEqual(activity.crm_stage_id, order.pipeline_stage_id)
            self.assertFalse(order.pipeline_is_won or order.pipeline_is_lost, order.name)

    def test_the_funnel_gives_each_stage_task_to_its_person(self):
        surveyor, installer, mia = (
            self._ref(xmlid)
            for xmlid in ("demo_user_surveyor", "demo_user_installer", "demo_user_mia")
        )
        self.assertEqual((surveyor.name, surveyor.login), ("Sam Surveyor", "surveyor"))
        self.assertEqual((installer.name, installer.login), ("Ines Installer", "installer"))
        measure, approval, installation = (
            self._ref(xmlid)
            for xmlid in ("stage_order_qualified", "stage_order_approval", "stage_order_won")
        )
        self.assertLess(measure.sequence, approval.sequence)
        survey, note = measure.activity_line_ids
        self.assertEqual(
            (survey.assign_to, survey.user_id, survey.summary, survey.delay, survey.delay_unit),
            ("user", surveyor, "Measure the windows on site", 1, "days"),
        )
        self.assertEqual(note.assign_to, "owner", "a note to the owner beside")
        [cost] = approval.activity_line_ids
        self.assertEqual(
            (cost.assign_to, cost.summary, cost.delay, cost.delay_unit),
            ("team_leader", "Calculate the cost and call the client", 2, "hours"),
        )
        self.assertEqual(installation.activity_line_ids.user_id, installer)
        [call_back] = self._ref("stage_order_new").activity_line_ids
        self.assertEqual((call_back.delay, call_back.delay_unit), (15, "minutes"))
        # the visit and the installation are booked: an appointment in the calendar
        for stage in (measure, installation):
            self.assertTrue(stage.appointment_required and stage.appointment_calendar, stage.name)
        # the open deals of each stage hold the task of its person
        for stage, people in ((measure, surveyor), (approval, mia)):
            deals = self.orders.filtered(lambda o, s=stage: o.pipeline_stage_id == s)
            self.assertTrue(deals, stage.name)
            for deal in deals:
                tasks = deal.activity_ids.filtered(lambda a, s=stage: a.crm_stage_id == s)
                expected = people | deal.user_id if stage == measure else people
                self.assertEqual(tasks.user_id, expected, deal.name)
        # the surveyor reads the deals he measures and his tasks
        deal = self.orders.filtered(lambda o: o.pipeline_stage_id == measure)[0]
        self.assertEqual(deal.with_user(surveyor).partner_id, deal.partner_id)
        self.assertTrue(
            self.env["mail.activity"]
            .with_user(surveyor)
            .search([("res_id", "=", deal.id), ("res_model", "=", "sale.order")])
        )

    def test_the_calls_of_past_months_are_in_the_activity_analysis(self):
        self.env.flush_all()
        Report = self.env["crm.activity.report"]
        month_start = fields.Date.context_today(self.env.user).replace(day=1)
        calls = Report.search(
            [("activity_category", "=", "phonecall"), ("date_done", "<", month_start)]
        )
        self.assertTrue(calls, "calls made in the months of the story")
        self.assertGreater(len(calls.user_id), 1, "by more than one salesperson")
        self.assertTrue(all(calls.mapped("nbr_on_time")), "the story's calls were on time")

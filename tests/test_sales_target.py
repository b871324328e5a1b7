"""Issue 14, "Targets": monthly revenue targets per salesperson and team, against the
won untaxed revenue of the month (the Pipeline Analysis' ``revenue``, company currency),
in the Plan vs Actual analysis, My Day and the Pipeline Analysis workbook."""

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tools import convert_file, format_amount, mute_logger

from .common import CrmCommon, CrmPipelineReportCommon, read_workbook, render_xlsx_action

MARCH, FEBRUARY, APRIL = date(2026, 3, 1), date(2026, 2, 1), date(2026, 4, 1)
BRUSSELS = "Europe/Brussels"


class SalesTargetCommon(CrmPipelineReportCommon):
    """Won deals around March 2026 (all times UTC) beside the six orders of the common
    fixture (O1: ``salesman``, 1000, won 03-10), and targets:

    =====  ===========  =============  ======  ==========================  ======
    deal   salesperson  team           amount  won                         month
    =====  ===========  =============  ======  ==========================  ======
    O1     salesman     Target Team    1000    03-10 10:00                 March
    W1     salesman     Target Team    1234.56 03-05 10:00                 March
    W2     salesman     Target Team     100.01 03-31 22:30 (04-01 Brussels)  April
    W3     salesman_2   Target Team     400 EUR = 200.00, 03-12           March
    W4     salesman     Target Team     999    02-27 10:00                 Feb.
    W5     salesman     Other Team       50.25 03-20 10:00                 March
    =====  ===========  =============  ======  ==========================  ======
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.salesman | cls.salesman_2 | cls.mgr | cls.sales_manager).tz = BRUSSELS
        Team = cls.env["crm.team"].sudo()
        cls.team = Team.create(
            {
                "name": "Target Team",
                "user_id": cls.mgr.id,
                "member_ids": [(4, cls.salesman.id), (4, cls.salesman_2.id)],
            }
        )
        cls.other_team = Team.create({"name": "Other Team", "user_id": cls.sales_manager.id})
        cls.orders["O1"].sudo().team_id = cls.team
        eur = cls.setup_other_currency("EUR")  # 2 EUR for 1 company currency unit
        pricelist = (
            cls.env["product.pricelist"].sudo().create({"name": "T EUR", "currency_id": eur.id})
        )

        def won(user, amount, moment, team, **vals):
            order = cls._order(user, amount, cls.customer_1, team_id=team.id, **vals)
            with freeze_time(moment):
                order.write({"pipeline_stage_id": cls.stage_won.id})
            return order

        cls.w1 = won(cls.salesman, 1234.56, "2026-03-05 10:00:00", cls.team)
        cls.w2 = won(cls.salesman, 100.01, "2026-03-31 22:30:00", cls.team)
        cls.w3 = won(
            cls.salesman_2, 400, "2026-03-12 10:00:00", cls.team, pricelist_id=pricelist.id
        )
        cls.w4 = won(cls.salesman, 999, "2026-02-27 10:00:00", cls.team)
        cls.w5 = won(cls.salesman, 50.25, "2026-03-20 10:00:00", cls.other_team)
        Target = cls.env["crm.sales.target"].with_user(cls.mgr)
        cls.t_salesman = Target.create(
            {"user_id": cls.salesman.id, "month": MARCH, "amount": 3000.0}
        )
        cls.t_salesman_team = Target.create(
            {"user_id": cls.salesman.id, "team_id": cls.team.id, "month": MARCH, "amount": 2000}
        )
        cls.t_team = Target.create({"team_id": cls.team.id, "month": MARCH, "amount": 5000})
        cls.t_salesman_feb = Target.create(
            {"user_id": cls.salesman.id, "month": FEBRUARY, "amount": 1000}
        )
        cls.t_salesman_2 = Target.create(
            {"user_id": cls.salesman_2.id, "month": MARCH, "amount": 400}
        )
        cls.t_other_team = Target.create(
            {"team_id": cls.other_team.id, "month": MARCH, "amount": 700}
        )
        cls.targets = (
            cls.t_salesman
            | cls.t_salesman_team
            | cls.t_team
            | cls.t_salesman_feb
            | cls.t_salesman_2
            | cls.t_other_team
        )
        cls.env.flush_all()


@tagged("post_install", "-at_install")
class TestSalesTarget(SalesTargetCommon):
    def test_actual_is_the_won_revenue_of_the_month_in_the_users_timezone(self):
        targets = self.targets.with_user(self.mgr).with_context(tz=BRUSSELS)
        actuals = {target: target.actual_amount for target in targets}
        # O1 + W1 + W5; W2 was won on April 1st in Brussels
        self.assertAlmostEqual(actuals[self.t_salesman], 2284.81, places=2)
        self.assertAlmostEqual(actuals[self.t_salesman_team], 2234.56, places=2)
        # O1 + W1 + W3 (400 EUR at 2 EUR for 1)
        self.assertAlmostEqual(actuals[self.t_team], 2434.56, places=2)
        self.assertAlmostEqual(actuals[self.t_salesman_feb], 999.0, places=2)
        self.assertAlmostEqual(actuals[self.t_salesman_2], 200.0, places=2)
        self.assertAlmostEqual(actuals[self.t_other_team], 50.25, places=2)
        self.assertAlmostEqual(
            targets.filtered(lambda t: t == self.t_salesman).achievement, 228481 / 3000, places=6
        )
        # in UTC, W2 (03-31 22:30) is March's
        in_utc = self.t_salesman.with_user(self.mgr).with_context(tz="UTC")
        self.assertAlmostEqual(in_utc.actual_amount, 2384.82, places=2)

    def test_actual_equals_the_pipeline_analysis_revenue(self):
        Pipeline = self.env["crm.pipeline.report"].with_user(self.mgr)
        rows = Pipeline.search([("user_id", "=", self.salesman.id), ("nbr_won", "=", 1)])
        # O1, W1, W5 closed in March in Brussels (W4 in February, W2 in April)
        march = rows.filtered(
            lambda r: datetime(2026, 2, 28, 23) <= r.date_closed < datetime(2026, 3, 31, 22)
        )
        self.assertEqual(march.order_id, self.orders["O1"] | self.w1 | self.w5)
        self.assertAlmostEqual(
            self.t_salesman.with_user(self.mgr).with_context(tz=BRUSSELS).actual_amount,
            sum(march.mapped("revenue")),
            places=2,
        )

    def test_actual_of_all_targets_costs_the_queries_of_one(self):
        Target = self.env["crm.sales.target"].with_user(self.mgr)
        one = Target.browse(self.t_salesman.id)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        one.mapped("actual_amount")
        queries = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            Target.browse(self.targets.ids).mapped("actual_amount")

    def test_month_is_kept_as_its_first_day(self):
        Target = self.env["crm.sales.target"].with_user(self.mgr)
        target = Target.create({"user_id": self.salesman_2.id, "month": "2026-05-17", "amount": 10})
        self.assertEqual(target.month, date(2026, 5, 1))
        target.month = date(2026, 6, 30)
        self.assertEqual(target.month, date(2026, 6, 1))

    def test_one_target_per_company_month_salesperson_and_team(self):
        Target = self.env["crm.sales.target"].with_user(self.mgr)
        for vals in (
            {"user_id": self.salesman.id},
            {"user_id": self.salesman.id, "team_id": self.team.id},
            {"team_id": self.team.id},
        ):
            with (
                self.subTest(vals=vals),
                self.assertRaises(IntegrityError),
                mute_logger("odoo.sql_db"),
                self.env.cr.savepoint(),
            ):
                Target.create({**vals, "month": "2026-03-15", "amount": 1})
                self.env.flush_all()

    def test_a_target_needs_a_salesperson_or_a_team(self):
        with self.assertRaises(ValidationError):
            self.env["crm.sales.target"].with_user(self.mgr).create({"month": MARCH, "amount": 1})

    def test_crm_manager_creates_edits_and_deletes_targets(self):
        target = (
            self.env["crm.sales.target"]
            .with_user(self.mgr)
            .create({"user_id": self.salesman_2.id, "month": APRIL, "amount": 10})
        )
        target.amount = 20.5
        self.assertEqual(target.amount, 20.5)
        target.unlink()
        self.assertFalse(target.exists())

    def test_salesperson_reads_own_and_team_targets_and_writes_none(self):
        for user in (self.salesman, self.sp):
            with self.subTest(user=user.login):
                self._assert_salesperson_refused(user)
        Target = self.env["crm.sales.target"].with_user(self.salesman)
        self.assertEqual(
            Target.search([("id", "in", self.targets.ids)]),
            self.t_salesman | self.t_salesman_team | self.t_team | self.t_salesman_feb,
        )
        # another salesperson's target and another team's, whatever the domain
        for domain in (
            [("user_id", "=", self.salesman_2.id)],
            [("team_id", "=", self.other_team.id)],
            ["|", ("id", "=", self.t_salesman_2.id), ("amount", "=", 700)],
            [("id", "in", (self.t_salesman_2 | self.t_other_team).ids)],
        ):
            self.assertFalse(Target.search(domain), domain)
        with self.assertRaises(AccessError):
            Target.browse(self.t_salesman_2.id).read(["amount"])
        [(total,)] = Target._read_group([], [], ["amount:sum"])
        self.assertEqual(total, 3000 + 2000 + 5000 + 1000)

    def _assert_salesperson_refused(self, user):
        Target = self.env["crm.sales.target"].with_user(user)
        with self.assertRaises(AccessError):
            Target.create({"user_id": user.id, "month": APRIL, "amount": 1})
        with self.assertRaises(AccessError):
            Target.with_context(active_test=False, sudo=True).create(
                {"user_id": user.id, "month": APRIL, "amount": 1}
            )
        self.assertFalse(
            self.env["crm.sales.target"]
            .sudo()
            .search([("user_id", "=", user.id), ("month", "=", APRIL)])
        )
        own = self.t_salesman.sudo()
        if user != self.salesman:
            own = own.create({"user_id": user.id, "month": MARCH, "amount": 3000.0})
        for context in ({}, {"sudo": True, "crm_dashboard_team_id": self.team.id}):
            mine = Target.with_context(**context).browse(own.id)
            with self.assertRaises(AccessError):
                mine.write({"amount": 99999})
            with self.assertRaises(AccessError):
                mine.unlink()
        self.assertTrue(own.exists())
        self.assertEqual(own.amount, 3000.0)
        self.assertEqual(Target.browse(own.id).amount, 3000.0, "he reads it")


@tagged("post_install", "-at_install")
class TestPlanVsActual(SalesTargetCommon):
    def _pivot(self, user, groupby=("user_id", "month:month")):
        Report = self.env["crm.sales.target.report"].with_user(user).with_context(tz=BRUSSELS)
        rows = Report._read_group(
            [("month", ">=", FEBRUARY), ("month", "<=", APRIL)],
            list(groupby),
            ["revenue:sum", "target:sum"],
        )
        return {
            tuple(getattr(key, "id", key) for key in keys): (revenue, target)
            for *keys, revenue, target in rows
        }

    def test_pivot_by_salesperson_and_month_shows_revenue_and_target(self):
        pivot = self._pivot(self.mgr)
        salesman, salesman_2 = self.salesman.id, self.salesman_2.id

        def cell(user, month):
            revenue, target = pivot[(user, month)]
            return round(revenue, 2), round(target, 2)

        # the March targets of salesman: his own and his own in the team
        self.assertEqual(cell(salesman, MARCH), (2284.81, 5000.0))
        self.assertEqual(cell(salesman, FEBRUARY), (999.0, 1000.0))
        self.assertEqual(cell(salesman, APRIL), (100.01, 0.0))
        self.assertEqual(cell(salesman_2, MARCH), (200.0, 400.0))
        # the teams' targets, without a salesperson
        self.assertEqual(cell(False, MARCH), (0.0, 5700.0))

    def test_pivot_by_team_and_month(self):
        pivot = self._pivot(self.mgr, ("team_id", "month:month"))
        revenue, target = pivot[(self.team.id, MARCH)]
        self.assertAlmostEqual(revenue, 2434.56, places=2)
        self.assertEqual(target, 2000 + 5000)

    def test_targets_of_one_kind_add_up(self):
        """By salesperson, his March targets overlap (his own and his own in the team):
        grouped by kind, each kind is his exact target."""
        pivot = self._pivot(self.mgr, ("user_id", "month:month", "target_kind"))
        salesman = self.salesman.id
        self.assertEqual(pivot[(salesman, MARCH, "user")][1], 3000.0)
        self.assertEqual(pivot[(salesman, MARCH, "user_team")][1], 2000.0)
        # his deals' revenue is in no kind of target
        self.assertAlmostEqual(pivot[(salesman, MARCH, False)][0], 2284.81, places=2)
        self.assertEqual(pivot[(salesman, MARCH, False)][1], 0.0)
        self.assertEqual(pivot[(False, MARCH, "team")][1], 5700.0)

    def test_revenue_is_the_pipeline_analysis_revenue(self):
        Report = self.env["crm.sales.target.report"].with_user(self.mgr)
        Pipeline = self.env["crm.pipeline.report"].with_user(self.mgr)
        [(revenue, won)] = Report._read_group([], [], ["revenue:sum", "nbr_won:sum"])
        [(expected, expected_won)] = Pipeline._read_group([], [], ["revenue:sum", "nbr_won:sum"])
        self.assertAlmostEqual(revenue, expected, places=2)
        self.assertEqual(won, expected_won)

    def test_salesperson_sees_own_deals_and_own_and_team_targets(self):
        Report = self.env["crm.sales.target.report"].with_user(self.salesman)
        rows = Report.search([])
        self.assertEqual(set(rows.mapped("user_id").ids), {self.salesman.id})
        self.assertEqual(
            rows.target_id,
            self.t_salesman | self.t_salesman_team | self.t_team | self.t_salesman_feb,
        )
        self.assertNotIn(self.w3, rows.order_id)
        self.assertFalse(Report.search([("user_id", "=", self.salesman_2.id)]))
        pivot = self._pivot(self.salesman)
        self.assertNotIn((self.salesman_2.id, MARCH), pivot)


@tagged("post_install", "-at_install")
class TestMyDayTarget(SalesTargetCommon):
    def _tile(self, user, **scope):
        with freeze_time("2026-03-20 12:00:00"):
            tiles = self.env["crm.dashboard"].with_user(user).get_tiles(**scope)
        return next((tile for tile in tiles if tile["key"] == "target"), None)

    def _hint(self, actual, target):
        currency = self.env.company.currency_id
        return (
            f"{format_amount(self.env, actual, currency)} / "
            f"{format_amount(self.env, target, currency)}"
        )

    def test_salesperson_sees_his_month_against_his_target(self):
        tile = self._tile(self.salesman)
        self.assertEqual(tile["label"], "Target this month")
        # 2284.81 of 3000.00 (his target without a team counts all his deals)
        self.assertEqual(tile["count"], "76 % of target")
        self.assertAlmostEqual(tile["actual"], 2284.81, places=2)
        self.assertEqual(tile["target"], 3000.0)
        self.assertEqual(tile["hint"], self._hint(2284.81, 3000.0))
        self.assertEqual(tile["res_model"], "crm.sales.target")
        self.assertEqual(
            self.env["crm.sales.target"].with_user(self.salesman).search(tile["domain"]),
            self.t_salesman,
        )

    def test_manager_viewing_the_team_sees_the_team_target(self):
        tile = self._tile(self.mgr, team_id=self.team.id)
        # 2434.56 of 5000.00 = 48.69 %
        self.assertEqual(tile["count"], "49 % of target")
        self.assertAlmostEqual(tile["actual"], 2434.56, places=2)
        self.assertEqual(tile["target"], 5000.0)
        self.assertEqual(tile["hint"], self._hint(2434.56, 5000.0))
        # and a salesperson of it: 200.00 of 400.00
        tile = self._tile(self.mgr, user_id=self.salesman_2.id)
        self.assertEqual(tile["count"], "50 % of target")
        self.assertEqual(tile["hint"], self._hint(200.0, 400.0))

    def test_no_tile_without_a_target(self):
        self.assertIsNone(self._tile(self.sp))
        self.assertIsNone(self._tile(self.mgr))

    def test_a_salesperson_cannot_take_a_team_through_the_context(self):
        Dashboard = self.env["crm.dashboard"].with_user(self.salesman)
        with freeze_time("2026-03-20 12:00:00"):
            tiles = Dashboard.with_context(crm_dashboard_team_id=self.other_team.id).get_tiles()
        tile = next(tile for tile in tiles if tile["key"] == "target")
        self.assertEqual(tile["target"], 3000.0)
        with self.assertRaises(AccessError):
            Dashboard.get_tiles(team_id=self.team.id)


@tagged("post_install", "-at_install")
class TestPlanVsActualExport(SalesTargetCommon):
    def _export(self, user, domain=None):
        Report = self.env["crm.pipeline.report"].with_user(user).with_context(tz=BRUSSELS)
        action = Report.action_export_xlsx(domain or [])
        return read_workbook(render_xlsx_action(self.env, action, user))

    def _rows(self, sheet):
        rows = list(sheet.iter_rows(min_row=4, values_only=True))
        return [row for row in rows if row[0] not in (None, "Total")], rows

    def test_sheet_gives_each_target_its_actual_and_achievement(self):
        """The targets that add up: the salesman's March target covers all his deals,
        his target in Target Team (also in it) is left out, as in My Day."""
        workbook = self._export(self.mgr)
        self.assertEqual(workbook.sheetnames[-1], "Plan vs Actual")
        sheet = workbook["Plan vs Actual"]
        self.assertEqual(sheet["A1"].value, "Pipeline Analysis: Plan vs Actual")
        self.assertIn("Filters:", sheet["A2"].value)
        self.assertEqual(
            [cell.value for cell in sheet[3]],
            ["Month", "Salesperson", "Sales Team", "Target", "Actual", "Achievement (%)"],
        )
        self.assertIn("#,##0.00", sheet["D4"].number_format)
        data, rows = self._rows(sheet)
        got = [
            (row[0].date(), row[1], row[2], row[3], round(row[4], 2), round(row[5], 2))
            for row in data
        ]
        self.assertEqual(
            got,
            [
                (FEBRUARY, self.salesman.name, None, 1000.0, 999.0, 99.9),
                (MARCH, self.salesman.name, None, 3000.0, 2284.81, 76.16),
                (MARCH, self.salesman_2.name, None, 400.0, 200.0, 50.0),
            ],
        )
        total = rows[-1]
        self.assertEqual(total[0], "Total")
        self.assertEqual(total[3], 4400.0)
        self.assertAlmostEqual(total[4], 999.0 + 2284.81 + 200.0, places=2)
        self.assertAlmostEqual(total[5], 100 * 3483.81 / 4400, places=6)

    def test_total_formulas_cover_the_target_rows(self):
        Report = self.env["crm.pipeline.report"].with_user(self.mgr)
        action = Report.with_context(tz=BRUSSELS).action_export_xlsx([])
        workbook = read_workbook(render_xlsx_action(self.env, action, self.mgr), data_only=False)
        sheet = workbook["Plan vs Actual"]
        self.assertEqual(sheet["D7"].value, "=SUBTOTAL(9,D4:D6)")
        self.assertEqual(sheet["E7"].value, "=SUBTOTAL(9,E4:E6)")
        self.assertEqual(sheet["F7"].value, "=IF(D7=0,0,100*E7/D7)")

    def test_salesperson_exports_only_his_targets(self):
        workbook = self._export(self.salesman)
        data, _rows = self._rows(workbook["Plan vs Actual"])
        self.assertEqual({row[1] for row in data}, {self.salesman.name})
        self.assertEqual(len(data), 2)

    def test_my_day_workbook_has_the_targets_of_its_scope(self):
        Dashboard = self.env["crm.dashboard"].with_user(self.mgr).with_context(tz=BRUSSELS)
        action = Dashboard.action_export_xlsx(user_id=self.salesman_2.id)
        workbook = read_workbook(render_xlsx_action(self.env, action, self.mgr))
        data, _rows = self._rows(workbook["Plan vs Actual"])
        self.assertEqual(
            [(row[0].date(), row[1], row[3], round(row[4], 2)) for row in data],
            [(MARCH, self.salesman_2.name, 400.0, 200.0)],
        )

    def test_sheet_follows_the_salespeople_of_the_filter(self):
        workbook = self._export(self.mgr, [("user_id", "=", self.salesman_2.id)])
        data, _rows = self._rows(workbook["Plan vs Actual"])
        self.assertEqual([(row[1], row[3]) for row in data], [(self.salesman_2.name, 400.0)])
        # no target among the exported orders' salespeople: no sheet
        workbook = self._export(self.mgr, [("user_id", "=", False)])
        self.assertNotIn("Plan vs Actual", workbook.sheetnames)


@tagged("post_install", "-at_install")
class TestSalesTargetMenus(CrmCommon):
    def _reaches(self, user, xmlid):
        """The menu and every parent of it are visible to ``user``."""
        visible = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
        menu = self.env.ref(xmlid)
        path = menu
        while menu.parent_id:
            menu = menu.parent_id
            path |= menu
        return all(menu.id in visible for menu in path)

    def test_salespeople_reach_plan_vs_actual_and_managers_the_targets(self):
        report, config = (
            "crm_extension.crm_sales_target_report_menu",
            "crm_extension.crm_sales_target_menu",
        )
        for user in (self.sp, self.mgr, self.crm_admin):
            self.assertTrue(self._reaches(user, report), user.login)
        for user in (self.sp, self.salesman):
            self.assertFalse(self._reaches(user, config), user.login)
        for user in (self.mgr, self.acc, self.crm_admin):
            self.assertTrue(self._reaches(user, config), user.login)


@tagged("post_install", "-at_install")
class TestSalesTargetDemo(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for name in ("crm_extension_demo.xml", "crm_sales_target_demo.xml"):
            convert_file(cls.env, "crm_extension", f"demo/{name}", {}, mode="init")

    def test_demo_salespeople_and_their_team_have_targets_this_month_and_the_last(self):
        this_month = fields.Date.context_today(self.env.user).replace(day=1)
        previous = this_month - relativedelta(months=1)
        targets = self.env["crm.sales.target"].search([])
        team = self.env.ref("sales_team.team_sales_department")
        for login in ("sofia", "marco"):
            mine = targets.filtered(lambda t, login=login: t.user_id.login == login)
            self.assertEqual(sorted(mine.mapped("month")), [previous, this_month], login)
        self.assertEqual(
            sorted(targets.filtered(lambda t: t.team_id == team).mapped("month")),
            [previous, this_month],
        )
        # their actuals are the won revenue of the demo's deals in the Pipeline Analysis
        Pipeline = self.env["crm.pipeline.report"]
        for target in targets:
            [(revenue,)] = Pipeline.with_context(tz=self.env.tz.zone)._read_group(
                [
                    ("nbr_won", "=", 1),
                    ("user_id", "=", target.user_id.id)
                    if target.user_id
                    else ("team_id", "=", target.team_id.id),
                    *target._get_month_domain(
                        target.month, target.month + relativedelta(months=1), self.env.tz
                    ),
                ],
                [],
                ["revenue:sum"],
            )
            self.assertAlmostEqual(target.actual_amount, revenue or 0.0, places=2)

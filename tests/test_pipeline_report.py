from odoo import Command
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import CrmPipelineReportCommon


@tagged("post_install", "-at_install")
class TestPipelineReport(CrmPipelineReportCommon):
    def _sql_aggregates(self, orders):
        """The figures straight from sale_order and the stages, not from the report."""
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT COUNT(*) AS quotations,
                       COUNT(*) FILTER (WHERE st.is_won) AS won,
                       COUNT(*) FILTER (WHERE st.is_lost) AS lost,
                       COALESCE(SUM(so.amount_untaxed) FILTER (WHERE st.is_won), 0)
                           AS revenue,
                       COALESCE(SUM(so.amount_untaxed * st.probability / 100)
                           FILTER (WHERE st.is_won IS NOT TRUE
                                     AND st.is_lost IS NOT TRUE), 0) AS weighted
                  FROM sale_order so
                  JOIN crm_pipeline_stage st ON st.id = so.pipeline_stage_id
                 WHERE so.id = ANY(%s)
                """,
                orders.ids,
            )
        )[0]

    def _report(self, user, fields, groupby=()):
        Report = self.env["crm.pipeline.report"].with_user(user)
        return Report._read_group([("order_id", "in", self.all_orders.ids)], list(groupby), fields)

    def test_measures_equal_sql_aggregates(self):
        [(quotations, won, lost, revenue, weighted, conversion, days, aov)] = self._report(
            self.sales_manager,
            [
                "nbr_quotations:sum",
                "nbr_won:sum",
                "nbr_lost:sum",
                "revenue:sum",
                "weighted_amount:sum",
                "conversion_rate:avg",
                "days_to_close:avg",
                "average_order_value:avg",
            ],
        )
        expected = self._sql_aggregates(self.all_orders)
        self.assertEqual(
            (quotations, won, lost),
            (expected["quotations"], expected["won"], expected["lost"]),
        )
        self.assertAlmostEqual(revenue, float(expected["revenue"]))
        self.assertAlmostEqual(weighted, float(expected["weighted"]))
        # and the hand-computed figures of the seed
        self.assertEqual((quotations, won, lost), (6, 1, 2))
        self.assertAlmostEqual(revenue, 1000)
        self.assertAlmostEqual(aov, 1000)
        self.assertAlmostEqual(weighted, 300 * 0.5 + 200 * 0.2 + 50 * 0.2)
        self.assertAlmostEqual(conversion, 100 / 3)
        self.assertAlmostEqual(days, (8 + 8 + 2) / 3)

    def test_dimensions_salesperson_stage_class_and_lost_reason(self):
        by_user = dict(self._report(self.sales_manager, ["nbr_quotations:sum"], ["user_id"]))
        self.assertEqual(
            {user.login if user else False: n for user, n in by_user.items()},
            {self.salesman.login: 3, self.salesman_2.login: 2, False: 1},
        )
        by_stage = dict(self._report(self.sales_manager, ["nbr_quotations:sum"], ["stage_id"]))
        self.assertEqual(
            by_stage,
            {self.stage_new: 2, self.stage_mid: 1, self.stage_won: 1, self.stage_lost: 2},
        )
        # the class is a figure of the customer card: for users with a CRM role
        self.sales_manager.group_ids += self.env.ref("crm_extension.group_crm_manager")
        by_class = dict(self._report(self.sales_manager, ["revenue:sum"], ["customer_class"]))
        self.assertEqual(by_class, {"A": 1000, False: 0})
        by_reason = dict(self._report(self.sales_manager, ["nbr_lost:sum"], ["lost_reason_id"]))
        self.assertEqual(by_reason[self.reason], 2)
        by_month = self._report(self.sales_manager, ["nbr_quotations:sum"], ["date:month"])
        self.assertEqual(len(by_month), 1)

    def test_salesperson_sees_own_and_unassigned_orders_only(self):
        visible = (
            self.env["crm.pipeline.report"]
            .with_user(self.salesman)
            .search([("order_id", "in", self.all_orders.ids)])
        )
        self.assertEqual(
            sorted(visible.mapped("name")),
            sorted(self.orders[n].name for n in ("O1", "O2", "O4", "O6")),
        )
        [(quotations, weighted)] = self._report(
            self.salesman, ["nbr_quotations:sum", "weighted_amount:sum"]
        )
        mine = self.orders["O1"] | self.orders["O2"] | self.orders["O4"] | self.orders["O6"]
        expected = self._sql_aggregates(mine)
        self.assertEqual(quotations, expected["quotations"])
        self.assertAlmostEqual(weighted, float(expected["weighted"]))
        stage_rows = (
            self.env["crm.pipeline.stage.report"]
            .with_user(self.salesman)
            .search([("order_id", "in", self.all_orders.ids)])
        )
        self.assertEqual(stage_rows.order_id, mine)

    def test_stage_to_stage_conversion_and_days_per_stage(self):
        StageReport = self.env["crm.pipeline.stage.report"].with_user(self.sales_manager)
        rows = {
            stage: (entries, advanced, conversion, days)
            for stage, entries, advanced, conversion, days in StageReport._read_group(
                [("order_id", "in", self.all_orders.ids)],
                ["stage_id"],
                ["nbr_entries:sum", "nbr_advanced:sum", "conversion_rate:avg", "days_in_stage:avg"],
            )
        }
        # new: 6 entries; O1-O3 moved on, O5 was lost, O4 and O6 still there
        self.assertEqual(rows[self.stage_new][:2], (6, 3))
        self.assertAlmostEqual(rows[self.stage_new][2], 75.0)
        self.assertAlmostEqual(rows[self.stage_new][3], 2.0)
        # mid: O1 won, O2 lost, O3 still there; 6 days for the two that left
        self.assertEqual(rows[self.stage_mid][:2], (3, 1))
        self.assertAlmostEqual(rows[self.stage_mid][2], 50.0)
        self.assertAlmostEqual(rows[self.stage_mid][3], 6.0)
        # closing stages have no next stage: no conversion figure at all
        self.assertEqual(rows[self.stage_won][:2], (1, 0))
        self.assertFalse(rows[self.stage_won][2])

    def test_query_count_does_not_depend_on_the_number_of_orders(self):
        Report = self.env["crm.pipeline.report"].with_user(self.sales_manager)
        aggregates = ["nbr_quotations:sum", "revenue:sum", "weighted_amount:sum"]
        Report._read_group([], ["stage_id", "user_id"], aggregates)  # warm the caches
        self.env.invalidate_all()
        with self.assertQueryCount(3) as _counter:
            Report._read_group([], ["stage_id", "user_id"], aggregates)
        self.all_orders.copy()
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(3):
            Report._read_group([], ["stage_id", "user_id"], aggregates)


@tagged("post_install", "-at_install")
class TestPipelineQueryCount(CrmPipelineReportCommon):
    """read_group of both analyses: the same number of queries with more orders, more
    stages and more salespeople (more rows and more groups)."""

    CASES = [
        ("crm.pipeline.report", ["stage_id"], ["nbr_quotations:sum", "weighted_amount:sum"]),
        ("crm.pipeline.report", ["user_id"], ["nbr_quotations:sum", "revenue:sum"]),
        ("crm.pipeline.report", ["stage_id", "user_id"], ["nbr_quotations:sum"]),
        ("crm.pipeline.stage.report", ["stage_id"], ["nbr_entries:sum", "days_in_stage:avg"]),
        ("crm.pipeline.stage.report", ["user_id"], ["nbr_entries:sum", "conversion_rate:avg"]),
        ("crm.pipeline.stage.report", ["stage_id", "user_id"], ["nbr_entries:sum"]),
    ]
    # groups :meth:`_seed_more` adds, for the manager (every order) and the salesman
    # (own and unassigned orders), by case: the orders end in the last extra stage and
    # enter the first stage and the three extra ones
    NEW_GROUPS = {
        "manager": [1, 3, 1 + 3, 3, 3, 3 * 4 + 3],
        "salesman": [1, 0, 1, 3, 0, 3],
    }

    def _query_count(self, user, model, groupby, aggregates):
        Report = self.env[model].with_user(user)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        rows = Report._read_group([], groupby, aggregates)
        return self.env.cr.sql_log_count - before, len(rows)

    def _seed_more(self):
        """Three more stages and three more salespeople, each with orders moved through
        the new stages (and the salesman's own orders there)."""
        Stage = self.env["crm.pipeline.stage"].sudo()
        stages = Stage.create(
            [
                {
                    "name": f"R Extra {i}",
                    "scope": "order",
                    "sequence": 10 + i,
                    "probability": 60,
                    "company_id": self.env.company.id,
                }
                for i in range(3)
            ]
        )
        users = self.env["res.users"]
        for i in range(3):
            users |= new_test_user(
                self.env,
                login=f"crm_rep_extra_{i}",
                groups="sales_team.group_sale_salesman",
                company_id=self.env.company.id,
            )
        Order = self.env["sale.order"].sudo()
        for user in (*users, self.salesman):
            for _copy in range(2):
                order = Order.create(
                    {
                        "partner_id": self.customer_2.id,
                        "user_id": user.id,
                        "pipeline_stage_id": self.stage_new.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": self.product_a.id,
                                    "price_unit": 10,
                                    "tax_ids": [Command.clear()],
                                }
                            )
                        ],
                    }
                )
                for stage in stages:
                    order.write({"pipeline_stage_id": stage.id})
        self.env.flush_all()

    def test_query_count_does_not_depend_on_orders_stages_or_salespeople(self):
        users = (self.sales_manager, self.salesman)
        for user in users:
            for case in self.CASES:
                self._query_count(user, *case)  # warm the caches (rules, groups)
        counts = {
            (user, index): self._query_count(user, *case)
            for user in users
            for index, case in enumerate(self.CASES)
        }
        self._seed_more()
        for user in users:
            for case in self.CASES:
                self._query_count(user, *case)  # the caches the seeding cleared
        for (user, index), (queries, rows) in counts.items():
            model, groupby, aggregates = self.CASES[index]
            with self.subTest(user=user.login, model=model, groupby=groupby):
                Report = self.env[model].with_user(user)
                self.env.invalidate_all()
                with self.assertQueryCount(queries):
                    grown = Report._read_group([], groupby, aggregates)
                role = "manager" if user == self.sales_manager else "salesman"
                self.assertEqual(len(grown), rows + self.NEW_GROUPS[role][index])

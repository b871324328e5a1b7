"""The analysis dimensions of the pipeline and stage analyses against plain SQL.

The six orders of :class:`CrmPipelineReportCommon` get different creation days,
sales teams and UTM source / medium / campaign here:

====  ==========  ======  ======  ======  ========
name  created     team    source  medium  campaign
====  ==========  ======  ======  ======  ========
O1    2026-01-06  team 1  src 1   med 1
O2    2026-01-06  team 1  src 2   med 1
O3    2026-01-08  team 1          med 1   camp 1
O4    2026-02-19  team 2  src 1   med 1
O5    2026-04-15                  med 1   camp 1
O6    2026-07-15                  med 2
====  ==========  ======  ======  ======  ========

Days are Tuesday to Thursday at noon UTC, so that the weeks are the same whatever the
first day of the week and the days the same in any time zone within ±11 hours.
"""

from odoo.tests import tagged
from odoo.tools import SQL

from .common import CrmPipelineReportCommon


@tagged("post_install", "-at_install")
class TestPipelineDimensions(CrmPipelineReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        o = cls.orders
        cls.team_1, cls.team_2 = (
            cls.env["crm.team"].sudo().create([{"name": "Dim Team 1"}, {"name": "Dim Team 2"}])
        )
        cls.src_1, cls.src_2 = (
            cls.env["utm.source"]
            .sudo()
            .create([{"name": "Dim Source 1"}, {"name": "Dim Source 2"}])
        )
        cls.med_1, cls.med_2 = (
            cls.env["utm.medium"]
            .sudo()
            .create([{"name": "Dim Medium 1"}, {"name": "Dim Medium 2"}])
        )
        cls.camp_1 = cls.env["utm.campaign"].sudo().create({"name": "Dim Campaign 1"})
        spec = {
            "O1": ("2026-01-06 12:00:00", cls.team_1, cls.src_1, cls.med_1, False),
            "O2": ("2026-01-06 12:00:00", cls.team_1, cls.src_2, cls.med_1, False),
            "O3": ("2026-01-08 12:00:00", cls.team_1, False, cls.med_1, cls.camp_1),
            "O4": ("2026-02-19 12:00:00", cls.team_2, cls.src_1, cls.med_1, False),
            "O5": ("2026-04-15 12:00:00", False, False, cls.med_1, cls.camp_1),
            "O6": ("2026-07-15 12:00:00", False, False, cls.med_2, False),
        }
        for name, (_created, team, source, medium, campaign) in spec.items():
            o[name].sudo().write(
                {
                    "team_id": team.id if team else False,
                    "source_id": source.id if source else False,
                    "medium_id": medium.id if medium else False,
                    "campaign_id": campaign.id if campaign else False,
                }
            )
        cls.env.flush_all()
        for name, (created, *_dims) in spec.items():
            cls.env.cr.execute(
                "UPDATE sale_order SET create_date = %s WHERE id = %s", (created, o[name].id)
            )
        cls.env.invalidate_all()

    # ------------------------------------------------------------------ helpers
    def _report(self, groupby, model="crm.pipeline.report"):
        Report = self.env[model].with_user(self.sales_manager)
        measures = (
            ["nbr_quotations:sum", "amount_untaxed:sum", "revenue:sum"]
            if model == "crm.pipeline.report"
            else ["nbr_entries:sum"]
        )
        rows = Report._read_group([("order_id", "in", self.all_orders.ids)], groupby, measures)
        return rows

    def _sql_orders(self, key):
        """{key: (count, untaxed amount, won amount)} straight from sale_order, grouped
        by the SQL expression ``key`` (over ``so``), in the order of the key."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT %(key)s AS key, COUNT(*), SUM(so.amount_untaxed),
                       COALESCE(SUM(so.amount_untaxed) FILTER (WHERE st.is_won), 0)
                  FROM sale_order so
                  JOIN crm_pipeline_stage st ON st.id = so.pipeline_stage_id
                 WHERE so.id = ANY(%(ids)s)
                 GROUP BY 1
                 ORDER BY 1 NULLS LAST
                """,
                key=key,
                ids=self.all_orders.ids,
            )
        )
        return [(key, count, float(amount), float(won)) for key, count, amount, won in rows]

    def _assert_many2one(self, fname, column):
        got = {
            record.id or False: (count, amount, revenue)
            for record, count, amount, revenue in self._report([fname])
        }
        expected = {
            key or False: (count, amount, won)
            for key, count, amount, won in self._sql_orders(SQL.identifier("so", column))
        }
        self.assertEqual(got, expected)
        self.assertGreater(len(got), 1, "the seed differs in this dimension")
        return got

    def _assert_period(self, fname, key):
        """The groups of a date granularity, in chronological order, against SQL
        (compared in order: the report names a week by its first day, which depends on
        the language)."""
        got = [(count, amount, revenue) for _day, count, amount, revenue in self._report([fname])]
        expected = [(count, amount, won) for _key, count, amount, won in self._sql_orders(key)]
        self.assertEqual(got, expected)
        return got

    # ------------------------------------------------------------------ tests
    def test_sales_team(self):
        got = self._assert_many2one("team_id", "team_id")
        self.assertEqual(got[self.team_1.id], (3, 1800.0, 1000.0))

    def test_utm_source_medium_and_campaign(self):
        self.assertEqual(
            self._assert_many2one("source_id", "source_id")[self.src_1.id][:2], (2, 1200.0)
        )
        self.assertEqual(
            self._assert_many2one("medium_id", "medium_id")[self.med_2.id][:2], (1, 50.0)
        )
        self.assertEqual(
            self._assert_many2one("campaign_id", "campaign_id")[self.camp_1.id][:2], (2, 400.0)
        )

    def test_creation_day_week_month_and_quarter(self):
        created = SQL("so.create_date")
        by_day = self._assert_period("date:day", SQL("date_trunc('day', %s)", created))
        self.assertEqual([count for count, *_ in by_day], [2, 1, 1, 1, 1])
        by_week = self._assert_period("date:week", SQL("date_trunc('week', %s)", created))
        self.assertEqual([count for count, *_ in by_week], [3, 1, 1, 1])
        by_month = self._assert_period("date:month", SQL("date_trunc('month', %s)", created))
        self.assertEqual([count for count, *_ in by_month], [3, 1, 1, 1])
        by_quarter = self._assert_period("date:quarter", SQL("date_trunc('quarter', %s)", created))
        self.assertEqual(by_quarter, [(4, 2000.0, 1000.0), (1, 100.0, 0.0), (1, 50.0, 0.0)])
        # the first day of each period, as SQL names it (days and quarters do not
        # depend on the language)
        days = [day.date() for day, *_ in self._report(["date:day"])]
        self.assertEqual(
            [str(day) for day in days],
            ["2026-01-06", "2026-01-08", "2026-02-19", "2026-04-15", "2026-07-15"],
        )
        quarters = [day.date() for day, *_ in self._report(["date:quarter"])]
        self.assertEqual([str(day) for day in quarters], ["2026-01-01", "2026-04-01", "2026-07-01"])

    def test_closing_date(self):
        """Closed on: the day the order entered its won or lost stage, as the stage log
        says (not the report's own column)."""
        got = {
            day and str(day.date()): (count, amount, revenue)
            for day, count, amount, revenue in self._report(["date_closed:day"])
        }
        rows = self.env.execute_query(
            SQL(
                """
                SELECT date_trunc('day', log.date)::date::text, COUNT(*),
                       SUM(so.amount_untaxed),
                       COALESCE(SUM(so.amount_untaxed) FILTER (WHERE st.is_won), 0)
                  FROM crm_pipeline_stage_log log
                  JOIN crm_pipeline_stage st ON st.id = log.stage_to_id
                  JOIN sale_order so ON so.id = log.res_id
                 WHERE log.res_model = 'sale.order' AND log.res_id = ANY(%s)
                   AND (st.is_won OR st.is_lost)
                 GROUP BY 1
                """,
                self.all_orders.ids,
            )
        )
        expected = {day: (count, float(amount), float(won)) for day, count, amount, won in rows}
        open_orders = self.all_orders.filtered(
            lambda o: not (o.pipeline_stage_id.is_won or o.pipeline_stage_id.is_lost)
        )
        expected[False] = (len(open_orders), sum(open_orders.mapped("amount_untaxed")), 0)
        self.assertEqual(got, expected)
        self.assertEqual(
            expected,
            {"2026-03-04": (1, 100.0, 0), "2026-03-10": (2, 1500.0, 1000.0), False: (3, 550.0, 0)},
        )

    def test_stage_analysis_by_period_and_stage(self):
        def sql_entries(granularity):
            return self.env.execute_query(
                SQL(
                    """
                    SELECT log.stage_to_id, date_trunc(%s, log.date), COUNT(*)
                      FROM crm_pipeline_stage_log log
                     WHERE log.res_model = 'sale.order' AND log.res_id = ANY(%s)
                     GROUP BY 1, 2
                     ORDER BY 2, 1
                    """,
                    granularity,
                    self.all_orders.ids,
                )
            )

        by_day = {
            (stage.id, day.date()): count
            for stage, day, count in self._report(
                ["stage_id", "date:day"], model="crm.pipeline.stage.report"
            )
        }
        expected = {(stage, day.date()): count for stage, day, count in sql_entries("day")}
        self.assertEqual(by_day, expected)
        self.assertEqual(
            len(expected), 5
        )  # new on the 2nd, mid and lost on the 4th, won and lost on the 10th
        for granularity in ("week", "month"):
            with self.subTest(granularity=granularity):
                got = [
                    count
                    for _day, count in self._report(
                        [f"date:{granularity}"], model="crm.pipeline.stage.report"
                    )
                ]
                totals = {}
                for _stage, day, count in sql_entries(granularity):
                    totals[day] = totals.get(day, 0) + count
                self.assertEqual(got, [totals[day] for day in sorted(totals)])
        self.assertEqual(
            [count for _day, count in self._report(["date:week"], "crm.pipeline.stage.report")],
            [10, 2],
        )

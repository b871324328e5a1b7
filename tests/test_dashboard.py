"""The "My day" tiles and their Excel export against SQL written here, not against the
tiles' own domains: seeded records that count, and records that must not (last week,
another salesperson's, cancelled, not yet due, draft...)."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL, format_amount

from .common import CrmPipelineReportCommon, read_workbook, render_xlsx_action

TILE_KEYS = {
    "requests_waiting",
    "new_contacts",
    "new_customers",
    "open_pipeline",
    "waiting_customer",
    "waiting_accounting",
    "rejected",
    "activities_today",
    "activities_overdue",
    "activities_sla_breached",
    "calls_made",
    "customers_overdue",
    "due_this_week",
}


@tagged("post_install", "-at_install")
class TestDashboard(CrmPipelineReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        crm_salesperson = cls.env.ref("crm_extension.group_crm_salesperson")
        # the receivable tiles need a CRM role, like the figures of the customer card
        cls.salesman.group_ids += crm_salesperson
        cls.salesman_2.group_ids += crm_salesperson
        cls.sales_manager.group_ids += cls.env.ref("crm_extension.group_crm_manager")
        # outside the team below: nothing of theirs counts for the others
        cls.salesman_3 = new_test_user(
            cls.env,
            login="crm_rep_salesman_3",
            groups="sales_team.group_sale_salesman",
            company_id=cls.env.company.id,
        )
        cls.salesman_3.group_ids += crm_salesperson
        cls.team = (
            cls.env["crm.team"]
            .sudo()
            .create(
                {
                    "name": "R Team",
                    "user_id": cls.sales_manager.id,
                    "member_ids": [Command.set((cls.salesman | cls.salesman_2).ids)],
                }
            )
        )
        cls.week_start = cls.today - timedelta(days=cls.today.weekday())

        # contacts: this week (customers or not), last week, other salespeople's
        cls.customer_2.user_id = cls.salesman
        cls._customer("R Lead", customer_rank=0, user_id=cls.salesman.id)
        old = cls._customer("R Old customer", user_id=cls.salesman.id)
        cls._customer("R Customer of 2", user_id=cls.salesman_2.id)
        cls._customer("R Lead of 2", customer_rank=0, user_id=cls.salesman_2.id)
        cls.customer_3 = cls._customer("R Customer of 3", user_id=cls.salesman_3.id)
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE res_partner SET create_date = %s WHERE id = %s",
            (fields.Datetime.to_datetime(cls.week_start) - timedelta(hours=1), old.id),
        )

        # orders: a second currency, a cancelled one, another salesperson's
        cls.eur = cls.setup_other_currency("EUR")  # 2 EUR for 1 company currency unit
        pricelist = (
            cls.env["product.pricelist"].sudo().create({"name": "R EUR", "currency_id": cls.eur.id})
        )
        cls.eur_order = cls._order(cls.salesman, 400, cls.customer_2, pricelist_id=pricelist.id)
        cls.eur_order.pipeline_stage_id = cls.stage_mid
        cancelled = cls._order(cls.salesman, 700, cls.customer_2)
        cancelled.sudo()._action_cancel()
        cls._order(cls.salesman_3, 900, cls.customer_3).sudo().action_quotation_sent()
        (cls.orders["O4"] | cls.orders["O3"]).sudo().action_quotation_sent()
        # sending moved them to a shipped stage: back to the stages of known probability
        cls.orders["O4"].pipeline_stage_id = cls.stage_new
        cls.orders["O3"].pipeline_stage_id = cls.stage_mid
        cls.orders["O1"].sudo().accounting_state = "requested"
        cls.orders["O3"].sudo().accounting_state = "requested"
        cls.orders["O2"].sudo().accounting_state = "rejected"
        cls.eur_order.sudo().accounting_state = "rejected"

        # activities: today, overdue (one past its stage SLA), tomorrow, other people's
        Activity = cls.env["mail.activity"].sudo()
        model_id = cls.env["ir.model"]._get_id("res.partner")
        an_hour_ago = fields.Datetime.now() - timedelta(hours=1)
        for user, days, deadline in (
            (cls.salesman, 0, None),
            (cls.salesman, -2, None),
            (cls.salesman, -1, an_hour_ago),
            (cls.salesman, 1, None),
            (cls.salesman_2, 0, None),
            (cls.salesman_2, -3, an_hour_ago),
            (cls.sales_manager, 0, None),
            (cls.salesman_3, -1, an_hour_ago),
        ):
            Activity.create(
                {
                    "res_model_id": model_id,
                    "res_id": cls.customer_2.id,
                    "user_id": user.id,
                    "date_deadline": cls.today + timedelta(days=days),
                    "crm_deadline": deadline,
                    # a stage SLA is of the stage the record is in
                    "crm_stage_id": deadline and cls.customer_2.pipeline_stage_id.id,
                    "summary": "Call",
                }
            )

        # invoices: late, due this week, due later, draft, other salespeople's customers
        cls.late_invoice = cls._invoice(cls.customer_2, 70, days_ago=40)
        cls.due_invoice = cls._invoice(cls.customer_2, 30, days_ago=0)
        cls._invoice(cls.customer_2, 20, days_ago=-8)
        cls._invoice(cls.customer_1, 80, days_ago=30, post=False)
        customer_of_2 = cls._customer("R Late customer of 2", user_id=cls.salesman_2.id)
        cls._invoice(customer_of_2, 60, days_ago=20)
        cls._invoice(cls.customer_3, 90, days_ago=20)
        cls.env.flush_all()

    # ---------------------------------------------------------------- helpers
    def _tiles(self, user, **scope):
        tiles = self.env["crm.dashboard"].with_user(user).get_tiles(**scope)
        return {tile["key"]: tile for tile in tiles}

    def _sql(self, query, *args):
        return self.env.execute_query(SQL(query, *args))

    def _ids(self, query, *args):
        return {row[0] for row in self._sql(query, *args)}

    def _team_user_ids(self, team):
        return self._ids(
            """SELECT user_id FROM crm_team_member WHERE crm_team_id = %s AND active
                UNION SELECT user_id FROM crm_team WHERE id = %s AND user_id IS NOT NULL""",
            team.id,
            team.id,
        )

    def _sql_tiles(self, user_ids):
        """{tile key: ids of its records}, and the weighted open pipeline in company
        currency, of the salespeople ``user_ids``, straight from the tables."""
        users = list(user_ids)
        today = self.today
        week_start = fields.Datetime.to_datetime(self.week_start)
        week_end = self.week_start + timedelta(days=6)
        ids = {}
        # requests whose deal is still in the stage the request opened it in
        ids["requests_waiting"] = self._ids(
            """SELECT r.id FROM crm_request r JOIN sale_order so ON so.id = r.order_id
                WHERE r.user_id = ANY(%s) AND so.pipeline_stage_id = r.crm_intake_stage_id
                  AND so.state != 'cancel'""",
            users,
        )
        ids["new_contacts"] = self._ids(
            """SELECT id FROM res_partner
                WHERE active AND user_id = ANY(%s) AND create_date >= %s""",
            users,
            week_start,
        )
        ids["new_customers"] = self._ids(
            """SELECT id FROM res_partner
                WHERE active AND user_id = ANY(%s) AND create_date >= %s
                  AND customer_rank > 0""",
            users,
            week_start,
        )
        open_rows = self._sql(
            """SELECT so.id, so.amount_untaxed / so.currency_rate * st.probability / 100
                 FROM sale_order so JOIN crm_pipeline_stage st ON st.id = so.pipeline_stage_id
                WHERE so.user_id = ANY(%s) AND so.state != 'cancel'
                  AND st.is_won IS NOT TRUE AND st.is_lost IS NOT TRUE""",
            users,
        )
        ids["open_pipeline"] = {row[0] for row in open_rows}
        weighted = sum(row[1] for row in open_rows)
        ids["waiting_customer"] = self._ids(
            "SELECT id FROM sale_order WHERE user_id = ANY(%s) AND state = 'sent'", users
        )
        for key, state in (("waiting_accounting", "requested"), ("rejected", "rejected")):
            ids[key] = self._ids(
                "SELECT id FROM sale_order WHERE user_id = ANY(%s) AND accounting_state = %s",
                users,
                state,
            )
        activities = "SELECT id FROM mail_activity WHERE active AND user_id = ANY(%s) AND "
        ids["activities_today"] = self._ids(activities + "date_deadline = %s", users, today)
        ids["activities_overdue"] = self._ids(activities + "date_deadline < %s", users, today)
        ids["activities_sla_breached"] = self._ids(
            activities
            + """crm_deadline < now() AT TIME ZONE 'UTC' AND res_model = 'res.partner'
                 AND crm_stage_id = (SELECT pipeline_stage_id FROM res_partner p
                                      WHERE p.id = res_id)""",
            users,
        )
        # calls done today on customers and deals (Odoo archives a done activity)
        ids["calls_made"] = self._ids(
            """SELECT a.id FROM mail_activity a
                 JOIN mail_activity_type t ON t.id = a.activity_type_id
                WHERE NOT a.active AND a.user_id = ANY(%s) AND t.category = 'phonecall'
                  AND a.date_done = %s AND a.res_model IN ('res.partner', 'sale.order')""",
            users,
            today,
        )
        invoices = """SELECT {} FROM account_move am
                        JOIN res_partner p ON p.id = am.commercial_partner_id
                       WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                         AND am.payment_state IN ('not_paid', 'partial')
                         AND p.user_id = ANY(%s) AND """
        ids["customers_overdue"] = self._ids(
            invoices.format("am.commercial_partner_id")
            + "am.invoice_date_due < %s AND am.amount_residual > 0",
            users,
            today,
        )
        ids["due_this_week"] = self._ids(
            invoices.format("am.id") + "am.invoice_date_due BETWEEN %s AND %s",
            users,
            today,
            week_end,
        )
        return ids, float(weighted)

    def _assert_tiles_equal_sql(self, user, user_ids, **scope):
        tiles = self._tiles(user, **scope)
        expected, weighted = self._sql_tiles(user_ids)
        self.assertEqual(set(tiles), TILE_KEYS)
        for key, tile in tiles.items():
            self.assertEqual(tile["count"], len(expected[key]), key)
            # the list the tile opens shows exactly these records to the user
            shown = self.env[tile["res_model"]].with_user(user).search(tile["domain"])
            self.assertEqual(set(shown.ids), expected[key], key)
        self.assertAlmostEqual(tiles["open_pipeline"]["amount"], weighted, places=6)
        return {key: tile["count"] for key, tile in tiles.items()}, weighted

    # ---------------------------------------------------------------- tiles
    def test_salesperson_tiles_equal_sql(self):
        counts, weighted = self._assert_tiles_equal_sql(self.salesman, self.salesman.ids)
        # the SQL above could agree with a wrong tile by chance: the seeded story
        self.assertEqual(
            counts,
            {
                "requests_waiting": 0,  # no request in this story: test_crm_request_reports
                "new_contacts": 2,  # customer 2, R Lead (R Old customer: last week)
                "new_customers": 1,
                "open_pipeline": 2,  # O4, the EUR order (O1 won, O2 lost, one cancelled)
                "waiting_customer": 1,  # O4
                "waiting_accounting": 1,  # O1
                "rejected": 2,  # O2, EUR order
                "activities_today": 1,
                "activities_overdue": 2,
                "activities_sla_breached": 1,  # due yesterday, an hour ago exactly
                "calls_made": 0,  # no call done in this story: test_dashboard_activity
                "customers_overdue": 1,  # customer 2 (customer 1's invoice is a draft)
                "due_this_week": 1,  # not the one due in 8 days
            },
        )
        # 200 at 20% + 400 EUR / 2 at 50%
        self.assertAlmostEqual(weighted, 140.0)

    def test_manager_viewing_a_salesperson_tiles_equal_sql(self):
        counts, _weighted = self._assert_tiles_equal_sql(
            self.sales_manager, self.salesman.ids, user_id=self.salesman.id
        )
        self.assertEqual(counts, {k: t["count"] for k, t in self._tiles(self.salesman).items()})
        self._assert_tiles_equal_sql(
            self.sales_manager, self.salesman_2.ids, user_id=self.salesman_2.id
        )

    def test_manager_viewing_the_team_tiles_equal_sql(self):
        team_users = self._team_user_ids(self.team)
        members = self.salesman | self.salesman_2 | self.sales_manager
        self.assertEqual(team_users, set(members.ids))
        counts, weighted = self._assert_tiles_equal_sql(
            self.sales_manager, team_users, team_id=self.team.id
        )
        # O4, EUR order, O3; salesman 3's sent order is not in the team
        self.assertEqual(counts["open_pipeline"], 3)
        self.assertEqual(counts["waiting_customer"], 2)
        self.assertEqual(counts["activities_today"], 3)  # the leader's counts too
        self.assertEqual(counts["customers_overdue"], 2)
        self.assertAlmostEqual(weighted, 140.0 + 300 * 0.5)
        # the manager's own day: only the activity of today
        own, _weighted = self._assert_tiles_equal_sql(self.sales_manager, self.sales_manager.ids)
        self.assertEqual(own["activities_today"], 1)
        self.assertEqual(own["open_pipeline"], 0)

    def test_weighted_pipeline_in_company_currency(self):
        order = self.eur_order
        self.assertEqual(order.currency_id, self.eur)
        self.assertEqual(order.amount_untaxed, 400.0)
        self.assertAlmostEqual(order.currency_rate, 2.0)
        tile = self._tiles(self.salesman)["open_pipeline"]
        # the rates of the currency tables, not the order's stored currency_rate
        rate = """COALESCE((SELECT r.rate FROM res_currency_rate r
                             WHERE r.currency_id = {} AND r.name <= so.date_order::date
                               AND (r.company_id = so.company_id OR r.company_id IS NULL)
                             ORDER BY r.name DESC, r.company_id NULLS LAST LIMIT 1), 1.0)"""
        (sql_weighted,) = self._sql(
            f"""SELECT SUM(so.amount_untaxed * {rate.format("company.currency_id")}
                           / {rate.format("so.currency_id")} * st.probability / 100)
                  FROM sale_order so
                  JOIN crm_pipeline_stage st ON st.id = so.pipeline_stage_id
                  JOIN res_company company ON company.id = so.company_id
                 WHERE so.user_id = %s AND so.state != 'cancel'
                   AND st.is_won IS NOT TRUE AND st.is_lost IS NOT TRUE""",
            self.salesman.id,
        )[0]
        self.assertAlmostEqual(tile["amount"], float(sql_weighted))
        self.assertAlmostEqual(tile["amount"], 200 * 0.2 + 400 / 2 * 0.5)
        analysis = self.env["crm.pipeline.report"].with_user(self.salesman)
        (analysis_weighted,) = analysis._read_group(
            [("order_id", "in", self.env["sale.order"].search(tile["domain"]).ids)],
            [],
            ["weighted_amount:sum"],
        )[0]
        self.assertAlmostEqual(tile["amount"], analysis_weighted)
        self.assertEqual(
            tile["amount_display"],
            format_amount(self.env, 200 * 0.2 + 400 / 2 * 0.5, self.env.company.currency_id),
        )

    def test_salesperson_cannot_see_the_day_of_another(self):
        with self.assertRaises(AccessError):
            self._tiles(self.salesman, user_id=self.salesman_2.id)
        with self.assertRaises(AccessError):
            self._tiles(self.salesman, team_id=self.team.id)
        with self.assertRaises(AccessError):
            self.env["crm.dashboard"].with_user(self.salesman).action_export_xlsx(
                user_id=self.salesman_2.id
            )
        scopes = self.env["crm.dashboard"].with_user(self.salesman).get_scopes()
        self.assertEqual([s["key"] for s in scopes], ["me"])
        keys = [
            s["key"] for s in self.env["crm.dashboard"].with_user(self.sales_manager).get_scopes()
        ]
        self.assertIn(f"team_{self.team.id}", keys)
        self.assertIn(f"user_{self.salesman.id}", keys)

    def test_query_count_does_not_grow_with_records(self):
        Dashboard = self.env["crm.dashboard"].with_user(self.salesman)
        Dashboard.get_tiles()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        Dashboard.get_tiles()
        queries = self.env.cr.sql_log_count - before
        for i in range(5):
            order = self.orders["O4"].sudo().copy()
            order.user_id = self.salesman
            self.eur_order.sudo().copy({"date_order": f"2016-0{i + 1}-15"})
            self._invoice(self._customer(f"Late {i}", user_id=self.salesman.id), 10, days_ago=30)
        self.env.flush_all()
        # warmed up again like the first count: creating records may clear Odoo's
        # registry caches (ormcache), whose refill is not the dashboard's growth
        Dashboard.get_tiles()
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            tiles = Dashboard.get_tiles()
        tiles = {t["key"]: t for t in tiles}
        self.assertEqual(tiles["customers_overdue"]["count"], 6)
        self.assertEqual(tiles["open_pipeline"]["count"], 12)
        # the copies in EUR are of 2016, at 3 EUR for 1: a second rate in the group
        _ids, weighted = self._sql_tiles(self.salesman.ids)
        self.assertAlmostEqual(tiles["open_pipeline"]["amount"], weighted)

    # ---------------------------------------------------------------- export
    def _export(self, user, **scope):
        action = self.env["crm.dashboard"].with_user(user).action_export_xlsx(**scope)
        self.assertEqual(action["report_name"], "crm_extension.my_day_xlsx")
        return read_workbook(render_xlsx_action(self.env, action, user))

    @staticmethod
    def _sheet_rows(sheet):
        """(data rows, total row) under the header (row 3) down to the "Total" row."""
        rows = []
        for row in sheet.iter_rows(min_row=4, values_only=True):
            if row[0] == "Total":
                return rows, row
            rows.append(row)
        raise AssertionError(f"no Total row in {sheet.title}")

    def _sql_orders(self, user_ids):
        """{order name: (stage id, won, lost, amount, weighted, revenue)} in company
        currency of the orders of ``user_ids``."""
        rows = self._sql(
            """SELECT so.name, so.pipeline_stage_id, st.is_won IS TRUE, st.is_lost IS TRUE,
                      so.amount_untaxed / so.currency_rate,
                      CASE WHEN st.is_won OR st.is_lost OR so.state = 'cancel' THEN 0
                           ELSE so.amount_untaxed / so.currency_rate * st.probability / 100
                      END,
                      CASE WHEN st.is_won THEN so.amount_untaxed / so.currency_rate ELSE 0 END
                 FROM sale_order so JOIN crm_pipeline_stage st ON st.id = so.pipeline_stage_id
                WHERE so.user_id = ANY(%s)""",
            list(user_ids),
        )
        return {name: tuple(values) for name, *values in rows}

    def _assert_export_equals_sql(self, user, user_ids, **scope):
        workbook = self._export(user, **scope)
        orders = self._sql_orders(user_ids)
        self.assertTrue(orders)

        # Orders sheet: one row per order, amounts in company currency
        data, total = self._sheet_rows(workbook["Orders"])
        self.assertEqual(len(data), len(orders))
        by_name = {row[0]: row for row in data}
        self.assertEqual(set(by_name), set(orders))
        for name, (_stage, _won, _lost, amount, weighted, revenue) in orders.items():
            row = by_name[name]
            self.assertAlmostEqual(row[10], float(amount), msg=name)
            self.assertAlmostEqual(row[11] or 0, float(weighted), msg=name)
            self.assertAlmostEqual(row[12] or 0, float(revenue), msg=name)
        # the totals row: cached values of its formulas (amount, weighted, revenue)
        for col, index in ((10, 3), (11, 4), (12, 5)):
            self.assertAlmostEqual(
                total[col], float(sum(values[index] for values in orders.values()))
            )

        # Summary sheet: one row per stage, then the totals
        data, total = self._sheet_rows(workbook["Summary"])
        expected = {}
        for stage_id, won, lost, amount, weighted, revenue in orders.values():
            label = self.env["crm.pipeline.stage"].browse(stage_id).display_name
            row = expected.setdefault(label, [0, 0, 0, 0.0, 0.0, 0.0])
            for i, value in enumerate((1, int(won), int(lost), amount, revenue, weighted)):
                row[i] += value
        summary = {row[0]: row for row in data}
        self.assertEqual(set(summary), set(expected))
        for label, (count, won, lost, amount, revenue, weighted) in expected.items():
            row = summary[label]
            self.assertEqual(tuple(row[1:4]), (count, won, lost), label)
            self.assertAlmostEqual(row[5], float(amount), msg=label)
            self.assertAlmostEqual(row[6], float(revenue), msg=label)
            self.assertAlmostEqual(row[8], float(weighted), msg=label)
            # averages: won / closed, and the revenue per won order
            self.assertAlmostEqual(row[4] or 0, 100 * won / (won + lost) if won + lost else 0)
            self.assertAlmostEqual(row[7] or 0, float(revenue) / won if won else 0)
        self.assertEqual(total[1], len(orders))
        self.assertAlmostEqual(total[5], float(sum(r[3] for r in orders.values())))
        self.assertAlmostEqual(total[8], float(sum(r[4] for r in orders.values())))
        return workbook, orders

    def test_salesperson_export_equals_sql(self):
        workbook, orders = self._assert_export_equals_sql(self.salesman, self.salesman.ids)
        # O1, O2, O4, the EUR order at 200 and the cancelled one
        self.assertEqual(len(orders), 5)
        others = self._sql(
            "SELECT name FROM sale_order WHERE user_id IS DISTINCT FROM %s", self.salesman.id
        )
        others = {name for (name,) in others}
        # among them the seed's orders of salesman 2 and of nobody
        self.assertLessEqual({self.orders[name].name for name in ("O3", "O5", "O6")}, others)
        written = {cell for row in workbook["Orders"].iter_rows(values_only=True) for cell in row}
        self.assertFalse(written & others)
        self.assertNotIn(self.salesman_2.name, written)

    def test_manager_export_of_a_salesperson_and_the_team_equals_sql(self):
        self._assert_export_equals_sql(
            self.sales_manager, self.salesman.ids, user_id=self.salesman.id
        )
        _workbook, orders = self._assert_export_equals_sql(
            self.sales_manager, self._team_user_ids(self.team), team_id=self.team.id
        )
        self.assertEqual(len(orders), 7)  # and not salesman 3's nor O6 (nobody's)

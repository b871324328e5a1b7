from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

from .common_reports import CrmPipelineReportCommon


@tagged("post_install", "-at_install")
class TestDashboard(CrmPipelineReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the receivable tiles need a CRM role, like the figures of the customer card
        cls.salesman.group_ids += cls.env.ref("crm_extension.group_crm_salesperson")
        cls.salesman_2.group_ids += cls.env.ref("crm_extension.group_crm_salesperson")
        cls.sale_manager.group_ids += cls.env.ref("crm_extension.group_crm_manager")
        cls.customer_2.user_id = cls.salesman
        cls.late_invoice = cls._invoice(cls.customer_2, 70, days_ago=40)
        cls.due_invoice = cls._invoice(cls.customer_2, 30, days_ago=0)
        cls.orders["O4"].sudo().action_quotation_sent()
        Activity = cls.env["mail.activity"].sudo()
        model_id = cls.env["ir.model"]._get_id("res.partner")
        an_hour_ago = fields.Datetime.now() - timedelta(hours=1)
        for days, deadline in ((0, None), (-2, None), (-1, an_hour_ago)):
            Activity.create(
                {
                    "res_model_id": model_id,
                    "res_id": cls.customer_2.id,
                    "user_id": cls.salesman.id,
                    "date_deadline": cls.today + timedelta(days=days),
                    "crm_deadline": deadline,
                    "summary": "Call",
                }
            )
        cls.env.flush_all()

    def _tiles(self, user, **scope):
        tiles = self.env["crm.dashboard"].with_user(user).get_tiles(**scope)
        return {tile["key"]: tile for tile in tiles}

    def _sql_one(self, query, *args):
        return self.env.execute_query(SQL(query, *args))[0]

    def test_tiles_equal_sql_aggregates(self):
        tiles = self._tiles(self.salesman)
        uid = self.salesman.id
        open_count, weighted = self._sql_one(
            """SELECT COUNT(*), COALESCE(SUM(so.amount_untaxed * st.probability / 100), 0)
                 FROM sale_order so JOIN crm_pipeline_stage st ON st.id = so.pipeline_stage_id
                WHERE so.user_id = %s AND so.state != 'cancel'
                  AND st.is_won IS NOT TRUE AND st.is_lost IS NOT TRUE""",
            uid,
        )
        self.assertEqual(tiles["open_pipeline"]["count"], open_count)
        self.assertAlmostEqual(tiles["open_pipeline"]["amount"], float(weighted))
        self.assertEqual(open_count, 1)  # O4: O1 won, O2 lost
        (sent,) = self._sql_one(
            "SELECT COUNT(*) FROM sale_order WHERE user_id = %s AND state = 'sent'", uid
        )
        self.assertEqual(tiles["waiting_customer"]["count"], sent)
        self.assertEqual(sent, 1)
        today_count, overdue_count, sla = self._sql_one(
            """SELECT COUNT(*) FILTER (WHERE date_deadline = %s),
                      COUNT(*) FILTER (WHERE date_deadline < %s),
                      COUNT(*) FILTER (WHERE crm_deadline < now() AT TIME ZONE 'UTC')
                 FROM mail_activity WHERE user_id = %s""",
            self.today,
            self.today,
            uid,
        )
        self.assertEqual(
            (
                tiles["activities_today"]["count"],
                tiles["activities_overdue"]["count"],
                tiles["activities_overdue"]["sla_breached"],
            ),
            (today_count, overdue_count, sla),
        )
        self.assertEqual((today_count, overdue_count, sla), (1, 2, 1))
        late, due = self._sql_one(
            """SELECT COUNT(DISTINCT am.commercial_partner_id)
                          FILTER (WHERE am.invoice_date_due < %s),
                      COUNT(*) FILTER (WHERE am.invoice_date_due >= %s
                                         AND am.invoice_date_due <= %s)
                 FROM account_move am JOIN res_partner p ON p.id = am.commercial_partner_id
                WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                  AND am.payment_state IN ('not_paid', 'partial') AND p.user_id = %s""",
            self.today,
            self.today,
            self.today + timedelta(days=6 - self.today.weekday()),
            uid,
        )
        self.assertEqual(tiles["customers_overdue"]["count"], late)
        self.assertEqual(tiles["due_this_week"]["count"], due)
        self.assertEqual((late, due), (1, 1))

    def test_each_tile_opens_exactly_its_records(self):
        tiles = self._tiles(self.salesman)
        for tile in tiles.values():
            records = self.env[tile["res_model"]].with_user(self.salesman).search(tile["domain"])
            self.assertEqual(len(records), tile["count"], tile["key"])

    def test_salesperson_cannot_see_the_day_of_another(self):
        with self.assertRaises(AccessError):
            self._tiles(self.salesman, user_id=self.salesman_2.id)
        with self.assertRaises(AccessError):
            self.env["crm.dashboard"].with_user(self.salesman).action_export_xlsx(
                user_id=self.salesman_2.id
            )
        scopes = self.env["crm.dashboard"].with_user(self.salesman).get_scopes()
        self.assertEqual([s["key"] for s in scopes], ["me"])

    def test_manager_switches_to_a_salesperson_and_a_team(self):
        as_salesman = self._tiles(self.sale_manager, user_id=self.salesman.id)
        self.assertEqual(
            as_salesman["open_pipeline"]["count"],
            self._tiles(self.salesman)["open_pipeline"]["count"],
        )
        team = (
            self.env["crm.team"]
            .sudo()
            .create(
                {"name": "R Team", "member_ids": [(6, 0, (self.salesman | self.salesman_2).ids)]}
            )
        )
        as_team = self._tiles(self.sale_manager, team_id=team.id)
        # O4 (salesman) and O3 (salesman_2) are open
        self.assertEqual(as_team["open_pipeline"]["count"], 2)
        keys = [
            s["key"] for s in self.env["crm.dashboard"].with_user(self.sale_manager).get_scopes()
        ]
        self.assertIn(f"team_{team.id}", keys)
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
            self._invoice(self._customer(f"Late {i}", user_id=self.salesman.id), 10, days_ago=30)
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(queries):
            tiles = Dashboard.get_tiles()
        self.assertEqual({t["key"]: t["count"] for t in tiles}["customers_overdue"], 6)

    def test_export_of_the_dashboard_scope(self):
        action = self.env["crm.dashboard"].with_user(self.salesman).action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.act_url")


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    def test_open_dashboard_and_click_a_tile(self):
        self.start_tour(
            "/odoo/action-crm_extension.crm_dashboard_action", "crm_extension_my_day", login="admin"
        )

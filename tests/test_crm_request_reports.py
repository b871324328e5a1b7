"""Requests in My Day and in the Pipeline Analysis (issue 13): the requests waiting for
their first call with the time left, and requests / request -> won by lead source."""

from datetime import datetime, timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from .common import RequestCommon

NOW = datetime(2026, 3, 2, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestRequestsInMyDay(RequestCommon):
    def _tile(self, user):
        tiles = self.env["crm.dashboard"].with_user(user).get_tiles()
        return {tile["key"]: tile for tile in tiles}.get("requests_waiting")

    def test_waiting_requests_with_the_time_left_to_call_back(self):
        with self._at(NOW):
            first = self._request(contact_name="Ann", email="ann@example.com")
            self._request(contact_name="Bob", email="bob@example.com")  # sp2's turn
        with self._at(NOW + timedelta(minutes=3)):
            self._request(contact_name="Cid", email="cid@example.com")
        self.assertEqual(first.user_id, self.sp)
        with self._at(NOW + timedelta(minutes=5)):
            tile = self._tile(self.sp)
        self.assertEqual(tile["count"], 2)
        self.assertEqual(tile["res_model"], "crm.request")
        # the tile opens exactly what it counts, as the user
        listed = self.env["crm.request"].with_user(self.sp).search(tile["domain"])
        self.assertEqual(listed.mapped("contact_name"), ["Cid", "Ann"])
        self.assertEqual(tile["hint"], "Next call back within 10 min")
        self.assertFalse(tile["danger"])
        with self._at(NOW + timedelta(minutes=16)):
            tile = self._tile(self.sp)
        self.assertEqual(tile["hint"], "1 past the call-back time")
        self.assertTrue(tile["danger"])
        # the first call made: the deal moves on, the request no longer waits
        first.order_id.with_user(self.sp).write({"pipeline_stage_id": self.stage_measure.id})
        with self._at(NOW + timedelta(minutes=16)):
            tile = self._tile(self.sp)
        self.assertEqual(tile["count"], 1)
        self.assertEqual(tile["hint"], "Next call back within 2 min")

    def test_hours_left_and_users_without_requests(self):
        self.stage_first_call.activity_line_ids.write({"delay": 150})
        with self._at(NOW):
            self._request(contact_name="Ann", email="ann@example.com")
            tile = self._tile(self.sp)
        self.assertEqual(tile["hint"], "Next call back within 2 h 30 min")
        # the manager sees their own (none); a user without the requests has no tile
        self.assertEqual(self._tile(self.mgr)["count"], 0)
        self.assertFalse(self._tile(self.mgr)["hint"])
        self.assertIsNone(self._tile(self.salesman))


@tagged("post_install", "-at_install")
class TestRequestsInPipelineAnalysis(RequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stage_won = cls.env["crm.pipeline.stage"].create(
            {"name": "Signed", "scope": "order", "sequence": 9, "is_won": True}
        )

    def _by_source_sql(self, user_ids):
        rows = self.env.execute_query(
            SQL(
                """
                SELECT s.source_id, COUNT(*), COUNT(*) FILTER (WHERE st.is_won)
                  FROM crm_request r
                  JOIN sale_order s ON s.id = r.order_id
                  JOIN crm_pipeline_stage st ON st.id = s.pipeline_stage_id
                 WHERE s.user_id = ANY(%s)
                 GROUP BY s.source_id
                """,
                user_ids,
            )
        )
        return {source: (count, won, 100.0 * won / count) for source, count, won in rows}

    def test_requests_and_their_conversion_by_source(self):
        web = [self._request(contact_name=f"Web {i}", email=f"w{i}@example.com") for i in range(3)]
        phone = self._request(contact_name="Caller", phone="0470 11 22 33", channel="phone")
        self._quotation(user=self.sp)  # typed by hand: no request
        web[0].order_id.with_user(self.mgr).write({"pipeline_stage_id": self.stage_won.id})
        phone.order_id.with_user(self.mgr).write({"pipeline_stage_id": self.stage_won.id})
        Report = self.env["crm.pipeline.report"]
        for user, seen in ((self.mgr, [self.sp, self.sp2]), (self.sp, [self.sp])):
            with self.subTest(user=user.login):
                groups = Report.with_user(user)._read_group(
                    [("nbr_requests", "=", 1)],
                    ["source_id"],
                    ["nbr_requests:sum", "nbr_requests_won:sum", "request_conversion:avg"],
                )
                got = {source.id: (n, won, conv) for source, n, won, conv in groups}
                expected = self._by_source_sql([u.id for u in seen])
                self.assertEqual(got.keys(), expected.keys())
                for source, (n, won, conv) in expected.items():
                    self.assertEqual(got[source][:2], (n, won))
                    self.assertAlmostEqual(got[source][2], conv)
        website = self.env.ref("crm_extension.utm_source_website").id
        self.assertEqual(self._by_source_sql([self.sp.id, self.sp2.id])[website][:2], (3, 1))

    def test_requests_action_opens_the_deals_of_requests_by_source(self):
        action = self.env.ref("crm_extension.crm_pipeline_report_action_requests")
        self.assertIn("search_default_from_requests", action.context)
        menu = self.env.ref("crm_extension.crm_pipeline_report_menu_requests")
        self.assertEqual(menu.action, action)
        self.assertIn(menu.id, self.env["ir.ui.menu"].with_user(self.sp)._visible_menu_ids())

"""Issue 14: My Day's "Calls made" tile counts the calls done today (and, in its hint,
this week) in the Activity Analysis, and opens what it counts."""

from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import ACTIVITIES_DONE_AT, ActivityReportCommon

NOW = ACTIVITIES_DONE_AT


@tagged("post_install", "-at_install")
class TestMyDayCallsMade(ActivityReportCommon):
    """Calls done today (``NOW``, a Wednesday): ``a1`` and ``a2`` by ``salesman``,
    ``a4`` by ``salesman_2``; on Monday one more by ``salesman``; last Friday one more
    (not this week); the to-do and the visit done today are no calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.monday_call = cls._done_call(datetime(2026, 3, 2, 9, 0), cls.salesman)
        cls.last_week_call = cls._done_call(datetime(2026, 2, 27, 16, 0), cls.salesman)

    @classmethod
    def _done_call(cls, moment, user, count=1):
        with cls._done_at(moment):
            calls = (
                cls.env["mail.activity"]
                .sudo()
                .create(
                    [
                        {
                            "res_model_id": cls.env["ir.model"]._get_id("sale.order"),
                            "res_id": cls.order.id,
                            "activity_type_id": cls.call_type.id,
                            "user_id": user.id,
                            "date_deadline": moment.date(),
                        }
                    ]
                    * count
                )
            )
            calls.with_user(user).action_done()
            cls.env.flush_all()
        return calls

    def _tile(self, user, **scope):
        with freeze_time(NOW + timedelta(hours=1)):
            tiles = self.env["crm.dashboard"].with_user(user).get_tiles(**scope)
        return next(tile for tile in tiles if tile["key"] == "calls_made")

    def _opened(self, user, tile):
        return self.env[tile["res_model"]].with_user(user).search(tile["domain"])

    def test_a_salesperson_sees_his_calls_today_and_this_week(self):
        tile = self._tile(self.salesman)
        self.assertEqual(tile["label"], "Calls made today")
        self.assertEqual(tile["count"], 2)
        self.assertEqual(tile["hint"], "3 this week")
        self.assertEqual(tile["res_model"], "crm.activity.report")
        self.assertEqual(
            sorted(self._opened(self.salesman, tile).ids), sorted((self.a1 | self.a2).ids)
        )
        tile = self._tile(self.salesman_2)
        self.assertEqual((tile["count"], tile["hint"]), (1, "1 this week"))

    def test_a_manager_sees_a_salesperson_and_the_team(self):
        for user in (self.leader, self.sales_manager):
            with self.subTest(user=user.login):
                tile = self._tile(user, user_id=self.salesman.id)
                self.assertEqual((tile["count"], tile["hint"]), (2, "3 this week"))
                tile = self._tile(user, team_id=self.team.id)
                self.assertEqual((tile["count"], tile["hint"]), (3, "4 this week"))
                self.assertEqual(
                    sorted(self._opened(user, tile).ids), sorted((self.a1 | self.a2 | self.a4).ids)
                )
        # the manager's own day: no call of his
        self.assertEqual(self._tile(self.leader)["count"], 0)

    def test_a_salesperson_cannot_count_anothers_calls(self):
        with self.assertRaises(AccessError):
            self._tile(self.salesman, user_id=self.salesman_2.id)
        # the tile's own domain naming another salesperson opens none of his calls
        tile = self._tile(self.salesman)
        domain = [("user_id", "in", self.salesman_2.ids)] + tile["domain"][1:]
        self.assertFalse(self.env["crm.activity.report"].with_user(self.salesman).search(domain))

    def test_constant_query_count(self):
        Dashboard = self.env["crm.dashboard"]
        for user, scope in ((self.salesman, self.salesman), (self.leader, self.team.member_ids)):
            with self.subTest(user=user.login):
                counts = []
                for extra in (10, 100):
                    self._done_call(NOW - timedelta(hours=1), self.salesman, count=extra)
                    with freeze_time(NOW + timedelta(hours=1)):
                        tile_of = Dashboard.with_user(user)._get_tile_calls_made
                        tile_of(scope)
                        self.env.invalidate_all()
                        before = self.env.cr.sql_log_count
                        tile = tile_of(scope)
                        counts.append(self.env.cr.sql_log_count - before)
                    self.assertGreater(tile["count"], extra)
                self.assertEqual(counts[0], counts[1])
                self.assertLessEqual(counts[0], 2, "today's count and the week's")

"""Issue 11, item 7: each activity tile of My Day opens exactly what it counts; the stage
SLAs breached (due at an exact time, possibly today) have their own tile and list."""

from datetime import datetime, timedelta

from odoo.tests import freeze_time, tagged

from .common import PipelineCommon

NOW = datetime(2026, 3, 2, 10, 0, 0)
ACTIVITY_TILES = ("activities_today", "activities_overdue", "activities_sla_breached")


@tagged("post_install", "-at_install")
class TestMyDayActivityTiles(PipelineCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        (cls.salesman | cls.salesman_2 | cls.leader).tz = "Europe/Brussels"
        with freeze_time(NOW):
            # in First call: its call is due at 10:15 today (UTC)
            cls.order = cls._quotation()
            cls.other_order = cls._quotation(user=cls.salesman_2)
            # kept open when the order left First call: not a breach of its stage
            cls.stage_first_call.activity_line_ids.on_exit = "keep"
            cls.moved = cls._quotation()
            cls.moved.with_user(cls.salesman).pipeline_stage_id = cls.stage_installation
            cls.stage_first_call.activity_line_ids.on_exit = "cancel"
            # Odoo's overdue: due yesterday; and one due today without an exact time
            cls.late_todo = cls.order.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=NOW.date() - timedelta(days=1),
                user_id=cls.salesman.id,
            )
            cls.today_todo = cls.order.activity_schedule(
                "mail.mail_activity_data_todo", date_deadline=NOW.date(), user_id=cls.salesman.id
            )

        def call(order):
            return cls.env["mail.activity"].search(
                [
                    ("res_model", "=", "sale.order"),
                    ("res_id", "=", order.id),
                    ("crm_stage_id", "=", cls.stage_first_call.id),
                ]
            )

        cls.call = call(cls.order)
        cls.other_call = call(cls.other_order)
        cls.kept_call = call(cls.moved)
        assert cls.call and cls.other_call and cls.kept_call

    def _tiles(self, user, **scope):
        with freeze_time(NOW + timedelta(minutes=20)):
            tiles = self.env["crm.dashboard"].with_user(user).get_tiles(**scope)
        return {tile["key"]: tile for tile in tiles}

    def _assert_tiles_open_what_they_count(self, user, **scope):
        """Each activity tile's count is the length of the list its action opens, searched
        as the user; returns {key: ids of that list}."""
        tiles = self._tiles(user, **scope)
        shown = {}
        for key in ACTIVITY_TILES:
            tile = tiles[key]
            with freeze_time(NOW + timedelta(minutes=21)):  # the list opens a moment later
                records = self.env[tile["res_model"]].with_user(user).search(tile["domain"])
            self.assertEqual(tile["count"], len(records), key)
            shown[key] = set(records.ids)
        sla = tiles["activities_sla_breached"]
        self.assertTrue(sla["danger"], "shown in red when it counts any")
        self.assertNotIn("sla_breached", tiles["activities_overdue"], "no figure it does not open")
        return shown

    def test_salesperson_reaches_the_stage_slas_breached_today(self):
        shown = self._assert_tiles_open_what_they_count(self.salesman)
        # the call due 20 minutes ago is today's: not in Odoo's overdue, in the SLA tile
        self.assertEqual(shown["activities_overdue"], set(self.late_todo.ids))
        self.assertEqual(shown["activities_sla_breached"], set(self.call.ids))
        self.assertEqual(
            shown["activities_today"], set((self.call | self.today_todo | self.kept_call).ids)
        )

    def test_manager_viewing_a_salesperson_and_the_team(self):
        mine = self._assert_tiles_open_what_they_count(self.salesman)
        self.assertEqual(
            self._assert_tiles_open_what_they_count(self.leader, user_id=self.salesman.id), mine
        )
        team = self._assert_tiles_open_what_they_count(self.leader, team_id=self.team.id)
        self.assertEqual(team["activities_sla_breached"], set((self.call | self.other_call).ids))
        self.assertEqual(team["activities_overdue"], set(self.late_todo.ids))

    def test_an_activity_of_a_stage_the_record_left_is_no_breach(self):
        self.assertTrue(self.kept_call.exists())
        tiles = self._tiles(self.salesman)
        with freeze_time(NOW + timedelta(minutes=20)):
            breached = (
                self.env["mail.activity"]
                .with_user(self.salesman)
                .search(tiles["activities_sla_breached"]["domain"])
            )
        self.assertNotIn(self.kept_call, breached)
        # back in its stage, the kept call is late for it again
        self.moved.sudo().pipeline_stage_id = self.stage_first_call
        self.assertIn(
            self.kept_call.id,
            self._assert_tiles_open_what_they_count(self.salesman)["activities_sla_breached"],
        )

    def test_sla_list_shows_the_exact_due_time_and_its_stage(self):
        tile = self._tiles(self.salesman)["activities_sla_breached"]
        [(view_id, view_type), _form] = tile["views"]
        self.assertEqual(view_type, "list")
        views = self.env["mail.activity"].with_user(self.salesman).get_views([[view_id, "list"]])
        arch = views["views"]["list"]["arch"]
        self.assertIn('name="crm_deadline"', arch)
        self.assertIn('name="crm_stage_id"', arch)


@tagged("post_install", "-at_install")
class TestMyDayDefaultScope(PipelineCommon):
    def test_a_team_leader_opens_on_the_team_a_salesperson_on_themselves(self):
        self.leader.group_ids += self.env.ref("crm_extension.group_crm_manager")
        scopes = self.env["crm.dashboard"].with_user(self.leader).get_scopes()
        defaults = [scope for scope in scopes if scope.get("default")]
        self.assertEqual([scope.get("team_id") for scope in defaults], [self.team.id])
        scopes = self.env["crm.dashboard"].with_user(self.salesman).get_scopes()
        self.assertEqual([scope["key"] for scope in scopes], ["me"])

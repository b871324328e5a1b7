"""Issue 14, "Counting the work": the Activity Analysis counts Odoo's own done (archived)
activities on customers and deals, on time or late against their deadlines (the stage
SLA's exact due time first), with the pipeline analyses' role scoping."""

from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import ACTIVITIES_DONE_AT, ActivityReportCommon

NOW = ACTIVITIES_DONE_AT
TODAY = NOW.date()


@tagged("post_install", "-at_install")
class TestActivityReport(ActivityReportCommon):
    def test_one_row_per_done_activity_on_customers_and_deals(self):
        rows = self._report(self.sales_manager)
        self.assertEqual(sorted(rows.ids), sorted(self.done.ids))
        self.assertFalse(
            self.env["crm.activity.report"].sudo().search([("id", "=", self.product_todo.id)])
        )
        self.assertFalse(self.done.filtered("active"), "Odoo archives a done activity")

    def test_dimensions_of_a_row(self):
        Report = self.env["crm.activity.report"].with_user(self.sales_manager)
        on_partner, on_order = Report.browse(self.a1.id), Report.browse(self.a2.id)
        self.assertRecordValues(
            on_partner | on_order,
            [
                {
                    "res_model": "res.partner",
                    "partner_id": self.customer.id,
                    "order_id": False,
                    "user_id": self.salesman.id,
                    "team_id": self.team.id,
                    "activity_type_id": self.call_type.id,
                    "activity_category": "phonecall",
                    "stage_id": False,
                    "date_done": TODAY,
                    "company_id": self.env.company.id,
                },
                {
                    "res_model": "sale.order",
                    "partner_id": self.customer.id,
                    "order_id": self.order.id,
                    "user_id": self.salesman.id,
                    "team_id": self.team.id,
                    "activity_type_id": self.call_type.id,
                    "activity_category": "phonecall",
                    "stage_id": self.stage_first_call.id,
                    "date_done": TODAY,
                    "company_id": self.order.company_id.id,
                },
            ],
        )
        # a shared customer: the company and team of its assignee
        shared = Report.browse(self.a5.id)
        self.assertEqual(shared.company_id, self.salesman_2.company_id)
        self.assertEqual(shared.team_id, self.salesman_2.sale_team_id)

    def test_on_time_against_the_stage_sla_then_the_due_date(self):
        Report = self.env["crm.activity.report"].with_user(self.sales_manager)
        expected = {
            self.a1: (1, 0, 100.0, False),
            # due today, but its stage SLA was 09:45 and it was done at 10:00
            self.a2: (0, 1, 0.0, 0.25),
            self.a3: (0, 1, 0.0, 48.0),
            self.a4: (1, 0, 100.0, False),
            self.a5: (1, 0, 100.0, False),
        }
        for activity, (on_time, late, rate, hours) in expected.items():
            with self.subTest(activity=activity.summary):
                row = Report.browse(activity.id)
                self.assertEqual((row.nbr_done, row.nbr_on_time, row.nbr_late), (1, on_time, late))
                self.assertEqual(row.on_time_rate, rate)
                if hours:
                    self.assertAlmostEqual(row.delay_hours, hours)
                else:
                    self.assertFalse(row.delay_hours)

    def test_the_day_it_was_done_is_the_assignees(self):
        """Odoo's date_done is the UTC date of the moment: a call due on the 4th, done at
        21:10 of the 4th in New York (02:10 UTC on the 5th), was done on time on the
        4th; one done at 08:30 of the 5th in Tokyo (23:30 UTC on the 4th) was done
        a day late, on the 5th."""
        self.salesman.tz = "America/New_York"
        self.salesman_2.tz = "Asia/Tokyo"
        Activity = self.env["mail.activity"].sudo()
        calls = Activity.create(
            [
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": self.customer.id,
                    "activity_type_id": self.call_type.id,
                    "user_id": user.id,
                    "date_deadline": TODAY,
                    "summary": f"Call of {user.name}",
                }
                for user in (self.salesman, self.salesman_2)
            ]
        )
        for call, moment in zip(
            calls, (datetime(2026, 3, 5, 2, 10), datetime(2026, 3, 4, 23, 30)), strict=True
        ):
            with self._done_at(moment):
                call.with_user(call.user_id).action_done()
                self.env.flush_all()
        self.assertEqual(calls.mapped("date_done"), [date(2026, 3, 5), TODAY], "UTC dates")
        rows = self.env["crm.activity.report"].with_user(self.sales_manager).browse(calls.ids)
        self.assertRecordValues(
            rows,
            [
                {"date_done": TODAY, "nbr_on_time": 1, "nbr_late": 0, "delay_hours": 0.0},
                {
                    "date_done": date(2026, 3, 5),
                    "nbr_on_time": 0,
                    "nbr_late": 1,
                    "delay_hours": 24.0,
                },
            ],
        )

    def test_measures_per_salesperson(self):
        groups = (
            self.env["crm.activity.report"]
            .with_user(self.sales_manager)
            ._read_group(
                [("id", "in", self.done.ids)],
                ["user_id"],
                [
                    "nbr_done:sum",
                    "nbr_on_time:sum",
                    "nbr_late:sum",
                    "on_time_rate:avg",
                    "delay_hours:avg",
                ],
            )
        )
        by_user = {user: values for user, *values in groups}
        done, on_time, late, rate, hours = by_user[self.salesman]
        self.assertEqual((done, on_time, late), (3, 1, 2))
        self.assertAlmostEqual(rate, 100 / 3)
        self.assertAlmostEqual(hours, (0.25 + 48) / 2, msg="averaged over the late ones")
        self.assertEqual(by_user[self.salesman_2], [2, 2, 0, 100.0, False])

    def test_the_search_filters(self):
        view = self.env.ref("crm_extension.crm_activity_report_view_search")
        for name in ("today", "this_week", "this_month", "calls", "meetings", "late", "on_time"):
            self.assertIn(f'name="{name}"', view.arch)
        Report = self.env["crm.activity.report"].with_user(self.sales_manager)
        calls = Report.search(
            [("id", "in", self.done.ids), ("activity_category", "=", "phonecall")]
        )
        self.assertEqual(sorted(calls.ids), sorted((self.a1 | self.a2 | self.a4).ids))
        late = Report.search([("id", "in", self.done.ids), ("nbr_late", "=", 1)])
        self.assertEqual(sorted(late.ids), sorted((self.a2 | self.a3).ids))

    def test_every_done_activity_is_kept_but_a_deleted_deal_takes_its_own(self):
        # Odoo 19 archives every done activity, whatever its type; deleting the record
        # deletes its activities, done ones included
        Report = self.env["crm.activity.report"].sudo()
        self.order_2.sudo().action_cancel()
        self.order_2.sudo().unlink()
        self.assertFalse(Report.search([("id", "=", self.a4.id)]))
        self.assertEqual(len(Report.search([("id", "in", self.done.ids)])), 4)

    def test_open_document(self):
        Report = self.env["crm.activity.report"].with_user(self.sales_manager)
        action = Report.browse(self.a3.id).action_open_document()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", self.order.id))
        action = Report.browse(self.a1.id).action_open_document()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.customer.id))


@tagged("post_install", "-at_install")
class TestActivityReportRoles(ActivityReportCommon):
    def test_each_role_sees_its_scope(self):
        own = self.a1 | self.a2 | self.a3
        for user, expected in (
            (self.salesman, own),
            (self.salesman_2, self.a4 | self.a5),
            (self.sp, self.env["mail.activity"]),
            (self.leader, self.done),
            (self.mgr, self.done),
            (self.sales_manager, self.done),
        ):
            with self.subTest(user=user.login):
                self.assertEqual(sorted(self._report(user).ids), sorted(expected.ids))

    def test_a_salesperson_cannot_widen_his_scope(self):
        own = sorted((self.a1 | self.a2 | self.a3).ids)
        Report = self.env["crm.activity.report"].with_user(self.salesman)
        for domain in (
            [("user_id", "=", self.salesman_2.id)],
            [("user_id", "!=", self.salesman.id)],
            [("user_id", "in", [self.salesman.id, self.salesman_2.id])],
            [("partner_id", "=", self.shared.id)],
            [("order_id", "=", self.order_2.id)],
            [("id", "=", self.a4.id)],
        ):
            with self.subTest(domain=domain):
                found = Report.search([("id", "in", self.done.ids), *domain])
                self.assertEqual(sorted(found.ids), sorted(set(found.ids) & set(own)))
        for context in (
            {"active_test": False},
            {"allowed_company_ids": self.salesman.company_ids.ids},
            {"crm_see_all": True, "bypass_record_rules": True, "su": True},
        ):
            with self.subTest(context=context):
                rows = Report.with_context(**context).search([("id", "in", self.done.ids)])
                self.assertEqual(sorted(rows.ids), own)
        groups = Report._read_group([], ["user_id"], ["nbr_done:sum"])
        self.assertEqual(groups, [(self.salesman, 3)])
        web = Report.web_read_group([], ["user_id"], ["nbr_done:sum"])
        self.assertEqual([g["user_id"][0] for g in web["groups"]], [self.salesman.id])
        # browsing another's row reads nothing of it
        with self.assertRaises(AccessError):
            Report.browse(self.a4.id).read(["user_id", "nbr_done"])

    def test_activities_of_another_company_only_where_it_is_active(self):
        company_2 = self.setup_other_company(name="Activity Company 2")["company"]
        order = (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": self.shared.id,
                    "user_id": self.salesman.id,
                    "company_id": company_2.id,
                }
            )
        )
        activity = (
            self.env["mail.activity"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                    "res_id": order.id,
                    "activity_type_id": self.call_type.id,
                    "user_id": self.salesman.id,
                    "date_deadline": TODAY,
                }
            )
        )
        activity.action_done()
        self.env.flush_all()
        self.sales_manager.sudo().company_ids += company_2
        Report = self.env["crm.activity.report"].with_user(self.sales_manager)
        # the web client's company switcher: the current company only
        one = Report.with_context(allowed_company_ids=self.env.company.ids)
        self.assertFalse(one.search([("id", "=", activity.id)]))
        both = Report.with_context(allowed_company_ids=[self.env.company.id, company_2.id])
        self.assertEqual(both.search([("id", "=", activity.id)]).company_id, company_2)

    def test_no_analysis_without_a_sales_role(self):
        for user in (self.billing_only, self.plain):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["crm.activity.report"].with_user(user).search([])
                with self.assertRaises(AccessError):
                    self.env["crm.activity.report"].with_user(user)._read_group(
                        [], ["user_id"], ["nbr_done:sum"]
                    )

    def test_menu_beside_the_other_analyses(self):
        menu = self.env.ref("crm_extension.crm_activity_report_menu")
        self.assertEqual(menu.parent_id, self.env.ref("sale.menu_sale_report"))
        for user, visible in (
            (self.sp, True),
            (self.mgr, True),
            (self.sales_manager, True),
            (self.plain, False),
            (self.billing_only, False),
        ):
            with self.subTest(user=user.login):
                menu_ids = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
                reached = all(m.id in menu_ids for m in (menu, menu.parent_id))
                self.assertEqual(reached, visible)


@tagged("post_install", "-at_install")
class TestActivityReportQueries(ActivityReportCommon):
    """The pivot's read_group costs the same for 10 and 100 done activities."""

    def _add_done_calls(self, count):
        Activity = self.env["mail.activity"].sudo()
        vals = [
            {
                "res_model_id": self.env["ir.model"]._get_id("sale.order"),
                "res_id": (self.order if i % 2 else self.order_2).id,
                "activity_type_id": self.call_type.id,
                "user_id": (self.salesman if i % 2 else self.salesman_2).id,
                "date_deadline": TODAY,
            }
            for i in range(count)
        ]
        activities = Activity.create(vals)
        activities.write({"active": False})
        self.env.flush_all()
        return activities

    def _pivot(self, user):
        Report = self.env["crm.activity.report"].with_user(user)
        Report.env.invalidate_all()
        return Report.web_read_group(
            [("date_done", ">=", "2026-03-01")],
            ["user_id", "activity_type_id"],
            ["nbr_done:sum", "on_time_rate:avg"],
        )

    def _count_queries(self, user):
        self._pivot(user)  # warm the caches (rules, groups, translations)
        before = self.cr.sql_log_count
        self._pivot(user)
        return self.cr.sql_log_count - before

    def test_constant_query_count(self):
        with freeze_time(NOW):
            for user in (self.salesman, self.sales_manager):
                with self.subTest(user=user.login):
                    self._add_done_calls(10)
                    small = self._count_queries(user)
                    self._add_done_calls(90)
                    large = self._count_queries(user)
                    # the grouped query, the names of the salespeople and of the types
                    self.assertEqual((small, large), (3, 3))

"""The "My day" dashboard in the browser (static/tests/tours/my_day_tour.js)."""

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import CrmCommon


@tagged("post_install", "-at_install")
class TestDashboardTour(CrmCommon, HttpCase):
    """The tours of static/tests/tours/my_day_tour.js expect these figures: 3 of the
    rep's (``sp``) quotations waiting for the customer, 2 of the other rep's (``sp2``),
    5 for the team led by the CRM manager (``mgr``)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the seed of the tours, as superuser (the test user is an accountant)
        env = cls.env(su=True)
        # the manager's tour picks the scope by the salesperson's name
        cls.sp.with_env(env).name = "My Day Rep"
        cls.sp2.with_env(env).name = "My Day Rep Two"
        env["crm.team"].create(
            {
                "name": "My Day Team",
                "user_id": cls.mgr.id,
                "member_ids": [Command.set((cls.sp | cls.sp2).ids)],
            }
        )
        Order = env["sale.order"]
        for user, name, sent in (
            (cls.sp, "My Day Client A", True),
            (cls.sp, "My Day Client B", True),
            (cls.sp, "My Day Client C", True),
            (cls.sp, "My Day Client Draft", False),
            (cls.sp2, "My Day Client of Two", True),
            (cls.sp2, "My Day Client of Two Bis", True),
        ):
            partner = env["res.partner"].create({"name": name, "user_id": user.id})
            order = Order.create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [Command.create({"product_id": cls.product_a.id})],
                }
            )
            if sent:
                order.action_quotation_sent()

    def test_salesperson_opens_the_dashboard_and_clicks_a_tile(self):
        self.start_tour(
            "/odoo",
            "crm_extension_my_day",
            login=self.sp.login,
        )

    def test_manager_switches_the_scope(self):
        self.start_tour(
            "/odoo",
            "crm_extension_my_day_manager",
            login=self.mgr.login,
        )

"""The "My day" dashboard in the browser (static/tests/tours/my_day_tour.js)."""

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    """The tours of static/tests/tours/my_day_tour.js expect these figures: 3 of the
    rep's quotations waiting for the customer, 2 of the other rep's, 5 for the team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        groups = "sales_team.group_sale_salesman,crm_extension.group_crm_salesperson"
        cls.rep = new_test_user(cls.env, login="my_day_rep", name="My Day Rep", groups=groups)
        cls.rep_2 = new_test_user(
            cls.env, login="my_day_rep_2", name="My Day Rep Two", groups=groups
        )
        cls.manager = new_test_user(
            cls.env,
            login="my_day_manager",
            name="My Day Manager",
            groups="sales_team.group_sale_manager,crm_extension.group_crm_manager",
        )
        cls.env["crm.team"].create(
            {
                "name": "My Day Team",
                "user_id": cls.manager.id,
                "member_ids": [Command.set((cls.rep | cls.rep_2).ids)],
            }
        )
        product = cls.env["product.product"].create({"name": "My Day Product", "list_price": 10})
        Order = cls.env["sale.order"]
        for user, name, sent in (
            (cls.rep, "My Day Client A", True),
            (cls.rep, "My Day Client B", True),
            (cls.rep, "My Day Client C", True),
            (cls.rep, "My Day Client Draft", False),
            (cls.rep_2, "My Day Client of Two", True),
            (cls.rep_2, "My Day Client of Two Bis", True),
        ):
            partner = cls.env["res.partner"].create({"name": name, "user_id": user.id})
            order = Order.create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [Command.create({"product_id": product.id})],
                }
            )
            if sent:
                order.action_quotation_sent()

    def test_salesperson_opens_the_dashboard_and_clicks_a_tile(self):
        self.start_tour(
            "/odoo/action-crm_extension.crm_dashboard_action",
            "crm_extension_my_day",
            login="my_day_rep",
        )

    def test_manager_switches_the_scope(self):
        self.start_tour(
            "/odoo/action-crm_extension.crm_dashboard_action",
            "crm_extension_my_day_manager",
            login="my_day_manager",
        )

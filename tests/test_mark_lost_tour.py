from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMarkLostTour(HttpCase):
    def test_drag_to_lost_asks_the_reason_and_moves_the_card(self):
        Stage = self.env["crm.pipeline.stage"]
        Stage.search([("scope", "=", "order")]).active = False
        Stage.create(
            [
                {"name": "Lost Tour New", "scope": "order", "sequence": 1},
                {"name": "Lost Tour Lost", "scope": "order", "sequence": 2, "is_lost": True},
            ]
        )
        reason = self.env["crm.pipeline.lost.reason"].create({"name": "Lost Tour Reason"})
        salesman = new_test_user(
            self.env, login="lost_tour_sp", groups="crm_extension.group_crm_salesperson"
        )
        customer = self.env["res.partner"].create({"name": "Lost Tour Kitchens"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "user_id": salesman.id})
        self.start_tour(
            "/odoo/action-crm_extension.sale_order_action_pipeline",
            "crm_extension_mark_lost_by_drag",
            login="lost_tour_sp",
        )
        self.assertEqual(order.pipeline_stage_id.name, "Lost Tour Lost")
        self.assertEqual(order.pipeline_lost_reason_id, reason)

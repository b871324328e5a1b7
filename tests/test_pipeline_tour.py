from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestPipelineTour(HttpCase):
    def test_drag_order_to_next_stage_schedules_its_activity(self):
        Stage = self.env["crm.pipeline.stage"]
        Stage.search([("scope", "=", "order")]).active = False
        call = self.env.ref("mail.mail_activity_data_call")
        visit = self.env.ref("crm_extension.mail_activity_type_visit")
        Stage.create(
            [
                {
                    "name": "Tour First Call",
                    "scope": "order",
                    "sequence": 1,
                    "activity_type_id": call.id,
                    "activity_delay": 15,
                    "activity_delay_unit": "minutes",
                },
                {
                    "name": "Tour Measurements",
                    "scope": "order",
                    "sequence": 2,
                    "activity_type_id": visit.id,
                    "activity_summary": "Tour site visit",
                    "activity_delay": 1,
                },
            ]
        )
        salesman = new_test_user(
            self.env,
            login="tour_salesman",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        customer = self.env["res.partner"].create({"name": "Tour Kitchens"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "user_id": salesman.id})
        self.assertEqual(order.pipeline_stage_id.name, "Tour First Call")
        self.start_tour(
            "/odoo/action-crm_extension.sale_order_action_pipeline",
            "crm_extension_order_pipeline",
            login="tour_salesman",
        )
        self.assertEqual(order.pipeline_stage_id.name, "Tour Measurements")
        self.assertIn(
            "Tour site visit",
            order.activity_ids.mapped("summary"),
        )

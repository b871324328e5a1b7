from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import CrmCommon


@tagged("post_install", "-at_install")
class TestPipelineTour(CrmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._let_test_user_configure()

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
                    "activity_line_ids": [
                        Command.create(
                            {"activity_type_id": call.id, "delay": 15, "delay_unit": "minutes"}
                        )
                    ],
                },
                {
                    "name": "Tour Measurements",
                    "scope": "order",
                    "sequence": 2,
                    "activity_line_ids": [
                        Command.create(
                            {"activity_type_id": visit.id, "summary": "Tour site visit", "delay": 1}
                        )
                    ],
                },
            ]
        )
        salesman = self.salesman
        customer = self.env["res.partner"].create({"name": "Tour Kitchens"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "user_id": salesman.id})
        self.assertEqual(order.pipeline_stage_id.name, "Tour First Call")
        self.start_tour(
            "/odoo",
            "crm_extension_order_pipeline",
            login=salesman.login,
        )
        self.assertEqual(order.pipeline_stage_id.name, "Tour Measurements")
        # the call of the first stage left undone is cancelled: only the visit is left
        self.assertEqual(order.activity_ids.mapped("summary"), ["Tour site visit"])

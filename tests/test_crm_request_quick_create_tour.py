from odoo.tests import HttpCase, tagged

from .common import RequestCommon


@tagged("post_install", "-at_install")
class TestCrmRequestQuickCreateTour(RequestCommon, HttpCase):
    def test_salesperson_logs_a_call_from_the_order_pipeline(self):
        self.start_tour("/odoo", "crm_extension_request_quick_create", login=self.sp.login)
        request = self.env["crm.request"].search([("contact_name", "=", "Walk-in Wendy")])
        self.assertEqual(len(request), 1)
        self.assertEqual(
            (request.channel, request.team_id, request.user_id), ("phone", self.desk, self.sp)
        )
        order = request.order_id
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)
        self.assertEqual(order.partner_id.phone, "+32 470 11 22 33")
        self.assertEqual(self._stage_activities(order).user_id, self.sp)

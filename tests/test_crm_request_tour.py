"""Browser tour (issue 13): a visitor leaves a request on the public page, its
salesperson finds the deal in "First call" from the menu."""

from odoo.tests import HttpCase, tagged

from .common import RequestCommon


@tagged("post_install", "-at_install")
class TestCrmRequestTour(RequestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk.company_id = cls.env.company
        cls.desk.crm_request_page = True

    def test_visitor_leaves_a_request_salesperson_sees_the_deal_in_first_call(self):
        self.start_tour(self.desk._get_crm_request_path(), "crm_extension_request_web_form")
        request = self.env["crm.request"].search([("team_id", "=", self.desk.id)])
        self.assertEqual(len(request), 1)
        self.assertEqual(request.user_id, self.sp)
        self.assertEqual(request.order_id.pipeline_stage_id, self.stage_first_call)
        self.start_tour("/odoo", "crm_extension_request_first_call", login=self.sp.login)

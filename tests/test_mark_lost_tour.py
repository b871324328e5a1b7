from odoo.tests import HttpCase, tagged

from .common import CrmCommon, call_kw_error


@tagged("post_install", "-at_install")
class TestMarkLostTour(CrmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._let_test_user_configure()

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
        customer = self.env["res.partner"].create({"name": "Lost Tour Kitchens"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "user_id": self.sp.id})
        self.start_tour(
            "/odoo",
            "crm_extension_mark_lost_by_drag",
            login=self.sp.login,
        )
        self.assertEqual(order.pipeline_stage_id.name, "Lost Tour Lost")
        self.assertEqual(order.pipeline_lost_reason_id, reason)


@tagged("post_install", "-at_install")
class TestLostReasonAnswer(CrmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._let_test_user_configure()

    def test_a_move_to_lost_without_reason_is_answered_without_error_in_the_log(self):
        Stage = self.env["crm.pipeline.stage"]
        lost = Stage.create({"name": "Log Lost", "scope": "order", "is_lost": True})
        customer = self.env["res.partner"].create({"name": "Lost Log Customer"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "user_id": self.sp.id})
        stage = order.pipeline_stage_id
        self.authenticate(self.sp.login, self.sp.login)
        error = call_kw_error(
            self, "sale.order", "write", [order.ids, {"pipeline_stage_id": lost.id}]
        )
        self.assertEqual(error["name"], "odoo.exceptions.RedirectWarning")
        self.assertIn("Tell why", error["message"])
        order.invalidate_recordset()
        self.assertEqual(order.pipeline_stage_id, stage)

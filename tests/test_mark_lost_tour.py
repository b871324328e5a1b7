import json
import logging

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


@tagged("post_install", "-at_install")
class TestLostReasonAnswer(HttpCase):
    def test_a_move_to_lost_without_reason_is_answered_without_error_in_the_log(self):
        Stage = self.env["crm.pipeline.stage"]
        lost = Stage.create({"name": "Log Lost", "scope": "order", "is_lost": True})
        new_test_user(self.env, login="lost_log_sp", groups="crm_extension.group_crm_salesperson")
        user = self.env["res.users"].search([("login", "=", "lost_log_sp")])
        customer = self.env["res.partner"].create({"name": "Lost Log Customer"})
        order = self.env["sale.order"].create({"partner_id": customer.id, "user_id": user.id})
        stage = order.pipeline_stage_id
        self.authenticate("lost_log_sp", "lost_log_sp")
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "model": "sale.order",
                "method": "write",
                "args": [order.ids, {"pipeline_stage_id": lost.id}],
                "kwargs": {},
            },
        }
        # odoo.http logs an unexpected exception with its traceback at ERROR
        with self.assertNoLogs("odoo.http", level=logging.WARNING):
            response = self.url_open(
                "/web/dataset/call_kw/sale.order/write",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
        error = response.json()["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.RedirectWarning")
        self.assertIn("Tell why", error["message"])
        order.invalidate_recordset()
        self.assertEqual(order.pipeline_stage_id, stage)

"""Configuring stages: what the administrator sees and may delete."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import PipelineCommon


@tagged("post_install", "-at_install")
class TestStageDeletion(PipelineCommon):
    def test_stage_with_automation_or_meaning_is_archived_not_deleted(self):
        Stage = self.env["crm.pipeline.stage"].with_user(self.crm_admin)
        call = self.env.ref("mail.mail_activity_data_call")
        meaningful = {
            "trigger": {"trigger": "paid"},
            "won": {"is_won": True},
            "lost": {"is_lost": True},
            "activity": {"activity_line_ids": [Command.create({"activity_type_id": call.id})]},
            "accounting": {"crm_send_to_accounting": True},
        }
        for label, vals in meaningful.items():
            stage = Stage.create({"name": f"Unused {label}", "sequence": 50, **vals})
            with self.assertRaisesRegex(UserError, "archive it instead"):
                stage.unlink()
            self.assertTrue(stage.exists(), label)
            # cleared of its meaning by someone who knows what it did, it can go
            stage.write(
                {
                    "trigger": False,
                    "is_won": False,
                    "is_lost": False,
                    "activity_line_ids": [Command.clear()],
                    "crm_send_to_accounting": False,
                }
            )
            stage.unlink()
            self.assertFalse(stage.exists(), label)

    def test_plain_unused_stage_is_deleted(self):
        stage = self.env["crm.pipeline.stage"].with_user(self.crm_admin).create({"name": "Spare"})
        stage.unlink()
        self.assertFalse(stage.exists())


@tagged("post_install", "-at_install")
class TestStageList(PipelineCommon):
    def test_stage_list_opens_ungrouped_and_does_not_sum_probabilities(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_extension.crm_pipeline_stage_action"
        )
        self.assertNotIn("group_by", action.get("context") or "")
        # a grouped list shows no total of the probabilities (a sum of percentages)
        fields = self.env["crm.pipeline.stage"].fields_get(["probability"], ["aggregator"])
        self.assertNotIn("aggregator", fields["probability"])


@tagged("post_install", "-at_install")
class TestStageTransitionsList(PipelineCommon):
    def test_each_transition_names_its_document_and_opens_it(self):
        order = self._quotation()
        order.with_user(self.salesman).pipeline_stage_id = self.stage_measure
        logs = self._logs(order).with_user(self.salesman)
        self.assertEqual(logs.mapped("document_name"), [order.display_name] * 2)
        action = logs[0].action_open_document()
        self.assertEqual((action["res_model"], action["res_id"]), ("sale.order", order.id))
        customer_logs = self._logs(self.customer)
        self.assertEqual(set(customer_logs.mapped("document_name")), {self.customer.display_name})

    def test_entering_the_first_stage_counts_no_time_in_a_previous_one(self):
        order = self._quotation()
        first = self._logs(order)
        self.assertFalse(first.stage_from_id)
        self.assertEqual(first.duration_hours, 0.0)

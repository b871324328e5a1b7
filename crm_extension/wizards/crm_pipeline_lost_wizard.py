from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmPipelineLostWizard(models.TransientModel):
    _name = "crm.pipeline.lost.wizard"
    _description = "Mark as Lost"

    res_model = fields.Char(required=True, readonly=True)
    res_ids = fields.Json(required=True, readonly=True)
    stage_id = fields.Many2one(
        "crm.pipeline.stage",
        string="Lost Stage",
        required=True,
        domain="[('is_lost', '=', True)]",
    )
    lost_reason_id = fields.Many2one("crm.pipeline.lost.reason", required=True)
    note = fields.Text(string="Details")

    @api.model
    def _action_open(self, records, stage):
        return {
            "name": self.env._("Lost Reason"),
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_res_model": records._name,
                "default_res_ids": records.ids,
                "default_stage_id": stage.id,
            },
        }

    def action_confirm(self):
        self.ensure_one()
        if self.res_model not in ("res.partner", "sale.order"):
            raise UserError(self.env._("Lost reasons apply to customers and orders only."))
        if not self.stage_id.is_lost:
            raise UserError(
                self.env._(
                    "%(stage)s is not a lost stage: choose the stage lost deals go to.",
                    stage=self.stage_id.name,
                )
            )
        records = self.env[self.res_model].browse(self.res_ids).exists()
        # as the user, like a move by hand: the stage's rules and entry actions apply
        records.write(
            {
                "pipeline_stage_id": self.stage_id.id,
                "pipeline_lost_reason_id": self.lost_reason_id.id,
            }
        )
        if self.note:
            for record in records:
                record.message_post(
                    body=self.env._(
                        "Lost (%(reason)s): %(note)s",
                        reason=self.lost_reason_id.name,
                        note=self.note,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return {"type": "ir.actions.act_window_close"}

from odoo import api, fields, models
from odoo.exceptions import UserError


class CrmPipelineAppointmentWizard(models.TransientModel):
    _name = "crm.pipeline.appointment.wizard"
    _description = "Appointment"

    res_model = fields.Char(required=True, readonly=True)
    res_ids = fields.Json(required=True, readonly=True)
    stage_id = fields.Many2one(
        "crm.pipeline.stage",
        required=True,
        domain="[('appointment_required', '=', True)]",
    )
    appointment = fields.Datetime(
        required=True, help="Date and time of the appointment, in your timezone."
    )
    note = fields.Text(string="Details")

    @api.model
    def _action_open(self, records, stage):
        """The wizard giving the appointment of ``records`` in ``stage``: the move into
        it, or the appointment of records already there."""
        appointments = set(records.mapped("pipeline_appointment"))
        context = {
            "default_res_model": records._name,
            "default_res_ids": records.ids,
            "default_stage_id": stage.id,
        }
        if len(appointments) == 1 and all(appointments):
            context["default_appointment"] = fields.Datetime.to_string(appointments.pop())
        return {
            "name": self.env._("Appointment"),
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }

    def action_confirm(self):
        self.ensure_one()
        if self.res_model not in self.env["crm.pipeline.mixin"]._get_pipeline_models():
            raise UserError(self.env._("Appointments apply to customers and orders only."))
        if not self.stage_id.appointment_required:
            raise UserError(
                self.env._("%(stage)s does not ask for an appointment.", stage=self.stage_id.name)
            )
        records = self.env[self.res_model].browse(self.res_ids).exists()
        moving = records.filtered(lambda record: record.pipeline_stage_id != self.stage_id)
        # as the user, like a move by hand: the stage's rules and entry actions apply
        if moving:
            moving.write(
                {"pipeline_stage_id": self.stage_id.id, "pipeline_appointment": self.appointment}
            )
        if records - moving:
            (records - moving)._crm_set_appointment(self.appointment)
        if self.note:
            for record in records:
                record.message_post(
                    body=self.env._(
                        "Appointment (%(stage)s): %(note)s",
                        stage=self.stage_id.name,
                        note=self.note,
                    ),
                    subtype_xmlid="mail.mt_note",
                )
        return {"type": "ir.actions.act_window_close"}

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CrmPipelineStage(models.Model):
    """A stage that asks for the appointment (date and time) when a deal enters it: its
    activity is due then, and it may put the appointment in the assignee's calendar."""

    _inherit = "crm.pipeline.stage"

    appointment_required = fields.Boolean(
        string="Ask for an Appointment",
        help="Moving a record into this stage by hand asks for the date and time of the "
        "appointment; the activity on entry is due then. A record moved by the system "
        "gets its appointment later (Set Appointment).",
    )
    appointment_calendar = fields.Boolean(
        string="Create a Calendar Event",
        help="The appointment is put in the calendar of the activity's assignee (and of the "
        "record's owner), at the customer's address, linked to the record and its activity.",
    )
    appointment_duration = fields.Float(
        default=1.0,
        help="Length of the calendar event, in hours.",
    )

    @api.constrains(
        "appointment_required", "appointment_calendar", "appointment_duration", "is_lost"
    )
    def _check_appointment(self):
        for stage in self.filtered(lambda stage: stage.appointment_required and stage.is_lost):
            raise ValidationError(
                self.env._(
                    "Stage %(stage)s is a lost stage: it asks for a lost reason, not an "
                    "appointment.",
                    stage=stage.name,
                )
            )
        for stage in self.filtered("appointment_calendar"):
            if not stage.appointment_required:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s creates a calendar event for the appointment: it "
                        "must ask for the appointment too.",
                        stage=stage.name,
                    )
                )
            if stage.appointment_duration <= 0:
                raise ValidationError(
                    self.env._(
                        "The appointment of stage %(stage)s must last longer than zero hours.",
                        stage=stage.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_appointment(self):
        """Like the stage's other automation: archived, or stripped of it first."""
        asking = self.filtered("appointment_required")
        if asking:
            raise UserError(
                self.env._(
                    "Stage %(stages)s asks for an appointment: archive it instead, or first "
                    "clear Ask for an Appointment on the stage.",
                    stages=", ".join(asking.mapped("name")),
                )
            )

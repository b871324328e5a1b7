from odoo import models


class CalendarEvent(models.Model):
    """The event of a stage's appointment, moved in the calendar, moves the appointment:
    the record's ``pipeline_appointment`` and its stage activity's exact due time follow
    the event's new start (calendar already moves the activity's due day)."""

    _inherit = "calendar.event"

    def write(self, vals):
        res = super().write(vals)
        # calendar's own guard: set when the appointment itself moves the event
        if "start" in vals and not self.env.context.get("mail_activity_meeting_update"):
            self._crm_move_appointments()
        return res

    def _crm_move_appointments(self):
        # sudo: whoever may move the event (checked by the write) moves the appointment
        # it stands for; the workflow's fields of the record still in the stage that
        # asked for it, never another record's
        for event in self.sudo().filtered(lambda event: not event.allday):
            for activity in event.activity_ids.filtered("crm_stage_id"):
                record = self.env[activity.res_model].sudo().browse(activity.res_id)
                if (
                    "pipeline_appointment" in record._fields
                    and record.pipeline_stage_id == activity.crm_stage_id
                    and record.pipeline_stage_id.appointment_required
                    and record.pipeline_appointment != event.start
                ):
                    # re-dates the stage's activities and events (see
                    # crm_pipeline_mixin_appointment._crm_redate_appointment)
                    record.pipeline_appointment = event.start

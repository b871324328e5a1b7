from datetime import timedelta

import pytz

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime


class CrmPipelineMixin(models.AbstractModel):
    """The appointment a stage asks for when a record enters it.

    A user moving a record into such a stage gives its date and time in the same write
    (the appointment wizard does); without one the move is answered with the wizard, a
    past one is refused. A move by the system does not ask: the record waits for its
    appointment (Set Appointment). The activity of the stage is due at the appointment,
    and the stage may put it in the assignee's calendar (``calendar.event`` linked to the
    record and to the activity). The appointment changes only with a move or through
    ``_crm_set_appointment`` (the wizard), which re-dates the activity and its event.
    """

    _inherit = "crm.pipeline.mixin"  # pylint: disable=consider-merging-classes-inherited

    pipeline_appointment = fields.Datetime(
        string="Appointment",
        tracking=True,
        copy=False,
        help="Date and time of the appointment asked by the stage the record is in.",
    )
    pipeline_appointment_required = fields.Boolean(
        related="pipeline_stage_id.appointment_required", string="Stage Asks for an Appointment"
    )

    # ---------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and "pipeline_appointment" in self._crm_create_fnames(vals_list):
            default = self.env.context.get("default_pipeline_appointment")
            for vals in vals_list:
                when = vals.get("pipeline_appointment", default)
                if when:
                    self._crm_check_appointment_date(when)
        records = super().create(vals_list)
        if not self.env.su and records.filtered(
            lambda record: record.pipeline_appointment
            and not record.pipeline_stage_id.appointment_required
        ):
            raise UserError(self._crm_appointment_write_error())
        return records

    def write(self, vals):
        if "pipeline_stage_id" in vals:
            stage = self.env["crm.pipeline.stage"].browse(vals["pipeline_stage_id"])
            moving = self._crm_pipeline_records().filtered(
                lambda record: record.pipeline_stage_id != stage
            )
            staying = self - moving
            if moving and staying:
                # the records already in the stage do not move: their appointment is
                # kept, or changed as without a move (refused first, before any write)
                return staying.write(vals) and moving.write(vals)
            if moving:
                if not self.env.su:
                    moving._crm_check_appointment_move(stage, vals)
                if "pipeline_appointment" not in vals:
                    # an appointment belongs to the stage that asked for it
                    vals = dict(vals, pipeline_appointment=False)
                return super().write(vals)
        if "pipeline_appointment" not in vals:
            return super().write(vals)
        if not self.env.su:
            raise UserError(self._crm_appointment_write_error())
        res = super().write(vals)
        self._crm_redate_appointment()
        return res

    # ---------------------------------------------------------------- actions
    def action_set_appointment(self):
        """The appointment wizard for records already in a stage that asks for one."""
        stage = self.pipeline_stage_id
        if len(stage) != 1 or not stage.appointment_required:
            raise UserError(
                self.env._("Only records in one stage that asks for an appointment can get one.")
            )
        return self.env["crm.pipeline.appointment.wizard"]._action_open(self, stage)

    # ---------------------------------------------------------------- checks
    def _crm_appointment_write_error(self):
        return self.env._(
            "The appointment is given when a deal enters a stage that asks for one, or "
            "later with Set Appointment: it cannot be set directly."
        )

    @api.model
    def _crm_check_appointment_date(self, when):
        """Refuse an appointment ``when`` (UTC) that is not in the future."""
        when = fields.Datetime.to_datetime(when)
        if when <= fields.Datetime.now():
            raise UserError(
                self.env._(
                    "The appointment %(when)s is in the past: choose a date and time to come.",
                    when=format_datetime(self.env, when),
                )
            )

    def _crm_check_appointment_move(self, stage, vals):
        """A user moves ``self`` into ``stage``: with a future appointment when the stage
        asks for one (else the appointment wizard answers), never with one otherwise."""
        when = vals.get("pipeline_appointment")
        if when and (not stage.appointment_required or not self):
            raise UserError(self._crm_appointment_write_error())
        if not self or not stage.appointment_required:
            return
        if when:
            self._crm_check_appointment_date(when)
            return
        # the stage's own conditions first: no dialog for a move refused anyway
        self._crm_check_manual_move(stage, vals.get("pipeline_lost_reason_id"))
        raise self._crm_move_dialog(
            self.env._(
                "Give the date and time of the appointment of %(records)s before moving it "
                "to %(stage)s.",
                records=", ".join(self.mapped("display_name")),
                stage=stage.name,
            ),
            self.env["crm.pipeline.appointment.wizard"]._action_open(self, stage),
            self.env._("Set Appointment"),
        )

    # ---------------------------------------------------------------- business
    def _crm_set_appointment(self, when):
        """Set the appointment of ``self``, records the current user may edit that are in
        a stage asking for one, and re-date their stage activities and events."""
        self.check_access("write")
        outside = self.filtered(lambda record: not record.pipeline_stage_id.appointment_required)
        if outside:
            raise UserError(
                self.env._(
                    "%(records)s is not in a stage that asks for an appointment.",
                    records=", ".join(outside.mapped("display_name")),
                )
            )
        self._crm_check_appointment_date(when)
        # sudo: the appointment is the workflow's field; the user may edit the records
        self.sudo().write({"pipeline_appointment": fields.Datetime.to_datetime(when)})

    def _crm_stage_activity_due(self, line):
        if line.stage_id.appointment_required and self.pipeline_appointment:
            return self.pipeline_appointment
        return super()._crm_stage_activity_due(line)

    def _get_stage_entry_actions(self, stage):
        actions = super()._get_stage_entry_actions(stage)
        if stage.appointment_calendar:
            # after the activity: the event is the one of the activity
            actions.append(self._crm_create_stage_appointment_events)
        return actions

    def _crm_appointment_activities(self):
        """The open activities that the current stage of each record of ``self``
        scheduled (sudo: the workflow's own, whoever they are assigned to)."""
        return self._crm_stage_activities({record.id: record.pipeline_stage_id for record in self})

    def _crm_create_stage_appointment_events(self, stage):
        activities = self._crm_appointment_activities().filtered(
            lambda activity: not activity.calendar_event_id
        )
        self._crm_create_appointment_events(activities)

    def _crm_appointment_partner(self):
        """Whose address the appointment is at: the delivery address of an order, the
        customer itself."""
        self.ensure_one()
        if "partner_shipping_id" in self._fields:
            return self.partner_shipping_id or self.partner_id
        return self.commercial_partner_id

    def _prepare_appointment_event_vals(self, activity):
        """Values of the calendar event of the appointment of ``self`` (one record) for
        its stage ``activity``: the assignee organizes it, with the record's owner."""
        self.ensure_one()
        stage = activity.crm_stage_id
        owner = self._crm_stage_owner()
        address = self._crm_appointment_partner().contact_address or ""
        return {
            "name": self.env._("%(stage)s: %(record)s", stage=stage.name, record=self.display_name),
            "start": self.pipeline_appointment,
            "stop": self.pipeline_appointment + timedelta(hours=stage.appointment_duration),
            "user_id": activity.user_id.id,
            "partner_ids": [Command.set((activity.user_id.partner_id | owner.partner_id).ids)],
            "location": ", ".join(line.strip() for line in address.splitlines() if line.strip()),
            "res_model_id": self.env["ir.model"]._get_id(self._name),
            "res_id": self.id,
            # not a new activity: calendar neither adds a meeting activity of its own nor
            # rewrites the stage's activity (its summary, due day) from the event
            "activity_ids": [Command.clear()],
        }

    def _crm_create_appointment_events(self, activities):
        """A calendar event for each of the stage ``activities`` of ``self`` whose record
        has an appointment, linked to its activity."""
        records = {record.id: record for record in self.filtered("pipeline_appointment")}
        activities = activities.filtered(lambda activity: activity.res_id in records)
        if not activities:
            return
        vals_list = [
            records[activity.res_id]._prepare_appointment_event_vals(activity)
            for activity in activities
        ]
        # sudo: the workflow puts the appointment in the assignee's calendar, whoever
        # moved the record
        events = self.env["calendar.event"].sudo().create(vals_list)
        for activity, event in zip(activities, events, strict=True):
            activity.sudo().calendar_event_id = event

    def _crm_redate_appointment(self):
        """The stage activities of ``self`` are due at its new appointment, their events
        start then; the stage's missing events are created."""
        activities = self._crm_appointment_activities()
        for record in self.filtered("pipeline_appointment"):
            when = record.pipeline_appointment
            stage = record.pipeline_stage_id
            own = activities.filtered(lambda activity, record=record: activity.res_id == record.id)
            for activity in own:
                tz = pytz.timezone(activity.user_id.tz or self.env.user.tz or "UTC")
                # calendar's own guard: the event is moved below, to the minute
                activity.with_context(calendar_event_meeting_update=True).date_deadline = (
                    pytz.utc.localize(when).astimezone(tz).date()
                )
                # after the due day, which shifts the exact time by whole days
                activity.write({"crm_deadline": when, "crm_overdue_notified": False})
            # calendar's own guard: the activity was re-dated above
            own.calendar_event_id.with_context(mail_activity_meeting_update=True).write(
                {"start": when, "stop": when + timedelta(hours=stage.appointment_duration)}
            )
            if stage.appointment_calendar:
                record._crm_create_appointment_events(
                    own.filtered(lambda activity: not activity.calendar_event_id)
                )

    def _crm_stage_left(self, old_stages):
        """An appointment still to come is called off with the activity the record left
        undone (cancelled); a past one, or one whose activity stays open, is kept."""
        events = self._crm_stage_activities(
            old_stages, [("calendar_event_id", "!=", False)]
        ).calendar_event_id
        res = super()._crm_stage_left(old_stages)
        now = fields.Datetime.now()
        # sudo: the events the workflow created for the activities it just cancelled
        events.exists().filtered(
            lambda event: not event.activity_ids and event.start > now
        ).unlink()
        return res

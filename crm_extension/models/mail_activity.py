from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

# set by the stage that scheduled the activity and by the overdue cron, never by hand
CRM_WORKFLOW_FIELDS = ("crm_deadline", "crm_stage_id", "crm_overdue_notified")


class MailActivity(models.Model):
    _inherit = "mail.activity"

    crm_deadline = fields.Datetime(
        string="Due At",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="Exact moment the stage-entry activity is due; the Due Date is only its day.",
    )
    crm_stage_id = fields.Many2one(
        "crm.pipeline.stage",
        string="Pipeline Stage",
        readonly=True,
        copy=False,
        ondelete="set null",
    )
    crm_overdue_notified = fields.Boolean(string="Overdue Notified", readonly=True, copy=False)

    def _crm_check_workflow_fields(self, fnames):
        """Refuse a client's write of the stage fields (the system, in sudo, may)."""
        if self.env.su:
            return
        touched = [fname for fname in CRM_WORKFLOW_FIELDS if fname in fnames]
        if touched:
            raise UserError(
                self.env._(
                    "%(fields)s of an activity are set by the pipeline stage that "
                    "scheduled it: they cannot be set directly (reschedule its due date "
                    "instead).",
                    fields=", ".join(
                        self._fields[fname]._description_string(self.env) for fname in touched
                    ),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        # defaults from the context are values the client sets too
        defaults = {key[8:] for key in self.env.context if key.startswith("default_")}
        self._crm_check_workflow_fields(defaults.union(*vals_list))
        return super().create(vals_list)

    def write(self, vals):
        self._crm_check_workflow_fields(vals)
        if "date_deadline" not in vals or not any(self.mapped("crm_deadline")):
            return super().write(vals)
        # a rescheduled stage activity keeps its time of day on the new day
        old_dates = {activity.id: activity.date_deadline for activity in self}
        res = super().write(vals)
        for activity in self.filtered("crm_deadline"):
            shift = activity.date_deadline - old_dates[activity.id]
            if shift:
                # sudo: the user rescheduled the activity (allowed above); its exact
                # time follows, as the workflow's field
                activity.sudo().write(
                    {
                        "crm_deadline": activity.crm_deadline + shift,
                        "crm_overdue_notified": False,
                    }
                )
        return res

    @api.model
    def _cron_notify_overdue_stage_activities(self):
        """Tell owners (and team leaders when the stage says so) once that a stage
        activity is past its exact due time."""
        overdue = self.search(
            [
                ("crm_deadline", "<", fields.Datetime.now()),
                ("crm_overdue_notified", "=", False),
            ]
        )
        for activity in overdue:
            record = self.env[activity.res_model].browse(activity.res_id).exists()
            if not record:
                continue
            partners = activity.user_id.partner_id
            if activity.crm_stage_id.activity_notify_leader and hasattr(record, "_crm_team_leader"):
                partners |= record._crm_team_leader().partner_id
            record.message_post(
                body=self.env._(
                    "Overdue: %(activity)s was due at %(due)s (stage %(stage)s).",
                    activity=activity.summary or activity.activity_type_id.name,
                    due=format_datetime(self.env, activity.crm_deadline, tz=activity.user_id.tz),
                    stage=activity.crm_stage_id.name or "",
                ),
                partner_ids=partners.ids,
                subtype_xmlid="mail.mt_note",
            )
        # sudo: the flag is the cron's own record of what it notified
        overdue.sudo().crm_overdue_notified = True

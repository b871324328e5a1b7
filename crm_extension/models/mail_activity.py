from odoo import api, fields, models
from odoo.tools import SQL, format_datetime
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml


class MailActivity(models.Model):
    _name = "mail.activity"
    _inherit = ["mail.activity", "crm.workflow.mixin"]

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
    crm_stage_activity_id = fields.Many2one(
        "crm.pipeline.stage.activity",
        string="Stage Activity",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The activity line of the stage that scheduled this activity: what becomes "
        "of it when the record leaves the stage, who is told when it is overdue.",
    )
    crm_overdue_notified = fields.Boolean(string="Overdue Notified", readonly=True, copy=False)
    crm_stage_current = fields.Boolean(
        string="In Its Stage",
        compute="_compute_crm_stage_current",
        search="_search_crm_stage_current",
        help="The record of this stage-entry activity is still in the stage that scheduled "
        "it: only then does its exact due time count (overdue notice, stage SLA).",
    )

    @api.model
    def _crm_stage_current_sql(self):
        """Ids of the stage-entry activities whose record is still in their stage, one
        query over every model of the pipeline."""
        model_names = sorted(self.env["crm.pipeline.mixin"]._get_pipeline_models())
        self.flush_model(["res_model", "res_id", "crm_stage_id"])
        for name in model_names:
            self.env[name].flush_model(["pipeline_stage_id"])
        queries = [
            SQL(
                """SELECT activity.id FROM mail_activity activity
                     JOIN %s record ON record.id = activity.res_id
                    WHERE activity.res_model = %s
                      AND record.pipeline_stage_id = activity.crm_stage_id""",
                SQL.identifier(self.env[model]._table),
                model,
            )
            for model in model_names
        ]
        return SQL("(%s)", SQL(" UNION ALL ").join(queries))

    def _compute_crm_stage_current(self):
        current = set()
        if self.ids:
            current = {
                activity_id
                for (activity_id,) in self.env.execute_query(
                    SQL(
                        "SELECT id FROM %s AS current WHERE id = ANY(%s)",
                        self._crm_stage_current_sql(),
                        self.ids,
                    )
                )
            }
        for activity in self:
            activity.crm_stage_current = activity.id in current

    def _search_crm_stage_current(self, operator, value):
        if operator != "in":
            return NotImplemented
        return [("id", "in", self._crm_stage_current_sql())]

    def _crm_workflow_fields(self):
        # set by the stage that scheduled the activity and by the overdue cron
        return super()._crm_workflow_fields() + [
            "crm_deadline",
            "crm_stage_id",
            "crm_stage_activity_id",
            "crm_overdue_notified",
        ]

    def _crm_workflow_fields_error(self, labels):
        return self.env._(
            "%(fields)s of an activity are set by the pipeline stage that "
            "scheduled it: they cannot be set directly (reschedule its due date "
            "instead).",
            fields=labels,
        )

    @api.model_create_multi
    def create(self, vals_list):
        self._crm_check_workflow_fields(self._crm_create_fnames(vals_list))
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

    def _crm_format_deadline(self):
        """The exact due time as the web client shows a datetime to the owner: in their
        language's date and time formats, without seconds, in their timezone."""
        self.ensure_one()
        lang = get_lang(self.env, self.user_id.lang)
        locale = babel_locale_parse(lang.code)
        date_format = posix_to_ldml(lang.date_format, locale=locale)
        time_format = posix_to_ldml(lang.time_format.replace(":%S", ""), locale=locale)
        return format_datetime(
            self.env,
            self.crm_deadline,
            tz=self.user_id.tz,
            dt_format=f"{date_format} {time_format}",
            lang_code=lang.code,
        )

    @api.model
    def _cron_notify_overdue_stage_activities(self):
        """Tell assignees (and team leaders when the stage line says so) once that a stage
        activity is past its exact due time, while its record is still in that stage."""
        overdue = self.search(
            [
                ("crm_deadline", "<", fields.Datetime.now()),
                ("crm_overdue_notified", "=", False),
                # a record that left the stage is no longer late for it (an activity
                # kept open on leaving is a to-do of its own)
                ("crm_stage_current", "=", True),
            ]
        )
        for activity in overdue:
            # the join above found the record: it exists
            record = self.env[activity.res_model].browse(activity.res_id)
            partners = record._get_overdue_notice_partners(activity)
            # in the words of the owner the note is for
            env = activity.with_context(lang=get_lang(self.env, activity.user_id.lang).code).env
            record.message_post(
                body=env._(
                    "Overdue: %(activity)s was due at %(due)s (stage %(stage)s).",
                    activity=activity.summary or activity.activity_type_id.with_env(env).name,
                    due=activity._crm_format_deadline(),
                    stage=activity.crm_stage_id.with_env(env).name or "",
                ),
                partner_ids=partners.ids,
                subtype_xmlid="mail.mt_note",
            )
        # sudo: the flag is the cron's own record of what it notified
        overdue.sudo().crm_overdue_notified = True

import pytz

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError, ValidationError


class CrmPipelineMixin(models.AbstractModel):
    """Pipeline behaviour shared by customers and sale orders.

    A concrete model defines ``pipeline_stage_id`` (tracked, with its scope domain),
    sets ``_crm_pipeline_scope`` and may override the owner/leader/condition hooks.
    Every stage change goes through ``write`` so that manual and automatic moves are
    logged and automated alike.
    """

    _name = "crm.pipeline.mixin"
    _inherit = ["mail.tracking.duration.mixin"]
    _description = "Pipeline Stage Behaviour"
    _track_duration_field = "pipeline_stage_id"
    _crm_pipeline_scope = None

    pipeline_stage_id = fields.Many2one(
        "crm.pipeline.stage",
        tracking=True,
        index="btree_not_null",
        copy=False,
        group_expand="_read_group_pipeline_stage_ids",
    )
    pipeline_lost_reason_id = fields.Many2one(
        "crm.pipeline.lost.reason",
        string="Lost Reason",
        tracking=True,
        index="btree_not_null",
        copy=False,
    )
    date_last_stage_update = fields.Datetime(
        string="Last Stage Update", readonly=True, copy=False, index=True
    )
    pipeline_stage_days = fields.Integer(
        string="Days in Stage", compute="_compute_pipeline_stage_days"
    )

    @api.depends("date_last_stage_update")
    def _compute_pipeline_stage_days(self):
        now = fields.Datetime.now()
        for record in self:
            since = record.date_last_stage_update or record.create_date or now
            record.pipeline_stage_days = (now - since).days

    # ---------------------------------------------------------------- hooks
    def _crm_pipeline_records(self):
        """The records of ``self`` that carry their own stage."""
        return self

    def _crm_stage_owner(self):
        """The user who gets the stage-entry activity."""
        self.ensure_one()
        return self.user_id

    def _crm_team_leader(self):
        self.ensure_one()
        return self.team_id.user_id

    def _crm_stage_condition_error(self, stage):
        """Why this record may not be put into ``stage`` by hand (False if it may)."""
        return False

    # ---------------------------------------------------------------- stages
    @api.model
    def _read_group_pipeline_stage_ids(self, stages, domain):
        """Every stage of the scope is a kanban column, for the active companies."""
        return stages.search(
            [
                ("scope", "=", self._crm_pipeline_scope),
                ("company_id", "in", self.env.companies.ids + [False]),
            ]
        )

    @api.constrains("pipeline_stage_id", "company_id")
    def _check_pipeline_stage(self):
        for record in self._crm_pipeline_records():
            stage = record.pipeline_stage_id
            if not stage:
                continue
            if stage.scope != self._crm_pipeline_scope:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s is not a stage of this pipeline "
                        "(customer stages are for customers, order stages for orders).",
                        stage=stage.name,
                    )
                )
            if stage.company_id and record.company_id and stage.company_id != record.company_id:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s belongs to company %(company)s: %(record)s cannot use it.",
                        stage=stage.name,
                        company=stage.company_id.name,
                        record=record.display_name,
                    )
                )

    # ---------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if not self.env.context.get("crm_stage_automatic"):
            # a record created straight into a stage obeys the rules of a manual move
            for record, vals in zip(records, vals_list, strict=True):
                if vals.get("pipeline_stage_id") and record in records._crm_pipeline_records():
                    record._crm_check_manual_move(record.pipeline_stage_id, vals)
        staged = records._crm_pipeline_records().filtered("pipeline_stage_id")
        for stage, group in staged.grouped("pipeline_stage_id").items():
            group._crm_stage_entered(stage, {}, automatic=False)
        return records

    def write(self, vals):
        if "pipeline_stage_id" not in vals:
            return super().write(vals)
        stage = self.env["crm.pipeline.stage"].browse(vals["pipeline_stage_id"])
        moving = self._crm_pipeline_records().filtered(lambda r: r.pipeline_stage_id != stage)
        automatic = self.env.context.get("crm_stage_automatic", False)
        if stage and moving and not automatic:
            moving._crm_check_manual_move(stage, vals)
        if moving:
            vals = dict(vals, date_last_stage_update=fields.Datetime.now())
            if not stage.is_lost and "pipeline_lost_reason_id" not in vals:
                vals["pipeline_lost_reason_id"] = False
        old_stages = {record.id: record.pipeline_stage_id for record in moving}
        res = super().write(vals)
        if stage and moving:
            moving._crm_stage_entered(stage, old_stages, automatic=automatic)
        return res

    def _crm_check_manual_move(self, stage, vals):
        # a deal is lost by hand with a reason, whatever event the lost stage follows
        for record in self if not stage.is_lost else ():
            error = record._crm_stage_condition_error(stage)
            if error:
                raise UserError(error)
        if stage.is_lost and not vals.get("pipeline_lost_reason_id"):
            action = self.env["crm.pipeline.lost.wizard"]._action_open(self, stage)
            raise RedirectWarning(
                self.env._(
                    "Tell why %(records)s was lost before moving it to %(stage)s.",
                    records=", ".join(self.mapped("display_name")),
                    stage=stage.name,
                ),
                action,
                self.env._("Give a Lost Reason"),
            )

    # ---------------------------------------------------------------- automation
    def _crm_stage_entered(self, stage, old_stages, automatic=False):
        """Log the transition of ``self`` into ``stage`` and run its entry actions."""
        if self.env.context.get("crm_stage_init"):
            return
        self.env["crm.pipeline.stage.log"]._log_transitions(
            self, old_stages, stage, automatic=automatic
        )
        if stage.activity_type_id:
            self._crm_schedule_stage_activity(stage)

    def _crm_schedule_stage_activity(self, stage):
        now = fields.Datetime.now()
        due = now + stage._activity_due_delta()
        by_owner = self.grouped(lambda record: record._crm_stage_owner() or self.env.user)
        for owner, records in by_owner.items():
            tz = pytz.timezone(owner.tz or self.env.user.tz or "UTC")
            deadline = pytz.utc.localize(due).astimezone(tz).date()
            records.activity_schedule(
                date_deadline=deadline,
                summary=stage.activity_summary or stage.name,
                activity_type_id=stage.activity_type_id.id,
                user_id=owner.id,
                crm_deadline=due,
                crm_stage_id=stage.id,
            )

    def _crm_move_to_stage(self, stage, reason):
        """Automatic move (document event) into ``stage`` with a chatter note."""
        if not self or not stage:
            return
        self.with_context(crm_stage_automatic=True).write({"pipeline_stage_id": stage.id})
        if self.env.context.get("crm_stage_init"):
            return
        # one note for all of them in one query (document events move orders in batches)
        body = self.env._(
            "Moved to stage %(stage)s automatically: %(reason)s", stage=stage.name, reason=reason
        )
        self._message_log_batch(dict.fromkeys(self.ids, body))

import logging

from odoo import api, fields, models
from odoo.exceptions import RedirectWarning, UserError, ValidationError


class CrmPipelineMixin(models.AbstractModel):
    """Pipeline behaviour shared by customers and sale orders.

    A concrete model defines ``pipeline_stage_id`` (tracked, with its scope domain),
    sets ``_crm_pipeline_scope`` and may override the hooks below.

    Two kinds of moves, both through ``write`` so that they are tracked, logged and
    automated alike:

    - a move by a user (the kanban, the statusbar, the lost wizard, an import, any
      client call): it obeys the stage conditions and the lost reason, and the entry
      actions of the stage run with the user's rights;
    - a move by the system, in sudo: the addon's own automation (``_crm_move_to_stage``:
      document events, first stages). No client call runs as superuser, so nothing a
      client sends can make its move pass for one; the log keeps the user who caused
      it and ``_crm_move_to_stage`` checks the entry actions with that user's rights.
    """

    _name = "crm.pipeline.mixin"
    _inherit = ["mail.tracking.duration.mixin", "crm.workflow.mixin"]
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

    @api.constrains("pipeline_stage_id", "pipeline_lost_reason_id")
    def _check_pipeline_lost_reason(self):
        for record in self._crm_pipeline_records():
            if record.pipeline_lost_reason_id and not record.pipeline_stage_id.is_lost:
                raise ValidationError(
                    self.env._(
                        "%(record)s is not in a lost stage: it cannot have a lost reason.",
                        record=record.display_name,
                    )
                )

    # ---------------------------------------------------------------- CRUD
    @api.model_create_multi
    def create(self, vals_list):
        self._crm_check_workflow_fields(self._crm_create_fnames(vals_list))
        records = super().create(vals_list)
        staged = records._crm_pipeline_records().filtered("pipeline_stage_id")
        for stage, group in staged.grouped("pipeline_stage_id").items():
            if not self.env.su:
                # a record created straight into a stage obeys the rules of a manual move
                for record in group:
                    record._crm_check_manual_move(stage, record.pipeline_lost_reason_id)
            group._crm_check_stage_entry(stage)
            group._crm_stage_entered(stage, {}, automatic=False)
        return records

    def write(self, vals):
        self._crm_check_workflow_fields(vals)
        self._crm_check_lost_reason_write(vals)
        if "pipeline_stage_id" not in vals:
            return super().write(vals)
        stage = self.env["crm.pipeline.stage"].browse(vals["pipeline_stage_id"])
        moving = self._crm_pipeline_records().filtered(lambda r: r.pipeline_stage_id != stage)
        # only the system moves in sudo (see the class docstring)
        automatic = self.env.su
        if stage and moving:
            if not automatic:
                moving._crm_check_manual_move(stage, vals.get("pipeline_lost_reason_id"))
            moving._crm_check_stage_entry(stage)
        if moving:
            vals = dict(vals, date_last_stage_update=fields.Datetime.now())
            if not stage.is_lost and "pipeline_lost_reason_id" not in vals:
                vals["pipeline_lost_reason_id"] = False
        old_stages = {record.id: record.pipeline_stage_id for record in moving}
        res = super().write(vals)
        if moving:
            moving._crm_stage_left(old_stages)
        if stage and moving:
            moving._crm_stage_entered(stage, old_stages, automatic=automatic)
        return res

    # ---------------------------------------------------------------- hooks
    @api.model
    def _get_pipeline_models(self):
        """The names of the models that have a pipeline (the concrete heirs of this mixin)."""
        return [
            name
            for name in self.env.registry.descendants(["crm.pipeline.mixin"], "_inherit")
            if not self.env[name]._abstract
        ]

    def _crm_pipeline_records(self):
        """The records of ``self`` that carry their own stage."""
        return self

    def _crm_stage_condition_error(self, stage):
        """Why this record may not be put into ``stage`` by hand (False if it may)."""
        return False

    def _crm_workflow_fields(self):
        return super()._crm_workflow_fields() + ["date_last_stage_update"]

    def _crm_workflow_fields_error(self, labels):
        return self.env._(
            "%(fields)s of %(model)s change only through their actions "
            "(stage moves, sending to accounting, invoicing, rejecting): "
            "they cannot be set directly.",
            fields=labels,
            model=self.env["ir.model"]._get(self._name).name,
        )

    def _crm_check_stage_entry(self, stage):
        """Raise if the current user may not have the entry actions of ``stage`` done
        on ``self`` (called before a move, with the rights of whoever causes it)."""
        return

    def _get_stage_entry_actions(self, stage):
        """The entry actions of ``stage`` for ``self``, run in this order once ``self``
        is in it and its move is logged: callables taking the stage. Extend with
        ``super()`` to add one (and ``_crm_check_stage_entry`` to check it first)."""
        return []

    def _crm_stage_left(self, old_stages):
        """Called once ``self`` has left ``old_stages`` ({record id: stage})."""
        return

    def _prepare_stage_log_vals(self, stage, old_stage, automatic):
        """Values of the transition log of ``self`` from ``old_stage`` (may be empty)
        into ``stage``; the log adds the date and the time spent in ``old_stage``."""
        self.ensure_one()
        return {
            "res_model": self._name,
            "res_id": self.id,
            "stage_from_id": old_stage.id,
            "stage_to_id": stage.id,
            "automatic": automatic,
            "company_id": self.company_id.id,
        }

    # ---------------------------------------------------------------- move checks
    def _crm_check_lost_reason_write(self, vals):
        """The lost reason is given with the lost stage, by marking the deal as lost; a
        lost deal keeps it (the constraint refuses a reason outside a lost stage)."""
        if self.env.su or "pipeline_lost_reason_id" not in vals:
            return
        if "pipeline_stage_id" not in vals or (
            not vals["pipeline_lost_reason_id"]
            and self.env["crm.pipeline.stage"].browse(vals["pipeline_stage_id"]).is_lost
        ):
            raise UserError(
                self.env._(
                    "The lost reason is given when a deal is marked as lost, with its "
                    "lost stage (Mark as Lost)."
                )
            )

    def _crm_check_manual_move(self, stage, lost_reason):
        # a deal is lost by hand with a reason, whatever event the lost stage follows
        for record in self if not stage.is_lost else ():
            error = record._crm_stage_condition_error(stage)
            if error:
                raise UserError(error)
        if stage.is_lost and not lost_reason:
            raise self._crm_move_dialog(
                self.env._(
                    "Tell why %(records)s was lost before moving it to %(stage)s.",
                    records=", ".join(self.mapped("display_name")),
                    stage=stage.name,
                ),
                self.env["crm.pipeline.lost.wizard"]._action_open(self, stage),
                self.env._("Give a Lost Reason"),
            )

    def _crm_move_dialog(self, message, action, button):
        """The answer to a move that needs the user's input first: ``message`` with a
        ``button`` opening the dialog ``action`` (e.g. the lost reason), to raise."""
        warning = RedirectWarning(message, action, button)
        # an answer to the user, not a server error: no traceback in the log
        # (odoo.http logs an exception at its ``loglevel`` when it has one)
        warning.loglevel = logging.INFO
        return warning

    # ---------------------------------------------------------------- automation
    def _crm_stage_entered(self, stage, old_stages, automatic=False):
        """Log the transition of ``self`` into ``stage`` and run its entry actions."""
        self.env["crm.pipeline.stage.log"]._log_transitions(
            self, old_stages, stage, automatic=automatic
        )
        for action in self._get_stage_entry_actions(stage):
            action(stage)

    def _crm_move_to_stage(self, stage, reason=None):
        """Move ``self`` into ``stage`` as the system (document events, first stages),
        with a chatter note when a ``reason`` is given.

        The conditions of manual moves do not apply (the events decide) and the move is
        logged as automatic, by the user whose action caused it. The entry actions of
        the stage are checked with that user's rights first: what they are refused
        when asking directly, a stage move does not do for them.
        """
        moving = self.filtered(lambda record: record.pipeline_stage_id != stage)
        if not moving or not stage:
            return
        moving._crm_check_stage_entry(stage)
        # sudo: a document event moves the record whoever caused it (an accountant
        # posting an invoice need not be able to edit the order)
        moving.sudo().write({"pipeline_stage_id": stage.id})
        if reason:
            # one note for all of them in one query (document events move orders in batches)
            body = self.env._(
                "Moved to stage %(stage)s automatically: %(reason)s",
                stage=stage.name,
                reason=reason,
            )
            moving._message_log_batch(dict.fromkeys(moving.ids, body))

    def _crm_init_pipeline_stage(self):
        """Records that existed before the addon enter the first stage of their company."""
        todo = self._crm_pipeline_records().filtered(lambda record: not record.pipeline_stage_id)
        Stage = self.env["crm.pipeline.stage"]
        for company, records in todo.grouped("company_id").items():
            stage = Stage._first_stage(self._crm_pipeline_scope, company or self.env.company)
            records._crm_enter_stage_silently(stage)

    def _crm_enter_stage_silently(self, stage):
        """Put ``self`` into ``stage`` without the bookkeeping of a move: no condition, log,
        activity, note or entry action, which would all date from the installation."""
        if not self or not stage:
            return
        # sudo, untracked and below this mixin's write (which does that bookkeeping):
        # installation puts the existing records where they already are
        records = self.sudo().with_context(tracking_disable=True)
        super(CrmPipelineMixin, records).write(
            {"pipeline_stage_id": stage.id, "date_last_stage_update": fields.Datetime.now()}
        )

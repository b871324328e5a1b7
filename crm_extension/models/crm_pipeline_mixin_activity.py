import pytz

from odoo import fields, models


class CrmPipelineMixin(models.AbstractModel):
    """The activity a stage schedules on entry: for the owner of the record, due at an
    exact time, cancelled when the record leaves the stage undone (unless the stage
    keeps it open), and told overdue by the overdue cron of ``mail.activity``."""

    _inherit = "crm.pipeline.mixin"

    def _crm_stage_owner(self):
        """The user who gets the stage-entry activity."""
        self.ensure_one()
        return self.user_id

    def _prepare_stage_activity_vals(self, stage, owner, due):
        """Values of the activity ``stage`` schedules for ``owner`` on entry, due at the
        datetime ``due`` (UTC); ``activity_schedule`` takes them as keywords."""
        tz = pytz.timezone(owner.tz or self.env.user.tz or "UTC")
        # in the owner's language: the summary is stored as it is written
        stage = stage.with_context(lang=owner.lang or self.env.lang)
        return {
            "date_deadline": pytz.utc.localize(due).astimezone(tz).date(),
            "summary": stage.activity_summary or stage.name,
            "activity_type_id": stage.activity_type_id.id,
            "user_id": owner.id,
            "crm_deadline": due,
            "crm_stage_id": stage.id,
        }

    def _get_overdue_notice_partners(self, activity):
        """Who is told that ``activity``, scheduled on ``self`` by its stage, is past its
        exact due time: its owner, and the leader of the record's sales team (records
        that have one) when the stage says so."""
        self.ensure_one()
        partners = activity.user_id.partner_id
        if activity.crm_stage_id.activity_notify_leader and "team_id" in self._fields:
            partners |= self.team_id.user_id.partner_id
        return partners

    def _get_stage_entry_actions(self, stage):
        actions = super()._get_stage_entry_actions(stage)
        if stage.activity_type_id:
            actions.append(self._crm_schedule_stage_activity)
        return actions

    def _crm_stage_activity_due(self, stage):
        """When the activity ``stage`` schedules on entry into it is due for ``self`` (one
        record): a UTC naive datetime, its delay from now by default."""
        self.ensure_one()
        return fields.Datetime.now() + stage._activity_due_delta()

    def _crm_schedule_stage_activity(self, stage):
        by_owner = self.grouped(
            lambda record: (
                record._crm_stage_owner() or self.env.user,
                record._crm_stage_activity_due(stage),
            )
        )
        for (owner, due), records in by_owner.items():
            # sudo: the exact due time and the stage of the activity are the workflow's
            # fields; whoever moved the record may have its activity scheduled
            records.sudo().activity_schedule(
                **records._prepare_stage_activity_vals(stage, owner, due)
            )

    def _crm_stage_left(self, old_stages):
        """Cancel the entry activities that ``self`` leaves undone in ``old_stages``
        ({record id: stage}), unless their stage keeps them open."""
        res = super()._crm_stage_left(old_stages)
        # sudo: the move (allowed) closes the workflow's own activities, whoever they
        # are assigned to; cancelled the way Odoo cancels an activity (unlink)
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("crm_stage_id", "in", [stage.id for stage in old_stages.values() if stage]),
                    ("crm_stage_id.activity_on_exit", "=", "cancel"),
                ]
            )
        )
        activities.filtered(
            lambda activity: activity.crm_stage_id == old_stages.get(activity.res_id)
        ).action_cancel()
        return res

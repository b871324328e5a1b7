from collections import defaultdict

import pytz
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain


class CrmPipelineMixin(models.AbstractModel):
    """The activities a stage schedules on entry (its lines, ``crm.pipeline.stage.activity``):
    each for its assignee, due at an exact time, cancelled when the record leaves the stage
    undone (unless the line keeps it open), and told overdue by the overdue cron of
    ``mail.activity``."""

    _inherit = "crm.pipeline.mixin"

    def _crm_stage_owner(self):
        """The owner of the record: who gets the stage activities assigned to the owner,
        and those whose assignee is missing or has left."""
        self.ensure_one()
        return self.user_id

    def _crm_stage_activity_user(self, line):
        """The user the stage activity ``line`` is for on this record: the owner, the
        line's named user, the default user of its activity type or the record's sales
        team leader; the owner when the record has no team leader or the type no default
        user, and the current user when there is no owner either."""
        self.ensure_one()
        if line.assign_to == "user":
            user = line.user_id
        elif line.assign_to == "type_user":
            user = line.activity_type_id.default_user_id
        elif line.assign_to == "team_leader" and "team_id" in self._fields:
            user = self.team_id.user_id
        else:
            user = self.env["res.users"]
        return user or self._crm_stage_owner() or self.env.user

    def _crm_stage_activity_due(self, line):
        """When the stage activity ``line`` is due on this record (a naive UTC datetime),
        counted from now: the record just entered the line's stage."""
        self.ensure_one()
        return fields.Datetime.now() + line._due_delta()

    def _crm_stage_assignee_has_left(self, user):
        """Whether ``user`` can no longer take the activities of this record: archived,
        or not allowed in the record's company."""
        self.ensure_one()
        # sudo: whether a colleague is archived and in which companies they work is not
        # for the mover to read, but decides where the workflow's activity goes
        user = user.sudo()
        company = self.company_id if "company_id" in self._fields else None
        return not user.active or bool(company and company not in user.company_ids)

    def _crm_stage_activity_assignee(self, line):
        """``(user, meant_for)``: who gets the activity of ``line`` on this record, and the
        assignee it was meant for when that one has left (else an empty recordset). The
        owner (or the current user) is never replaced: their departure is the record's
        matter, not the stage's."""
        self.ensure_one()
        user = self._crm_stage_activity_user(line)
        fallback = self._crm_stage_owner() or self.env.user
        if user != fallback and self._crm_stage_assignee_has_left(user):
            return fallback, user
        return user, self.env["res.users"]

    def _prepare_stage_activity_vals(self, line, user, due):
        """Values of the activity the stage line ``line`` schedules for ``user`` on entry,
        due at the datetime ``due`` (UTC); ``activity_schedule`` takes them as keywords."""
        tz = pytz.timezone(user.tz or self.env.user.tz or "UTC")
        # in the assignee's language: the summary is stored as it is written
        line = line.with_context(lang=user.lang or self.env.lang)
        return {
            "date_deadline": pytz.utc.localize(due).astimezone(tz).date(),
            "summary": line.summary or line.stage_id.name,
            "activity_type_id": line.activity_type_id.id,
            "user_id": user.id,
            "crm_deadline": due,
            "crm_stage_id": line.stage_id.id,
            "crm_stage_activity_id": line.id,
        }

    def _crm_stage_activity_left_note(self, line, meant_for, user):
        """The note of an activity of ``line`` given to ``user`` because ``meant_for``
        has left, in the words of ``user``."""
        env = self.with_context(lang=user.lang or self.env.lang).env
        # sudo (the assignee's name below): a user who left may be archived or out of
        # the mover's companies; only the name is read
        return Markup("<p>%s</p>") % env._(
            "This activity of stage %(stage)s is meant for %(assignee)s, who has left "
            "(archived or not allowed in the company of the record): it was given to "
            "%(user)s instead. Choose another assignee on the stage.",
            stage=line.stage_id.with_env(env).name,
            assignee=meant_for.sudo().name,
            user=user.name,
        )

    def _crm_check_manual_move(self, stage, lost_reason):
        """A user moving a record into a stage whose activity goes to someone who left
        is told before anything is written (a move by the system gives the activity to
        the owner instead). Checked here, not in ``_crm_check_stage_entry``: that one
        also runs, with the rights of the user who caused it, before each system move."""
        res = super()._crm_check_manual_move(stage, lost_reason)
        for line in stage.activity_line_ids:
            for record in self:
                _user, meant_for = record._crm_stage_activity_assignee(line)
                if meant_for:
                    # sudo (the assignee's name): archived or out of the mover's
                    # companies; only the name is read, for the refusal
                    raise UserError(
                        self.env._(
                            "%(assignee)s, who gets the activity %(activity)s of stage "
                            "%(stage)s, has left (archived or not allowed in the company "
                            "of %(record)s); choose another assignee on the stage.",
                            assignee=meant_for.sudo().name,
                            activity=line.display_name,
                            stage=stage.name,
                            record=record.display_name,
                        )
                    )
        return res

    def _get_overdue_notice_partners(self, activity):
        """Who is told that ``activity``, scheduled on ``self`` by its stage, is past its
        exact due time: its assignee, and the leader of the record's sales team (records
        that have one) when its stage line says so."""
        self.ensure_one()
        partners = activity.user_id.partner_id
        if activity.crm_stage_activity_id.notify_leader and "team_id" in self._fields:
            partners |= self.team_id.user_id.partner_id
        return partners

    def _get_stage_entry_actions(self, stage):
        actions = super()._get_stage_entry_actions(stage)
        if stage.activity_line_ids:
            actions.append(self._crm_schedule_stage_activity)
        return actions

    def _crm_schedule_stage_activity(self, stage):
        """Schedule each activity line of ``stage`` on ``self``: one
        ``activity_schedule`` per line and (assignee, due time)."""
        for line in stage.activity_line_ids:
            groups = defaultdict(list)
            for record in self:
                user, meant_for = record._crm_stage_activity_assignee(line)
                groups[user, record._crm_stage_activity_due(line), meant_for].append(record.id)
            for (user, due, meant_for), ids in groups.items():
                records = self.browse(ids)
                vals = records._prepare_stage_activity_vals(line, user, due)
                if meant_for:
                    vals["note"] = records._crm_stage_activity_left_note(line, meant_for, user)
                # sudo: the exact due time and the stage of the activity are the
                # workflow's fields; whoever moved the record may have its activity
                # scheduled
                records.sudo().activity_schedule(**vals)

    def _crm_stage_activities(self, stages, domain=()):
        """The activities of ``domain`` that the stages ``stages`` ({record id:
        stage}) scheduled on the records of ``self``, each on its record's stage (sudo:
        the workflow's own, whoever they are assigned to)."""
        if not self.ids:
            return self.env["mail.activity"]
        # sudo: the workflow's own activities of these records and stages, whoever
        # they are assigned to; only private callers get them, never the client
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                Domain.AND(
                    [
                        [
                            ("res_model", "=", self._name),
                            ("res_id", "in", self.ids),
                            (
                                "crm_stage_id",
                                "in",
                                [stage.id for stage in stages.values() if stage],
                            ),
                        ],
                        list(domain),
                    ]
                )
            )
        )
        return activities.filtered(
            lambda activity: activity.crm_stage_id == stages.get(activity.res_id)
        )

    def _crm_stage_left(self, old_stages):
        """Cancel the entry activities that ``self`` leaves undone in ``old_stages``
        ({record id: stage}), unless their stage line keeps them open."""
        res = super()._crm_stage_left(old_stages)
        # the move (allowed) closes the workflow's own activities, whoever they are
        # assigned to; cancelled the way Odoo cancels an activity (unlink). An activity
        # whose line was deleted follows the default: cancelled
        self._crm_stage_activities(
            old_stages,
            [
                "|",
                ("crm_stage_activity_id", "=", False),
                ("crm_stage_activity_id.on_exit", "=", "cancel"),
            ],
        ).action_cancel()
        return res

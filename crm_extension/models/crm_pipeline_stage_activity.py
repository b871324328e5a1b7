from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

DELAY_UNITS = {
    "minutes": lambda n: timedelta(minutes=n),
    "hours": lambda n: timedelta(hours=n),
    "days": lambda n: timedelta(days=n),
}


class CrmPipelineStageActivity(models.Model):
    """One activity a stage schedules when a record enters it: what, for whom, due when,
    and what becomes of it when the record leaves the stage undone."""

    _name = "crm.pipeline.stage.activity"
    _description = "Stage Activity"
    _order = "stage_id, sequence, id"

    _delay_positive = models.Constraint(
        "CHECK(delay >= 0)",
        "The delay of a stage activity cannot be negative: it is due that long after "
        "the record enters the stage.",
    )

    stage_id = fields.Many2one("crm.pipeline.stage", required=True, index=True, ondelete="cascade")
    sequence = fields.Integer(default=10)
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        required=True,
        ondelete="restrict",
    )
    summary = fields.Char(
        translate=True, help="The activity's summary; the stage's name when left empty."
    )
    delay = fields.Integer(
        string="Due In",
        help="How long after entering the stage the activity is due.",
    )
    delay_unit = fields.Selection(
        [("minutes", "Minutes"), ("hours", "Hours"), ("days", "Days")],
        default="days",
        required=True,
    )
    assign_to = fields.Selection(
        [
            ("owner", "Owner of the record"),
            ("user", "A named user"),
            ("type_user", "Default user of the activity type"),
            ("team_leader", "Sales team leader"),
        ],
        string="Assigned To",
        default="owner",
        required=True,
        help="Who gets the activity: the record's owner (salesperson); a named user; the "
        "default user of the activity type; or the leader of the record's sales team. "
        "A record without a team leader, or a type without a default user, gives it to "
        "the owner, and a record without an owner to the user who moved it.",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assignee",
        compute="_compute_user_id",
        store=True,
        readonly=False,
        domain=[("share", "=", False)],
        ondelete="restrict",
        help="The user who gets the activity when it is assigned to a named user.",
    )
    on_exit = fields.Selection(
        [("cancel", "Cancel the activity"), ("keep", "Keep it open")],
        string="When Leaving the Stage",
        default="cancel",
        required=True,
        help="What becomes of the activity scheduled on entry when the record leaves the "
        "stage before it is done: cancelled (it no longer counts nor becomes overdue), or "
        "kept open as a to-do of its own (never reported as overdue for this stage).",
    )
    notify_leader = fields.Boolean(
        string="Notify Team Leader When Overdue",
        help="When the activity is overdue, notify the sales team leader as well as the assignee.",
    )

    @api.depends("assign_to")
    def _compute_user_id(self):
        for line in self:
            if line.assign_to != "user":
                line.user_id = False

    @api.depends("summary", "activity_type_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.summary or line.activity_type_id.display_name

    @api.constrains("assign_to", "user_id")
    def _check_named_user(self):
        for line in self:
            if line.assign_to == "user" and not line.user_id:
                raise ValidationError(
                    self.env._(
                        "The activity %(activity)s of stage %(stage)s is assigned to a "
                        "named user: choose the user.",
                        activity=line.display_name,
                        stage=line.stage_id.name,
                    )
                )

    @api.constrains("assign_to", "activity_type_id")
    def _check_type_default_user(self):
        for line in self:
            if line.assign_to == "type_user" and not line.activity_type_id.default_user_id:
                raise ValidationError(
                    self.env._(
                        "The activity type %(type)s has no default user: the activity "
                        "%(activity)s of stage %(stage)s cannot go to it. Set a default "
                        "user on the activity type or choose another assignee.",
                        type=line.activity_type_id.name,
                        activity=line.display_name,
                        stage=line.stage_id.name,
                    )
                )

    def _due_delta(self):
        """How long after the record enters the stage the activity is due."""
        self.ensure_one()
        return DELAY_UNITS[self.delay_unit](self.delay)

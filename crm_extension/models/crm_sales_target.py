from datetime import datetime

import pytz
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain


class CrmSalesTarget(models.Model):
    """A monthly revenue target of a salesperson, of a team, or of a salesperson in a
    team, against its actual: the won untaxed revenue of the month in company currency,
    the ``revenue`` measure of the Pipeline Analysis (``crm.pipeline.report``), the
    month being the one of the deal's closing (``date_closed``) in the user's timezone.
    """

    _name = "crm.sales.target"
    _description = "Monthly Sales Target"
    _order = "month desc, user_id, team_id, id"
    _rec_names_search = ["user_id", "team_id"]

    # empty salesperson / team are values of the key (NULLS NOT DISTINCT needs PG 15)
    _unique_target = models.UniqueIndex(
        "(company_id, month, COALESCE(user_id, 0), COALESCE(team_id, 0))",
        "This salesperson and team already have a target for this month: change its "
        "amount instead of adding another one.",
    )
    _month_first_day = models.Constraint(
        "CHECK (month = date_trunc('month', month)::date)",
        "A target is for a whole month: its month must be the first day of the month.",
    )
    _amount_positive = models.Constraint("CHECK (amount >= 0)", "A target cannot be negative.")

    month = fields.Date(
        required=True,
        default=lambda self: fields.Date.context_today(self).replace(day=1),
        help="The month of the target (any day of it is kept as its first day).",
    )
    user_id = fields.Many2one(
        "res.users",
        string="Salesperson",
        index=True,
        domain=[("share", "=", False)],
        help="Leave empty for a target of the whole sales team.",
    )
    team_id = fields.Many2one(
        "crm.team",
        string="Sales Team",
        index=True,
        help="With a salesperson: only their deals in this team count.",
    )
    amount = fields.Monetary(string="Target", required=True, currency_field="currency_id")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id", string="Currency")
    actual_amount = fields.Monetary(
        string="Actual",
        compute="_compute_actual_amount",
        currency_field="currency_id",
        help="Won untaxed revenue of the month in company currency (the Pipeline "
        "Analysis' revenue), counted in the month the deal was won.",
    )
    achievement = fields.Float(
        string="Achievement (%)",
        compute="_compute_actual_amount",
        help="Actual ÷ target.",
    )

    @api.depends("month", "user_id", "team_id", "company_id", "amount")
    @api.depends_context("uid", "tz", "allowed_company_ids")
    def _compute_actual_amount(self):
        actuals = self._get_actuals()
        for target in self:
            actual = actuals.get(target._get_actual_key(), 0.0)
            target.actual_amount = actual
            target.achievement = 100.0 * actual / target.amount if target.amount else 0.0

    @api.depends("month", "user_id", "team_id")
    def _compute_display_name(self):
        for target in self:
            who = " / ".join(filter(None, [target.user_id.name, target.team_id.name]))
            month = target.month and target.month.strftime("%Y-%m")
            target.display_name = " - ".join(filter(None, [who, month]))

    # the month is in every create (its default): the check runs without either field
    @api.constrains("user_id", "team_id", "month")
    def _check_user_or_team(self):
        if self.filtered(lambda target: not target.user_id and not target.team_id):
            raise ValidationError(
                self.env._("A target is for a salesperson, a sales team or both: set one.")
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._normalise_month(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._normalise_month(vals)
        return super().write(vals)

    @api.model
    def _normalise_month(self, vals):
        if vals.get("month"):
            vals["month"] = fields.Date.to_date(vals["month"]).replace(day=1)

    def _get_adding_up(self):
        """The targets of ``self`` that add up without counting a deal twice: a
        salesperson's target of the month (in a company) without a team covers all of
        his deals, so his per-team targets of that month are left out; without one, his
        per-team targets count (their deals do not overlap). Team targets are kept."""
        overall = {
            (target.company_id, target.month, target.user_id)
            for target in self
            if target.user_id and not target.team_id
        }
        return self.filtered(
            lambda target: not target.user_id
            or not target.team_id
            or (target.company_id, target.month, target.user_id) not in overall
        )

    # ---------------------------------------------------------------- actual
    def _get_actual_key(self):
        """Which revenue a target counts: by salesperson (and team when set), else by
        team; see :meth:`_get_actuals`."""
        self.ensure_one()
        return (
            self.company_id.id,
            self.month,
            self.user_id.id or False,
            self.team_id.id if (self.team_id or not self.user_id) else None,
        )

    def _get_actuals(self):
        """{actual key: won revenue} of the targets of ``self``, in ONE ``_read_group``
        on the Pipeline Analysis as the current user (its record rules apply: a
        salesperson counts the deals he may see)."""
        targets = self.filtered(lambda target: target.month and target.company_id)
        if not targets:
            return {}
        tz = self.env.tz
        months = targets.mapped("month")
        domain = Domain.AND(
            [
                [("nbr_won", "=", 1)],
                [("company_id", "in", targets.company_id.ids)],
                self._get_month_domain(min(months), max(months) + relativedelta(months=1), tz),
                Domain.OR(
                    [
                        [("user_id", "in", targets.user_id.ids)],
                        [("team_id", "in", targets.team_id.ids)],
                    ]
                ),
            ]
        )
        Pipeline = self.env["crm.pipeline.report"].with_context(tz=tz.zone)
        groups = Pipeline._read_group(
            domain,
            ["company_id", "date_closed:month", "user_id", "team_id"],
            ["revenue:sum"],
        )
        actuals = {}
        for company, month, user, team, revenue in groups:
            month = fields.Date.to_date(month)
            # a deal counts once for its salesperson, once for them in its team and
            # once for its team
            for key in {
                (company.id, month, user.id or False, None),
                (company.id, month, user.id or False, team.id or False),
                (company.id, month, False, team.id or False),
            }:
                actuals[key] = actuals.get(key, 0.0) + (revenue or 0.0)
        return actuals

    @api.model
    def _get_month_domain(self, start, end, tz, field="date_closed"):
        """Rows whose ``field`` (a UTC datetime) falls in [start, end) of ``tz``."""

        def to_utc(day):
            local = tz.localize(datetime.combine(day, datetime.min.time()))
            return fields.Datetime.to_string(local.astimezone(pytz.utc).replace(tzinfo=None))

        return [(field, ">=", to_utc(start)), (field, "<", to_utc(end))]

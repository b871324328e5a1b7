"""My Day's "Target this month" tile: the month's won revenue against its target."""

from odoo import api, fields, models
from odoo.tools import format_amount, formatLang


class CrmDashboard(models.AbstractModel):
    # the target tile in its own file (house style: one concern per file)
    _inherit = "crm.dashboard"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def get_tiles(self, user_id=None, team_id=None):
        # the tiles get the scope's users; the target tile needs the team too: it is set
        # from the argument, whatever the client put in its context (the scope itself is
        # checked by _get_scope_users)
        return super(
            CrmDashboard, self.with_context(crm_dashboard_team_id=team_id or False)
        ).get_tiles(user_id=user_id, team_id=team_id)

    @api.model
    def _get_tile_keys(self):
        keys = super()._get_tile_keys()
        keys.insert(keys.index("open_pipeline") + 1 if "open_pipeline" in keys else 0, "target")
        return keys

    @api.model
    def _get_month_targets(self, users):
        """This month's targets of the dashboard's scope, in the current company: the
        team's own target for a team; for a salesperson, his target of the month, or
        else the sum of his targets per team (their deals do not overlap)."""
        Target = self.env["crm.sales.target"]
        month = fields.Date.context_today(self).replace(day=1)
        base = [("month", "=", month), ("company_id", "=", self.env.company.id)]
        team_id = self.env.context.get("crm_dashboard_team_id")
        if team_id:
            return Target.search([*base, ("team_id", "=", team_id), ("user_id", "=", False)])
        return Target.search([*base, ("user_id", "in", users.ids)])._get_adding_up()

    @api.model
    def _get_tile_target(self, users):
        """ "62 % of target", with actual / target as its hint; none without a target."""
        if not self.env["crm.sales.target"].has_access("read"):
            return None
        targets = self._get_month_targets(users)
        if not targets:
            return None
        amount = sum(targets.mapped("amount"))
        actual = sum(targets.mapped("actual_amount"))
        percent = 100.0 * actual / amount if amount else 0.0
        label = self.env._("Target this month")
        tile = self._prepare_tile_vals(
            "target", label, "crm.sales.target", [("id", "in", targets.ids)]
        )
        currency = self.env.company.currency_id
        tile["count"] = self.env._(
            "%(percent)s %% of target", percent=formatLang(self.env, percent, digits=0)
        )
        tile["percent"] = percent
        tile["actual"] = actual
        tile["target"] = amount
        tile["hint"] = self.env._(
            "%(actual)s / %(target)s",
            actual=format_amount(self.env, actual, currency),
            target=format_amount(self.env, amount, currency),
        )
        return tile

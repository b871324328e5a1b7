"""The "Calls made" tile of My Day: calls done today and this week, counted in the
Activity Analysis (Odoo's own archived activities, the analysis' record rules)."""

from odoo import api, fields, models


class CrmDashboard(models.AbstractModel):
    # the tile of the activity analysis in its own file (house style: one concern per file)
    _inherit = "crm.dashboard"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _get_tile_keys(self):
        keys = super()._get_tile_keys()
        # after the activities still to do
        anchor = "activities_sla_breached"
        index = keys.index(anchor) + 1 if anchor in keys else len(keys)
        return [*keys[:index], "calls_made", *keys[index:]]

    @api.model
    def _get_calls_made_domain(self, users, date_from):
        """Calls done by ``users`` since ``date_from`` (a date) in the Activity Analysis."""
        return [
            ("user_id", "in", users.ids),
            ("activity_category", "=", "phonecall"),
            ("date_done", ">=", fields.Date.to_string(date_from)),
        ]

    @api.model
    def _get_tile_calls_made(self, users):
        """Calls made today (the count, the list it opens) and this week (the hint)."""
        Activity = self.env["crm.activity.report"]
        if not Activity.has_access("read"):
            return None
        today = fields.Date.context_today(self)
        tile = self._prepare_tile_vals(
            "calls_made",
            self.env._("Calls made today"),
            "crm.activity.report",
            self._get_calls_made_domain(users, today),
            view_mode="list,pivot,graph",
        )
        week = Activity.search_count(self._get_calls_made_domain(users, self._get_week_start()))
        tile["hint"] = self.env._("%(count)s this week", count=week)
        return tile

"""Whose day My Day shows: the user's own, or, for sales managers, another
salesperson's or a whole team's (a team leader opens on the team they lead)."""

from odoo import api, models
from odoo.exceptions import AccessError


class CrmDashboard(models.AbstractModel):
    # the scope of the dashboard in its own file (house style: one concern per file)
    _inherit = "crm.dashboard"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _is_manager(self):
        return self.env.user.has_group("sales_team.group_sale_salesman_all_leads")

    @api.model
    def _get_scope_users(self, user_id=None, team_id=None):
        """Users whose figures are shown: the current user unless a manager asks for
        another salesperson or a whole team."""
        if not (user_id or team_id) or (user_id == self.env.uid and not team_id):
            return self.env.user
        if not self._is_manager():
            raise AccessError(
                self.env._("Only sales managers can see the day of other salespeople.")
            )
        if team_id:
            team = self.env["crm.team"].browse(team_id)
            return team.member_ids | team.user_id
        return self.env["res.users"].browse(user_id)

    @api.model
    def get_scopes(self):
        """The choices of the scope selector: only managers get more than themselves."""
        scopes = [{"key": "me", "label": self.env._("Me"), "user_id": self.env.uid}]
        if self._is_manager():
            users = self.env["res.users"].search(
                [
                    ("share", "=", False),
                    ("all_group_ids", "in", self.env.ref("sales_team.group_sale_salesman").ids),
                    ("id", "!=", self.env.uid),
                ]
            )
            scopes += [{"key": f"user_{u.id}", "label": u.name, "user_id": u.id} for u in users]
            scopes += [
                {
                    "key": f"team_{t.id}",
                    "label": self.env._("Team %(team)s", team=t.name),
                    "team_id": t.id,
                }
                for t in self.env["crm.team"].search([])
            ]
            # a team leader opens on the team they lead, not on their own (few) deals
            led = next((s for s in scopes if s.get("team_id") in self._led_team_ids()), None)
            if led:
                led["default"] = True
        return scopes

    def _led_team_ids(self):
        return self.env["crm.team"].search([("user_id", "=", self.env.uid)]).ids

from odoo import api, fields, models
from odoo.tools import SQL


class CrmTeam(models.Model):
    """Requests on sales teams: who gets the next one (round robin among the members
    with a CRM sales role), and the team's request e-mail alias.

    The alias is a field of our own (``crm_request_alias_id``), not ``mail.alias.mixin``:
    the mixin's ``alias_id`` is the crm app's lead alias when crm is installed too, and
    a team has one of each."""

    _inherit = "crm.team"

    crm_request_rr_counter = fields.Integer(
        string="Requests Assigned in Turn",
        readonly=True,
        copy=False,
        help="How many requests the team's round robin has assigned: the turn of the "
        "member who got the last one.",
    )
    crm_request_alias_id = fields.Many2one(
        "mail.alias", string="Request Alias Record", readonly=True, copy=False, ondelete="set null"
    )
    crm_request_alias_name = fields.Char(
        string="Request Alias",
        compute="_compute_crm_request_alias_name",
        inverse="_inverse_crm_request_alias_name",
        help="E-mails sent to this address become requests of the team: a deal for "
        "the member whose turn it is; replies land in the deal.",
    )
    crm_request_alias_email = fields.Char(
        string="Request E-mail", related="crm_request_alias_id.display_name"
    )

    @api.depends("crm_request_alias_id.alias_name")
    def _compute_crm_request_alias_name(self):
        for team in self:
            team.crm_request_alias_name = team.crm_request_alias_id.alias_name

    def _inverse_crm_request_alias_name(self):
        for team in self:
            vals = team._prepare_request_alias_vals()
            # sudo: only the system edits aliases (mail's access rules); whoever may
            # edit the team (checked by the write that brought us here) names its alias
            if team.crm_request_alias_id:
                team.crm_request_alias_id.sudo().write(vals)
            elif team.crm_request_alias_name:
                team.sudo().crm_request_alias_id = self.env["mail.alias"].sudo().create(vals)

    def _prepare_request_alias_vals(self):
        """Values of the team's request alias: incoming e-mails create requests of the
        team, from anyone (a request comes from people we do not know yet)."""
        self.ensure_one()
        return {
            "alias_name": self.crm_request_alias_name or False,
            "alias_model_id": self.env["ir.model"]._get_id("crm.request"),
            "alias_parent_model_id": self.env["ir.model"]._get_id("crm.team"),
            "alias_parent_thread_id": self.id,
            "alias_defaults": repr(
                {"team_id": self.id, "company_id": (self.company_id or self.env.company).id}
            ),
            "alias_contact": "everyone",
            "alias_domain_id": (self.company_id or self.env.company).alias_domain_id.id,
        }

    def unlink(self):
        aliases = self.crm_request_alias_id
        res = super().unlink()
        # sudo: the team's own aliases go with it, as mail.alias.mixin does
        aliases.sudo().unlink()
        return res

    # ---------------------------------------------------------------- assignment
    def _lock_for_request_assignment(self):
        """Lock the rows of the teams of ``self`` until the end of the transaction, in
        one order for all: two requests of a team at the same moment take turns, and
        the second one sees the turn the first one gave (or is retried: Odoo's
        REPEATABLE READ transactions fail to lock a row another one changed since)."""
        if self.ids:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM crm_team WHERE id IN %s ORDER BY id FOR UPDATE",
                    tuple(sorted(self.ids)),
                )
            )

    @api.model
    def _is_request_assignee(self, user, company):
        """Whether ``user`` may be given requests of ``company``: active, with a CRM
        sales role (salesperson or more), allowed in that company."""
        return bool(
            user
            and user.active
            and company in user.company_ids
            and user.has_group("crm_extension.group_crm_salesperson")
        )

    def _get_request_members(self, company):
        """The members of the team who take turns for requests of ``company``, in the
        order of their turn (the one who waits the longest first)."""
        self.ensure_one()
        members = self.crm_team_member_ids.filtered(
            lambda member: self._is_request_assignee(member.user_id, company)
        )
        return members.sorted(lambda member: (member.crm_request_rr_last, member.id))

    def _assign_request_salesperson(self, customer, company):
        """The salesperson of a request of ``customer`` (empty: a new prospect) in the
        team ``self`` (may be empty), for ``company``: the customer's owner when they
        may take it; else the member whose turn it is (the turn moves on); else the
        team leader. Call ``_lock_for_request_assignment`` first.

        A public hook of the team for the intake (and My Day): extend with ``super()``.
        """
        owner = customer.commercial_partner_id.user_id
        if self._is_request_assignee(owner, company):
            return owner
        if not self:
            return self.env["res.users"]
        self.ensure_one()
        members = self._get_request_members(company)
        if not members:
            return self.user_id if self.user_id.active else self.env["res.users"]
        member = members[0]
        # sudo: the turn is the intake's bookkeeping, whoever sent the request
        team = self.sudo()
        team.crm_request_rr_counter += 1
        member.sudo().crm_request_rr_last = team.crm_request_rr_counter
        return member.user_id

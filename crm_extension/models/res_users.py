from odoo import Command, api, fields, models
from odoo.exceptions import AccessError

from ..const import FINANCE_GROUPS


class ResUsers(models.Model):
    _inherit = "res.users"

    crm_finance_scope = fields.Selection(
        [("all", "All"), ("customers", "All customers"), ("own", "Own customers")],
        string="CRM Finance Scope",
        compute="_compute_crm_finance_scope",
        help="Which customers' balances, invoices and payments the user's CRM role shows.",
    )

    @api.depends("all_group_ids")
    def _compute_crm_finance_scope(self):
        for user in self:
            if not user.has_group("crm_extension.group_crm_salesperson") or any(
                user.has_group(group) for group in FINANCE_GROUPS
            ):
                # accounting users and users without a CRM role keep native rights
                user.crm_finance_scope = "all"
            elif user.has_group("crm_extension.group_crm_manager"):
                user.crm_finance_scope = "customers"
            else:
                user.crm_finance_scope = "own"

    # ---------------------------------------------------------------- CRM roles
    @api.model
    def _crm_role_groups(self):
        """The CRM roles: the groups of the CRM privilege (one dropdown in the user form)."""
        # sudo: privileges are technical records; only their groups are returned
        return self.env.ref("crm_extension.res_groups_privilege_crm").sudo().group_ids

    def _crm_set_role(self, role):
        """Make ``role`` (a CRM role group, or no group for "no CRM role") the CRM role of
        the users ``self``, as the current user may.

        In Odoo, only "Access Rights" administrators set groups (they write ``res.users``);
        they set roles here with their own rights. Anyone else (CRM administrators) may
        give and take away only the roles whose rights they hold themselves, to internal
        users of their own companies: see :meth:`_crm_check_role_change`.
        """
        roles = self._crm_role_groups()
        if role - roles:
            raise ValueError(f"{role} is not a CRM role")
        commands = [Command.unlink(group.id) for group in roles - role]
        commands += [Command.link(group.id) for group in role]
        if self.env.su or self.env.user._is_admin():
            # native rights: the superuser and "Access Rights" administrators set any group
            self.write({"group_ids": commands})
            return
        self._crm_check_role_change(role)
        # sudo: CRM administrators do not hold "Access Rights"; the check above allowed
        # this change of CRM role groups, and nothing else is written
        self.sudo().write({"group_ids": commands})

    def _crm_check_role_change(self, role):
        """Raise unless the current user may make ``role`` the CRM role of ``self``.

        A role is grantable by a user who has every group it implies (``all_implied_ids``,
        the role itself included): nobody hands out, or takes away, rights they could not
        use themselves. The users must be internal and work only in companies of the
        current user.
        """
        granter = self.env.user
        # sudo: the groups and companies of other users are read to check them
        users = self.sudo()
        outside = users.filtered(
            lambda user: user.share or not user.company_ids <= granter.company_ids
        )
        if outside:
            raise AccessError(
                self.env._(
                    "You can set CRM roles only for internal users who work in your "
                    "companies only: %(users)s.",
                    users=", ".join(outside.mapped("name")),
                )
            )
        held = granter.all_group_ids
        changed = role | (users.group_ids & (self._crm_role_groups() - role))
        for group in changed.sorted("sequence"):
            missing = group.all_implied_ids - held
            if missing:
                raise AccessError(
                    self.env._(
                        "You cannot give or take away the CRM role %(role)s: it comes with "
                        "rights you do not have yourself (%(rights)s). Ask an administrator "
                        "with the Access Rights permission.",
                        role=group.name,
                        rights=", ".join(missing.mapped("full_name")),
                    )
                )

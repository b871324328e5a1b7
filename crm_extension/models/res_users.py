from odoo import api, fields, models, tools

FINANCE_GROUPS = ("account.group_account_invoice", "account.group_account_readonly")


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

    @tools.ormcache("self.id", "groups")
    def _crm_can_read_figures(self, groups):
        """``has_groups(groups)``, cached and invalidated like the user's groups."""
        return self.has_groups(groups)

from odoo import fields, models

ROLE_GROUPS = {
    "salesperson": "crm_extension.group_crm_salesperson",
    "manager": "crm_extension.group_crm_manager",
    "accountant": "crm_extension.group_crm_accountant",
    "admin": "crm_extension.group_crm_admin",
}


class CrmSetRoleWizard(models.TransientModel):
    _name = "crm.set.role.wizard"
    _description = "Set CRM Role"

    user_ids = fields.Many2many(
        "res.users",
        string="Users",
        required=True,
        default=lambda self: self.env.context.get("active_ids", []),
        domain=[("share", "=", False)],
    )
    role = fields.Selection(
        [
            ("none", "No CRM role"),
            ("salesperson", "Salesperson"),
            ("manager", "Manager"),
            ("accountant", "Accountant"),
            ("admin", "Administrator"),
        ],
        string="CRM Role",
        required=True,
        default="salesperson",
    )

    def action_apply(self):
        self.ensure_one()
        role = self.env["res.groups"]
        if self.role != "none":
            role = self.env.ref(ROLE_GROUPS[self.role])
        # checks what the current user may grant (and writes in sudo only then)
        self.user_ids._crm_set_role(role)
        return {"type": "ir.actions.act_window_close"}

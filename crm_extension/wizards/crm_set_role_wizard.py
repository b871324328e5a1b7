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
        groups = self.env["res.groups"].browse(
            [self.env.ref(xmlid).id for xmlid in ROLE_GROUPS.values()]
        )
        commands = [(3, group.id) for group in groups]
        if self.role != "none":
            commands.append((4, self.env.ref(ROLE_GROUPS[self.role]).id))
        # sudo: CRM administrators (the only ones with access to this wizard) may hand
        # out CRM roles without holding the general "Access Rights" group; only the
        # CRM groups are touched
        self.user_ids.sudo().write({"group_ids": commands})
        return {"type": "ir.actions.act_window_close"}

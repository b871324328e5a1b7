from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_invoice_mode = fields.Selection(
        related="company_id.crm_invoice_mode", readonly=False, required=True
    )
    crm_accounting_user_ids = fields.Many2many(
        related="company_id.crm_accounting_user_ids", readonly=False
    )

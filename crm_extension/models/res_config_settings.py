from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    crm_class_a_threshold = fields.Float(related="company_id.crm_class_a_threshold", readonly=False)
    crm_class_b_threshold = fields.Float(related="company_id.crm_class_b_threshold", readonly=False)
    crm_followup_days_a = fields.Integer(related="company_id.crm_followup_days_a", readonly=False)
    crm_followup_days_b = fields.Integer(related="company_id.crm_followup_days_b", readonly=False)
    crm_followup_days_c = fields.Integer(related="company_id.crm_followup_days_c", readonly=False)
    crm_followup_days_none = fields.Integer(
        related="company_id.crm_followup_days_none", readonly=False
    )

    crm_invoice_mode = fields.Selection(
        related="company_id.crm_invoice_mode", readonly=False, required=True
    )
    crm_accounting_user_ids = fields.Many2many(
        related="company_id.crm_accounting_user_ids", readonly=False
    )
    crm_allow_claim_unowned = fields.Boolean(
        related="company_id.crm_allow_claim_unowned", readonly=False
    )

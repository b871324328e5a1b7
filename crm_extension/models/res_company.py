from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    crm_invoice_mode = fields.Selection(
        [
            ("review", "Accounting reviews and creates the invoice"),
            ("draft", "Create a draft invoice at once"),
            ("posted", "Create and post the invoice at once"),
        ],
        string="Quote-to-Invoice Mode",
        default="review",
        required=True,
    )
    crm_accounting_user_ids = fields.Many2many(
        "res.users",
        "res_company_crm_accounting_user_rel",
        "company_id",
        "user_id",
        string="Accounting Responsibles",
        help="Users who get the to-do when an order is sent to accounting. "
        "Empty: every billing user of the company.",
    )

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    _crm_class_thresholds = models.Constraint(
        "CHECK(crm_class_a_threshold > 0 AND crm_class_a_threshold <= crm_class_b_threshold"
        " AND crm_class_b_threshold <= 100)",
        "Customer class thresholds must satisfy 0 < A <= B <= 100 (percent of revenue).",
    )
    _crm_followup_days_positive = models.Constraint(
        "CHECK(crm_followup_days_a > 0 AND crm_followup_days_b > 0"
        " AND crm_followup_days_c > 0 AND crm_followup_days_none > 0)",
        "Follow-up windows must be at least one day.",
    )

    crm_class_a_threshold = fields.Float(
        string="Class A Revenue Share (%)",
        default=80.0,
        required=True,
        help="Class A: the best customers that together make this share of the "
        "revenue of the last 12 months.",
    )
    crm_class_b_threshold = fields.Float(
        string="Class B Cumulative Share (%)",
        default=95.0,
        required=True,
        help="Class B: the next customers until this cumulative share of revenue; "
        "the rest are class C.",
    )
    crm_followup_days_a = fields.Integer(
        string="Follow-up Window Class A (days)", default=30, required=True
    )
    crm_followup_days_b = fields.Integer(
        string="Follow-up Window Class B (days)", default=60, required=True
    )
    crm_followup_days_c = fields.Integer(
        string="Follow-up Window Class C (days)", default=90, required=True
    )
    crm_followup_days_none = fields.Integer(
        string="Follow-up Window Unclassified (days)", default=90, required=True
    )

    crm_invoice_mode = fields.Selection(
        [
            ("review", "Accounting reviews and creates the invoice"),
            ("draft", "Create a draft invoice at once"),
            ("posted", "Create and post the invoice at once"),
        ],
        string="Quotation-to-Invoice Mode",
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
    crm_allow_claim_unowned = fields.Boolean(
        string="Salespeople Claim Unowned Customers",
        help="A CRM salesperson may make themselves the salesperson of a customer of the "
        "company that has none, and then sees its figures. Off: only CRM managers "
        "assign customers.",
    )

    def _get_followup_days(self, customer_class):
        """Days without contact after which a customer of ``customer_class`` needs a
        follow-up."""
        self.ensure_one()
        return {
            "A": self.crm_followup_days_a,
            "B": self.crm_followup_days_b,
            "C": self.crm_followup_days_c,
        }.get(customer_class or "", self.crm_followup_days_none)

from odoo import api, models

from ..const import PAYMENT_STATES, QUOTATION_STATES


class CrmCustomerFigures(models.AbstractModel):
    """The domains of the records behind each customer figure, for the card's lists."""

    _inherit = "crm.customer.figures"

    # ---------------------------------------------------------------- the lists
    # The records each figure counts or sums: the same conditions as the SQL of
    # crm_customer_figures.py.
    @api.model
    def _get_receivable_item_domain(self, commercial_ids):
        """Open receivable journal items of the customers: the lines making up the
        balance (:meth:`_get_receivable_columns`)."""
        return [
            ("partner_id.commercial_partner_id", "in", list(commercial_ids)),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("company_id", "in", self._get_companies().ids),
        ]

    @api.model
    def _get_open_invoice_domain(self, commercial_ids):
        """Customer invoices (not credit notes) not paid yet: the Open Invoices."""
        return [
            ("commercial_partner_id", "in", list(commercial_ids)),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("company_id", "in", self._get_companies().ids),
        ]

    @api.model
    def _get_quotation_domain(self, commercial_ids):
        """Open quotations (draft and sent) of the customers: the Quotations."""
        return [
            ("partner_id.commercial_partner_id", "in", list(commercial_ids)),
            ("state", "in", QUOTATION_STATES),
            ("company_id", "in", self._get_companies().ids),
        ]

    @api.model
    def _get_payment_domain(self, commercial_ids):
        """Payments received from the customers: the Payments and Last Payment."""
        return [
            ("partner_id.commercial_partner_id", "in", list(commercial_ids)),
            ("partner_type", "=", "customer"),
            ("payment_type", "=", "inbound"),
            ("state", "in", PAYMENT_STATES),
            ("company_id", "in", self._get_companies().ids),
        ]

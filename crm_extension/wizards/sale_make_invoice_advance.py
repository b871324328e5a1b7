from odoo import models


class SaleAdvancePaymentInv(models.TransientModel):
    _inherit = "sale.advance.payment.inv"

    def _create_invoices(self, sale_orders):
        # regular invoices and down payments alike
        sale_orders._crm_check_native_invoicing()
        return super()._create_invoices(sale_orders)

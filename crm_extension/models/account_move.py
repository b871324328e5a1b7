from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _crm_notify_orders(self):
        orders = self.filtered(lambda m: m.is_invoice()).invoice_line_ids.sale_line_ids.order_id
        orders._crm_invoices_changed()

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        posted._crm_notify_orders()
        return posted

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        self._crm_notify_orders()
        return res

    def button_cancel(self):
        res = super().button_cancel()
        invoices = self.filtered(lambda m: m.move_type == "out_invoice" and m.state == "cancel")
        invoices.invoice_line_ids.sale_line_ids.order_id._crm_invoices_cancelled()
        return res

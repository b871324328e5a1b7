from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _crm_orders(self):
        return self.filtered(lambda m: m.is_invoice()).invoice_line_ids.sale_line_ids.order_id

    def _crm_notify_orders(self):
        self._crm_orders()._crm_invoices_changed_hook()

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
        # an order sent to accounting whose invoice is cancelled is back in the queue
        self._crm_orders()._crm_invoices_reset_hook()
        return res

    def button_draft(self):
        orders = self._crm_orders()
        res = super().button_draft()
        # an invoice reset to draft (or a cancelled one revived) waits to be posted again
        orders._crm_invoices_reset_hook()
        return res

    def unlink(self):
        orders = self._crm_orders()
        res = super().unlink()
        # a deleted draft: the order is back with accounting
        orders.exists()._crm_invoices_reset_hook()
        return res

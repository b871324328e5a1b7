from odoo import fields, models
from odoo.exceptions import AccessError, UserError


class SaleOrderAccountingReject(models.TransientModel):
    _name = "sale.order.accounting.reject"
    _description = "Reject Orders Sent to Accounting"

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)
    reason = fields.Text(required=True)

    def action_reject(self):
        self.ensure_one()
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only billing users can reject orders sent by sales."))
        if not (self.reason or "").strip():
            raise UserError(self.env._("Tell the salesperson why the order is rejected."))
        orders = self.order_ids
        wrong = orders.filtered(lambda o: o.accounting_state != "requested")
        if wrong:
            raise UserError(
                self.env._(
                    "Only orders waiting for an invoice can be rejected: %(orders)s.",
                    orders=", ".join(wrong.mapped("display_name")),
                )
            )
        # sudo: billing users need not have write access to orders; what the rejection
        # writes (its workflow fields, the to-dos and the note) is checked above
        orders.sudo().write(
            {"accounting_state": "rejected", "accounting_reject_reason": self.reason}
        )
        orders.sudo().activity_feedback(["mail.mail_activity_data_todo"])
        orders._message_log_batch(
            dict.fromkeys(
                orders.ids,
                self.env._("Rejected by accounting: %(reason)s", reason=self.reason),
            )
        )
        for order in orders:
            user = order.user_id or order.accounting_requested_by or self.env.user
            # the to-do in the salesperson's language
            lang_env = self.with_context(lang=user.lang or self.env.lang).env
            # sudo: the to-do is the salesperson's, on an order accounting may not edit
            order.sudo().activity_schedule(
                "mail.mail_activity_data_todo",
                summary=lang_env._("Fix %(order)s rejected by accounting", order=order.name),
                note=self.reason,
                user_id=user.id,
            )
        return {"type": "ir.actions.act_window_close"}

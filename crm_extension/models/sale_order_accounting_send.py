from odoo import fields, models
from odoo.exceptions import AccessError, UserError


# one concern per file (issue 12): the bridge's state machine is sale_order_accounting.py
class SaleOrder(models.Model):
    """Sales hand orders over to accounting (the first step of the bridge)."""

    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    def _crm_check_send_rights(self):
        user = self.env.user
        if self.env.su or user.has_group("sales_team.group_sale_manager"):
            return
        if user.has_group("sales_team.group_sale_salesman"):
            others = self.filtered(lambda o: o.user_id != user)
            if not others:
                return
            raise AccessError(
                self.env._(
                    "You can only send your own orders to accounting: %(orders)s "
                    "belong to another salesperson.",
                    orders=", ".join(others.mapped("display_name")),
                )
            )
        raise AccessError(self.env._("Only sales users can send orders to accounting."))

    def _crm_send_error(self):
        """Why this order cannot be sent to accounting, or False."""
        self.ensure_one()
        if self.company_id not in self.env.companies:
            return self.env._(
                "%(order)s belongs to company %(company)s, which is not among your "
                "active companies.",
                order=self.display_name,
                company=self.company_id.name,
            )
        if self.accounting_state in ("requested", "draft", "invoiced"):
            return self.env._(
                "%(order)s has already been sent to accounting.", order=self.display_name
            )
        if self.state == "cancel":
            return self.env._("%(order)s is cancelled.", order=self.display_name)
        if not self.order_line.filtered(lambda line: not line.display_type):
            return self.env._("%(order)s has no lines.", order=self.display_name)
        if not self.partner_id.active:
            return self.env._(
                "The customer %(customer)s of %(order)s is archived.",
                customer=self.partner_id.display_name,
                order=self.display_name,
            )
        if not self.partner_invoice_id:
            return self.env._("%(order)s has no invoice address.", order=self.display_name)
        if self.currency_id.is_zero(self.amount_total):
            return self.env._("The total of %(order)s is zero.", order=self.display_name)
        if self.state == "sale" and self.invoice_status in ("invoiced", "upselling"):
            return self.env._("%(order)s has nothing left to invoice.", order=self.display_name)
        # sudo: a salesperson cannot read journals; only whether the company has a
        # sales journal is asked
        journal = (
            self.env["account.journal"]
            .sudo()
            .search(
                [
                    *self.env["account.journal"]._check_company_domain(self.company_id),
                    ("type", "=", "sale"),
                ],
                limit=1,
            )
        )
        if not journal:
            return self.env._(
                "Company %(company)s has no sales journal: accounting cannot invoice %(order)s.",
                company=self.company_id.name,
                order=self.display_name,
            )
        return False

    def _crm_accounting_responsibles(self):
        self.ensure_one()
        company = self.company_id
        # sudo: the company's accounting responsibles and the billing group's users are
        # configuration a salesperson cannot read; only who gets the to-do is taken
        users = company.sudo().crm_accounting_user_ids.filtered(
            lambda u: u.active and company in u.company_ids
        )
        if not users:
            group = self.env.ref("account.group_account_invoice")
            users = (
                group.sudo()
                .all_user_ids.filtered(
                    lambda u: u.active and not u.share and company in u.company_ids
                )
                .sorted("id")
            )
        return users

    def action_send_to_accounting(self):
        """Hand these orders over to accounting (confirming the quotations)."""
        self._crm_check_send_rights()
        errors = [error for error in (order._crm_send_error() for order in self) if error]
        if errors:
            raise UserError("\n".join(errors))
        quotations = self.filtered(lambda o: o.state in ("draft", "sent"))
        if quotations:
            quotations.action_confirm()
        # sudo: the workflow fields are this action's, written after its checks
        self.sudo().write(
            {
                "accounting_state": "requested",
                "accounting_requested_by": self.env.user.id,
                "accounting_requested_date": fields.Datetime.now(),
                "accounting_reject_reason": False,
            }
        )
        self._message_log_batch(
            dict.fromkeys(
                self.ids,
                self.env._("Sent to accounting by %(user)s.", user=self.env.user.name),
            )
        )
        for orders in self.grouped("company_id").values():
            # the responsible depends on the company only
            responsible = orders[:1]._crm_accounting_responsibles()[:1]
            if not responsible:
                continue
            # the to-do in the responsible's language
            lang_env = self.with_context(lang=responsible.lang or self.env.lang).env
            for order in orders:
                # sudo: the to-do is the accountant's, on an order the salesperson sent
                order.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=lang_env._("Invoice %(order)s", order=order.name),
                    user_id=responsible.id,
                )
        to_invoice = self.filtered(lambda o: o.company_id.crm_invoice_mode in ("draft", "posted"))
        if to_invoice:
            # sudo: salespeople cannot invoice; the company asked for it, so do it for
            # them, once their own send rights were checked above (in this request,
            # like before: what a salesperson sends at once is a handful of orders)
            Invoicing = self.env["sale.order.accounting.invoice"].sudo()
            return Invoicing._prepare_notification(Invoicing._invoice_orders(to_invoice.sudo()))
        return True

    def _crm_to_send_on_entry(self):
        """The orders a "send to accounting on entry" stage sends."""
        return self.filtered(lambda o: o.accounting_state not in ("requested", "draft", "invoiced"))

    def _crm_check_stage_entry(self, stage):
        res = super()._crm_check_stage_entry(stage)
        if stage.crm_send_to_accounting:
            to_send = self._crm_to_send_on_entry()
            if to_send:
                to_send._crm_check_send_rights()
        return res

    def _crm_stage_entered(self, stage, old_stages, automatic=False):
        res = super()._crm_stage_entered(stage, old_stages, automatic=automatic)
        if stage.crm_send_to_accounting:
            to_send = self._crm_to_send_on_entry()
            if to_send:
                # with the rights of the mover; in sudo for a move by the system, whose
                # cause was checked by _crm_check_stage_entry before the move
                to_send.action_send_to_accounting()
        return res

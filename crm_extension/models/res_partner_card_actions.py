from odoo import fields, models


class ResPartner(models.Model):
    """The customer card's smart buttons: each opens the records its figure counts."""

    # one concern of res.partner per file (house style), not one class for all
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # ------------------------------------------------------------------ buttons
    # Each button opens exactly the records its figure counts or sums, as the current
    # user may read them: the domains of crm.customer.figures, and nothing for
    # a customer whose figures the card does not show the user.
    def _crm_card_action(self, xmlid, name, domain, help_text, context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        commercial = self.commercial_partner_id
        visible = self.env["crm.customer.figures"]._get_visible_commercial_ids(commercial.ids)
        if commercial.id not in visible:
            domain = [(0, "=", 1)]  # the card shows 0: the list shows nothing
        action["name"] = self.env._(
            "%(figure)s of %(customer)s", figure=name, customer=commercial.display_name
        )
        action["display_name"] = action["name"]
        action["domain"] = domain
        action["context"] = {"create": False, **(context or {})}
        action["help"] = f"<p>{help_text}</p>"
        return action

    def action_crm_balance(self):
        Figures = self.env["crm.customer.figures"]
        return self._crm_card_action(
            "account.action_account_moves_all",
            self.env._("Balance"),
            Figures._get_receivable_item_domain(self.commercial_partner_id.ids),
            self.env._(
                "The open receivable items making up the balance: invoices not paid "
                "yet, minus credit notes and payments not matched to an invoice yet."
            ),
        )

    def action_crm_overdue(self):
        Figures = self.env["crm.customer.figures"]
        today = fields.Date.context_today(self)
        return self._crm_card_action(
            "account.action_account_moves_all",
            self.env._("Overdue"),
            [
                *Figures._get_receivable_item_domain(self.commercial_partner_id.ids),
                ("date_maturity", "<", today),
            ],
            self.env._(
                "The open receivable items past their due date: overdue invoices, "
                "minus credit notes and unmatched payments dated before today."
            ),
        )

    def action_crm_open_invoices(self):
        Figures = self.env["crm.customer.figures"]
        return self._crm_card_action(
            "account.action_move_out_invoice_type",
            self.env._("Open Invoices"),
            Figures._get_open_invoice_domain(self.commercial_partner_id.ids),
            self.env._("Customer invoices not paid yet (credit notes are not counted)."),
        )

    def action_crm_quotations(self):
        Figures = self.env["crm.customer.figures"]
        return self._crm_card_action(
            "sale.action_quotations_with_onboarding",
            self.env._("Open Quotations"),
            Figures._get_quotation_domain(self.commercial_partner_id.ids),
            self.env._("Quotations not confirmed yet, sent to the customer or not."),
        )

    def action_crm_payments(self):
        Figures = self.env["crm.customer.figures"]
        return self._crm_card_action(
            "account.action_account_payments",
            self.env._("Payments"),
            Figures._get_payment_domain(self.commercial_partner_id.ids),
            self.env._("Payments received from the customer."),
        )

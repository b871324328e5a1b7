from odoo import models
from odoo.fields import Domain

# the orders with accounting: sent by sales, or invoiced in draft and waiting to be posted
QUEUE_STATES = ("requested", "draft")


class AccountJournal(models.Model):
    _inherit = "account.journal"

    def _crm_queue_domain(self):
        """Orders waiting for accounting (to invoice, or their draft invoice to post) that
        will be invoiced in this sales journal."""
        self.ensure_one()
        default = self._crm_default_sale_journals().get(self.company_id.id)
        journal_domain = Domain("journal_id", "=", self.id)
        if default == self:
            # like sale: an order without journal is invoiced in the first sales journal
            journal_domain |= Domain("journal_id", "=", False)
        return (
            Domain("accounting_state", "in", QUEUE_STATES)
            & Domain("company_id", "=", self.company_id.id)
            & journal_domain
        )

    def _crm_default_sale_journals(self):
        """{company id: the sales journal with the lowest sequence} of these journals' companies."""
        journals = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "in", self.company_id.ids)]
        )
        defaults = {}
        for journal in journals:  # ordered by sequence
            defaults.setdefault(journal.company_id.id, journal)
        return defaults

    def _fill_sale_purchase_dashboard_data(self, dashboard_data):
        super()._fill_sale_purchase_dashboard_data(dashboard_data)
        sale_journals = self.filtered(lambda j: j.type == "sale")
        Order = self.env["sale.order"]
        if not sale_journals or not Order.has_access("read"):
            return
        defaults = sale_journals._crm_default_sale_journals()
        counts = {}
        for company, journal, count in Order._read_group(
            [
                ("accounting_state", "in", QUEUE_STATES),
                ("company_id", "in", sale_journals.company_id.ids),
            ],
            ["company_id", "journal_id"],
            ["__count"],
        ):
            journal = journal or defaults.get(company.id)
            counts[journal.id] = counts.get(journal.id, 0) + count
        for journal in sale_journals:
            dashboard_data[journal.id]["crm_quotes_to_invoice"] = counts.get(journal.id, 0)

    def action_crm_quotes_to_invoice(self):
        """The accountant's queue, limited to the orders this journal will invoice."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "crm_extension.sale_order_action_accounting_queue"
        )
        action["domain"] = list(self._crm_queue_domain())
        return action

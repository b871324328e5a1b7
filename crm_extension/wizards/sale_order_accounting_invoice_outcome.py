"""What accounting's Create Invoice tells the accountant: the invoices made (linked), the
drafts to post and the orders not invoiced with their reason; the same message at once
and, for the background job, when it is done."""

from odoo import api, models


class SaleOrderAccountingInvoice(models.TransientModel):
    # the outcome of the wizard in its own file (house style: one concern per file)
    _inherit = "sale.order.accounting.invoice"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _prepare_notification(self, results):
        """The outcome of a batch, with a link to each invoice (up to 10 orders)."""
        done = [order for order, (_invoice, error) in results.items() if not error]
        failed = [(order, error) for order, (_invoice, error) in results.items() if error]
        drafts = [order for order in done if results[order][0].state == "draft"]
        posted = [order for order in done if order not in drafts]
        # the message is a format string filled with the links: "%" must be doubled
        lines, links = [], []

        def orders_line(orders, many, few):
            if len(orders) > 10:
                lines.append(many % {"count": len(orders)})
                return
            for order in orders:
                invoice = results[order][0]
                links.append(
                    {
                        "label": invoice.display_name,
                        "url": f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
                    }
                )
            lines.append(
                few
                % {"orders": ", ".join(f"{order.name.replace('%', '%%')} (%s)" for order in orders)}
            )

        if posted:
            orders_line(
                posted,
                self.env._("%(count)s orders invoiced."),
                self.env._("Invoiced: %(orders)s."),
            )
        if drafts:
            orders_line(
                drafts,
                self.env._(
                    "%(count)s draft invoices created: post them from Quotations to Invoice."
                ),
                self.env._("Draft invoices created, to be posted: %(orders)s."),
            )
        lines.extend(
            self.env._("Not invoiced: %(error)s", error=error.replace("%", "%%"))
            for _order, error in failed
        )
        return self._notification_action(
            "\n".join(lines), links, "warning" if failed else "success", bool(failed or drafts)
        )

    @api.model
    def _notification_action(self, message, links, kind, sticky):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Quotation to Invoice"),
                "message": message,
                "links": links,
                "type": kind,
                "sticky": sticky,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

"""Accounting's Create Invoice for the orders sent by sales, the way sale's
``sale.advance.payment.inv`` invoices a selection (addons/sale/wizard).

Extension points, each overridden with ``super()``:

- ``_get_orders_to_invoice()``: the orders the wizard invoices;
- the invoice values are sale's own: the wizard calls ``sale.order._create_invoices(
  grouped=True, final=True)``, so extend ``sale.order._prepare_invoice`` (and
  ``sale.order.line._prepare_invoice_line``); ``_create_order_invoices(orders)`` wraps
  that call, for what must happen around it;
- ``_get_invoice_error(order)``: why an order cannot be invoiced now;
- ``_check_invoice_totals(order, invoice)``: raise to refuse an invoice;
- ``_prepare_notification(results)``: what the accountant is told.

Selections above the interactive size are invoiced by a scheduled job (the background
part, ``sale_order_accounting_invoice_job.py``); what the accountant is told is in
``sale_order_accounting_invoice_outcome.py``.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, split_every


class SaleOrderAccountingInvoice(models.TransientModel):
    _name = "sale.order.accounting.invoice"
    _description = "Invoice Orders Sent to Accounting"
    # orders per transaction chunk: one native batch each, one committed step of the job
    _chunk_size = 100

    order_ids = fields.Many2many("sale.order", string="Orders", required=True)

    # ---------------------------------------------------------------- entry point
    @api.model
    def _check_invoicing_rights(self):
        if not self.env.su and not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only billing users can invoice orders sent by sales."))

    def action_create_invoices(self):
        """Invoice the orders at once, or hand a large selection to the background job."""
        self.ensure_one()
        self._check_invoicing_rights()
        orders = self._get_orders_to_invoice()
        if len(orders) > self._get_interactive_size():
            return self._action_queue(orders)
        results = self._invoice_orders(orders)
        if results and all(error for _invoice, error in results.values()):
            # nothing was done: say why plainly
            raise UserError("\n".join(error for _invoice, error in results.values()))
        return self._prepare_notification(results)

    def _get_orders_to_invoice(self):
        """The orders this wizard invoices: the selection, as it still exists."""
        self.ensure_one()
        return self.order_ids.exists()

    # ---------------------------------------------------------------- invoicing
    @api.model
    def _invoice_orders(self, orders):
        """Invoice ``orders`` chunk by chunk in this transaction; {order: (invoice, error)}.

        A failing order fails alone: nothing of it is written, the others are invoiced.
        """
        results = {}
        for chunk in split_every(self._chunk_size, orders.ids, orders.browse):
            results.update(self._invoice_chunk(chunk))
        return results

    @api.model
    def _lock_orders(self, orders):
        """Lock the rows of the orders nobody else is invoicing right now.

        ``SKIP LOCKED`` rather than ``NOWAIT``: it answers at once like ``NOWAIT``, but
        tells which orders of a selection are busy, so only those fail. ``NO KEY UPDATE``
        (the lock an UPDATE takes) rather than ``UPDATE``: two invoicers still exclude
        each other, but the foreign keys to the order (this wizard's selection, a
        message) do not wait on it.
        Returns (locked orders, orders locked by another transaction).
        """
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_order WHERE id IN %s ORDER BY id "
                "FOR NO KEY UPDATE SKIP LOCKED",
                tuple(orders.ids),
            )
        )
        locked = orders.browse(row[0] for row in self.env.cr.fetchall())
        # read what a transaction that held the lock before us may have written
        locked.invalidate_recordset()
        return locked, orders - locked

    @api.model
    def _busy_error(self, order):
        return self.env._(
            "%(order)s is already being invoiced by someone else; try again in a moment.",
            order=order.display_name,
        )

    @api.model
    def _invoice_chunk(self, orders):
        Move = self.env["account.move"]
        locked, busy = self._lock_orders(orders)
        results = {order: (Move, self._busy_error(order)) for order in busy}
        ready = orders.browse()
        for order in locked:
            error = self._get_invoice_error(order)
            if error:
                results[order] = (Move, error)
            else:
                ready |= order
        # all at once, like native batch invoicing; if one order fails, again one by
        # one so that only that one fails
        batches = [ready] if len(ready) > 1 else []
        batches += list(ready)
        for batch in batches:
            if all(order in results for order in batch):
                continue
            try:
                with self.env.cr.savepoint():
                    invoices = self._create_order_invoices(batch)
            except UserError as error:
                if len(batch) > 1:
                    continue
                message = error.args[0]
                if batch.name not in message:
                    message = self.env._("%(order)s: %(error)s", order=batch.name, error=message)
                results[batch] = (Move, message)
            else:
                results.update({order: (invoices[order], False) for order in batch})
        return results

    def _get_invoice_error(self, order):
        """Why accounting cannot invoice ``order`` now, or False."""
        if order.accounting_state != "requested":
            return self.env._(
                "%(order)s is not waiting for an invoice (it is %(state)s).",
                order=order.display_name,
                state=dict(order._fields["accounting_state"]._description_selection(self.env))[
                    order.accounting_state
                ],
            )
        if order.accounting_invoicing_user_id and not self._is_job_of(order):
            return self.env._(
                "%(order)s is already being invoiced in the background for %(user)s.",
                order=order.display_name,
                user=order.accounting_invoicing_user_id.name,
            )
        if order.state != "sale":
            return self.env._("%(order)s is not confirmed.", order=order.display_name)
        return False

    @api.model
    def _create_order_invoices(self, orders):
        """Invoice ``orders``, one invoice each, in one native batch; {order: invoice}.

        Raises a UserError naming the order at the first problem (the caller rolls back).
        """
        first_invoices = orders.filtered(
            lambda o: not o.invoice_ids.filtered(lambda m: m.state != "cancel")
            and not any(o.order_line.mapped("is_downpayment"))
        )
        # sudo like the native invoicing wizard (accountants need not be salespeople);
        # final: deduct down payments, like the wizard by default
        moves = orders.sudo()._create_invoices(grouped=True, final=True).sudo(self.env.su)
        invoices = {}
        for move in moves:
            invoices[move.line_ids.sale_line_ids.order_id] = move
        for order in orders:
            if order not in invoices:
                raise UserError(self.env._("%(order)s gave no invoice.", order=order.display_name))
        orders.invalidate_recordset(["invoice_status"])
        orders.order_line.invalidate_recordset(["invoice_status", "qty_invoiced", "qty_to_invoice"])
        fully = orders.filtered(lambda o: o.invoice_status == "invoiced")
        for order in fully & first_invoices:
            self._check_invoice_totals(order, invoices[order])
        to_post = moves.filtered(lambda m: m.company_id.crm_invoice_mode == "posted")
        self._log_invoiced(orders, fully, invoices, to_post)
        if to_post:
            # sudo: the invoices were created in sudo by sale's _create_invoices; the
            # billing right to post them was checked (_check_invoicing_rights)
            to_post.sudo().action_post()
        if fully:
            # sudo: the to-do of accounting may be another accountant's
            fully.sudo().activity_feedback(["mail.mail_activity_data_todo"])
        return invoices

    @api.model
    def _log_invoiced(self, orders, fully, invoices, to_post):
        """The new state of the fully invoiced orders (tracked, with the note as the
        tracking message's body) and a note on the partly invoiced ones."""
        partly = {}
        for order in orders:
            invoice = invoices[order]
            if order not in fully:
                partly[order.id] = self.env._(
                    "Partly invoiced by %(invoice)s: something is left to invoice "
                    "(e.g. quantities not delivered yet), so the order stays with accounting.",
                    invoice=invoice.display_name,
                )
            elif invoice in to_post:
                order._track_set_log_message(
                    self.env._("Invoiced: %(invoice)s.", invoice=invoice.display_name)
                )
            else:
                order._track_set_log_message(
                    self.env._(
                        "Draft invoice created: %(invoice)s, to be posted by accounting.",
                        invoice=invoice.display_name,
                    )
                )
        # a draft invoice still waits for accounting: "draft" until it is posted (then
        # account.move._post makes the order "invoiced", see _crm_accounting_sync);
        # written before posting, so that the posting finds the order's state up to date
        for posted, state_orders in fully.grouped(lambda o: invoices[o] in to_post).items():
            # sudo: billing users need not have write access to orders
            state_orders.sudo().accounting_state = "invoiced" if posted else "draft"
        if partly:
            orders.browse(partly)._message_log_batch(partly)

    def _check_invoice_totals(self, order, invoice):
        """Refuse an invoice whose amounts differ from its order's."""
        currency = order.currency_id
        differences = []
        for label, order_amount, invoice_amount in (
            (self.env._("untaxed amount"), order.amount_untaxed, invoice.amount_untaxed),
            (self.env._("taxes"), order.amount_tax, invoice.amount_tax),
            (self.env._("total"), order.amount_total, invoice.amount_total),
        ):
            if invoice.currency_id != currency or currency.compare_amounts(
                order_amount, invoice_amount
            ):
                differences.append(
                    self.env._(
                        "%(label)s: order %(order_amount)s, invoice %(invoice_amount)s",
                        label=label,
                        order_amount=currency.format(order_amount),
                        invoice_amount=invoice.currency_id.format(invoice_amount),
                    )
                )
        if differences:
            raise UserError(
                self.env._(
                    "The invoice of %(order)s does not match the order (%(differences)s); "
                    "nothing was invoiced.",
                    order=order.display_name,
                    differences="; ".join(differences),
                )
            )

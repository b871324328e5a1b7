import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, split_every

_logger = logging.getLogger(__name__)

# Order state -> stage trigger fired when an order reaches that state.
STATE_TRIGGERS = {"sent": "sent", "sale": "confirmed", "cancel": "cancelled"}


class SaleOrder(models.Model):
    _name = "sale.order"
    # the mixin (a mail.thread) must come before the model in the MRO
    _inherit = ["crm.pipeline.mixin", "sale.order"]
    _crm_pipeline_scope = "order"
    # orders invoiced per transaction chunk by the accounting bridge
    _crm_invoice_chunk_size = 100

    def _default_pipeline_stage_id(self):
        company = (
            self.env["res.company"].browse(self.env.context.get("default_company_id"))
            or self.env.company
        )
        return self.env["crm.pipeline.stage"]._first_stage("order", company)

    pipeline_stage_id = fields.Many2one(
        domain="[('scope', '=', 'order'), ('company_id', 'in', [company_id, False])]",
        default=_default_pipeline_stage_id,
    )
    pipeline_probability = fields.Float(
        related="pipeline_stage_id.probability", string="Probability"
    )
    pipeline_is_won = fields.Boolean(related="pipeline_stage_id.is_won")
    pipeline_is_lost = fields.Boolean(related="pipeline_stage_id.is_lost")

    # ---------------------------------------------------------------- conditions
    def _crm_is_fully_invoiced(self):
        """Everything invoiceable is on posted invoices."""
        self.ensure_one()
        invoices = self.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")
        return (
            self.state == "sale"
            and self.invoice_status == "invoiced"
            and bool(invoices)
            and all(move.state != "draft" for move in invoices)
            and any(move.state == "posted" for move in invoices)
        )

    def _crm_is_paid(self):
        self.ensure_one()
        invoices = self.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state == "posted"
        )
        return self._crm_is_fully_invoiced() and all(
            move.payment_state in ("paid", "in_payment") for move in invoices
        )

    def _crm_trigger_holds(self, trigger):
        self.ensure_one()
        return {
            "sent": self.state in ("sent", "sale"),
            "confirmed": self.state == "sale",
            "invoiced": self._crm_is_fully_invoiced(),
            "paid": self._crm_is_paid(),
            "cancelled": self.state == "cancel",
        }[trigger]

    def _crm_stage_condition_error(self, stage):
        if not stage.trigger or self._crm_trigger_holds(stage.trigger):
            return False
        reason = dict(stage._fields["trigger"]._description_selection(self.env))[stage.trigger]
        return self.env._(
            "%(order)s cannot move to stage %(stage)s by hand: that stage means "
            "“%(reason)s”, which is not true of this order yet.",
            order=self.display_name,
            stage=stage.name,
            reason=reason,
        )

    # ---------------------------------------------------------------- events
    def _crm_fire_stage_trigger(self, trigger, silent=False):
        """Move the orders whose ``trigger`` event happened into the matching stage.

        Never moves an order back from a later stage, except on cancellation.
        ``silent``: installation, the orders enter the stage without the bookkeeping
        of a move (see ``_crm_enter_stage_silently``).
        """
        orders = self.filtered(lambda o: o._crm_trigger_holds(trigger))
        if not orders:
            return
        Stage = self.env["crm.pipeline.stage"].sudo()
        reason = dict(Stage._fields["trigger"]._description_selection(self.env))[trigger]
        for company, company_orders in orders.grouped("company_id").items():
            target = Stage.search(
                [
                    ("scope", "=", "order"),
                    ("trigger", "=", trigger),
                    ("company_id", "in", [company.id, False]),
                ],
                limit=1,
            )
            if not target:
                continue
            key = (target.sequence, target.id)
            to_move = company_orders.filtered(
                lambda o, target=target, key=key: o.pipeline_stage_id != target
                and (
                    trigger == "cancelled"
                    or not o.pipeline_stage_id
                    or (o.pipeline_stage_id.sequence, o.pipeline_stage_id.id) < key
                )
            )
            if silent:
                to_move._crm_enter_stage_silently(target)
            else:
                # in the env of whoever caused the event: the move is done in sudo
                # (an accountant posting or paying an invoice moves the order), its
                # entry actions are checked with their rights
                to_move._crm_move_to_stage(target, reason)

    def _crm_init_pipeline_stage(self):
        """Stage of orders that had none: the first one, then as far as their events go."""
        res = super()._crm_init_pipeline_stage()
        for trigger in ("sent", "confirmed", "invoiced", "paid", "cancelled"):
            self._crm_fire_stage_trigger(trigger, silent=True)
        return res

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") in STATE_TRIGGERS:
            self._crm_fire_stage_trigger(STATE_TRIGGERS[vals["state"]])
        return res

    def _crm_invoices_changed(self):
        """Called when invoices of these orders are posted or paid."""
        # paid first: an order paid at once goes straight to the later stage
        # posting or paying never takes an invoice away: only orders still with
        # accounting can change their state
        self.filtered(lambda o: o.accounting_state in ("requested", "draft"))._crm_accounting_sync()
        self._crm_fire_stage_trigger("paid")
        self._crm_fire_stage_trigger("invoiced")

    # ---------------------------------------------------------------- quote-to-invoice bridge
    accounting_state = fields.Selection(
        [
            ("none", "Not Sent"),
            ("requested", "Sent to Accounting"),
            ("draft", "Draft Invoice"),
            ("invoiced", "Invoiced"),
            ("rejected", "Rejected"),
        ],
        string="Accounting Status",
        default="none",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    accounting_requested_by = fields.Many2one(
        "res.users", string="Sent to Accounting By", copy=False, readonly=True
    )
    accounting_requested_date = fields.Datetime(
        string="Sent to Accounting On", copy=False, readonly=True
    )
    accounting_reject_reason = fields.Text(string="Rejection Reason", copy=False, readonly=True)
    crm_can_invoice = fields.Boolean(
        string="Can Invoice",
        compute="_compute_crm_can_invoice",
        help="Whether the current user may invoice the order with Odoo's own Create "
        "Invoice: in review mode, only billing users may.",
    )

    @api.depends("company_id.crm_invoice_mode")
    @api.depends_context("uid")
    def _compute_crm_can_invoice(self):
        billing = self.env.user.has_group("account.group_account_invoice")
        for order in self:
            order.crm_can_invoice = billing or order.company_id.crm_invoice_mode != "review"

    def _crm_check_native_invoicing(self):
        """In "review by accounting" mode, invoicing an order is for billing users only
        (the bridge and the system invoice in sudo)."""
        if self.env.su or self.env.user.has_group("account.group_account_invoice"):
            return
        review = self.filtered(lambda o: o.company_id.crm_invoice_mode == "review")
        if review:
            raise AccessError(
                self.env._(
                    "Accounting reviews the orders of %(company)s before invoicing them: "
                    "send %(orders)s to accounting instead of invoicing it yourself.",
                    company=", ".join(review.company_id.mapped("name")),
                    orders=", ".join(review.mapped("display_name")),
                )
            )

    def _create_invoices(self, grouped=False, final=False, date=None):
        self._crm_check_native_invoicing()
        moves = super()._create_invoices(grouped=grouped, final=final, date=date)
        if not self.env.su:
            # a billing user invoicing an order sent to accounting with Odoo's own
            # wizard: its state follows (the bridge, in sudo, sets it itself)
            self._crm_accounting_sync()
        return moves

    def _crm_workflow_fields(self):
        return super()._crm_workflow_fields() + [
            "accounting_state",
            "accounting_requested_by",
            "accounting_requested_date",
            "accounting_reject_reason",
        ]

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
            for order in orders:
                order.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    summary=self.env._("Invoice %(order)s", order=order.name),
                    user_id=responsible.id,
                )
        to_invoice = self.filtered(lambda o: o.company_id.crm_invoice_mode in ("draft", "posted"))
        if to_invoice:
            # sudo: salespeople cannot invoice; the company asked for it, so do it for
            # them, once their own send rights were checked above
            results = to_invoice.sudo()._crm_accounting_invoice_batch()
            return self._crm_accounting_notification(results)
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

    def action_accounting_create_invoice(self):
        """Accountant: create (and post, per company setting) one invoice per order."""
        if not self.env.su and not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only billing users can invoice orders sent by sales."))
        # a large selection is committed chunk by chunk: what is done stays done
        results = self._crm_accounting_invoice_batch(
            commit=len(self) > self._crm_invoice_chunk_size
        )
        if results and all(error for invoice, error in results.values()):
            # nothing was done: say why plainly
            raise UserError("\n".join(error for invoice, error in results.values()))
        return self._crm_accounting_notification(results)

    def _crm_lock_for_invoicing(self):
        """Lock the rows of the orders nobody else is invoicing right now.

        ``SKIP LOCKED`` rather than ``NOWAIT``: it answers at once like ``NOWAIT``, but
        tells which orders of a selection are busy, so only those fail.
        Returns (locked orders, orders locked by another transaction).
        """
        self.env.cr.execute(
            SQL(
                "SELECT id FROM sale_order WHERE id IN %s ORDER BY id FOR UPDATE SKIP LOCKED",
                tuple(self.ids),
            )
        )
        locked = self.browse(row[0] for row in self.env.cr.fetchall())
        # read what a transaction that held the lock before us may have written
        locked.invalidate_recordset()
        return locked, self - locked

    def _crm_accounting_invoice_batch(self, commit=False):
        """Invoice the orders chunk by chunk; return {order: (invoice, error)}.

        A failing order fails alone: nothing of it is written, the others are invoiced.
        With ``commit``, every chunk is committed when done (the locks it took are
        released, and a later failure cannot undo it); the cache is emptied between
        chunks so that the cost per order does not grow with the selection.
        """
        results = {}
        chunks = list(split_every(self._crm_invoice_chunk_size, self.exists().ids, self.browse))
        for index, chunk in enumerate(chunks):
            results.update(chunk._crm_accounting_invoice_chunk())
            if index + 1 < len(chunks):
                self.env.flush_all()
                if commit and self.env["account.move"]._can_commit():
                    # the native way to commit a step of a long batch (logs progress in crons)
                    self.env["ir.cron"]._commit_progress(len(chunk))
                self.env.invalidate_all()
        return results

    def _crm_accounting_invoice_chunk(self):
        Move = self.env["account.move"]
        locked, busy = self._crm_lock_for_invoicing()
        results = {
            order: (
                Move,
                self.env._(
                    "%(order)s is already being invoiced by someone else; try again in a moment.",
                    order=order.display_name,
                ),
            )
            for order in busy
        }
        ready = self.browse()
        for order in locked:
            error = order._crm_invoice_error()
            if error:
                results[order] = (Move, error)
            else:
                ready |= order
        # all at once, like native batch invoicing; if one order fails, again one by
        # one so that only that one fails
        batches = [ready] if len(ready) > 1 else []
        batches += [order for order in ready]
        for batch in batches:
            if all(order in results for order in batch):
                continue
            try:
                with self.env.cr.savepoint():
                    invoices = batch._crm_accounting_invoice()
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

    def _crm_invoice_error(self):
        """Why accounting cannot invoice this order now, or False."""
        self.ensure_one()
        if self.accounting_state != "requested":
            return self.env._(
                "%(order)s is not waiting for an invoice (it is %(state)s).",
                order=self.display_name,
                state=dict(self._fields["accounting_state"]._description_selection(self.env))[
                    self.accounting_state
                ],
            )
        if self.state != "sale":
            return self.env._("%(order)s is not confirmed.", order=self.display_name)
        return False

    def _crm_accounting_invoice(self):
        """Invoice these orders, one invoice each, in one batch; return {order: invoice}.

        Raises a UserError naming the order at the first problem (the caller rolls back).
        """
        first_invoices = self.filtered(
            lambda o: not o.invoice_ids.filtered(lambda m: m.state != "cancel")
            and not any(o.order_line.mapped("is_downpayment"))
        )
        # sudo like the native invoicing wizard (accountants need not be salespeople);
        # final: deduct down payments, like the wizard by default
        moves = self.sudo()._create_invoices(grouped=True, final=True).sudo(self.env.su)
        invoices = {}
        for move in moves:
            invoices[move.line_ids.sale_line_ids.order_id] = move
        for order in self:
            if order not in invoices:
                raise UserError(self.env._("%(order)s gave no invoice.", order=order.display_name))
        self.invalidate_recordset(["invoice_status"])
        self.order_line.invalidate_recordset(["invoice_status", "qty_invoiced", "qty_to_invoice"])
        fully = self.filtered(lambda o: o.invoice_status == "invoiced")
        for order in fully & first_invoices:
            order._crm_check_invoice_totals(invoices[order])
        to_post = moves.filtered(lambda m: m.company_id.crm_invoice_mode == "posted")
        # a draft invoice still waits for accounting: "draft" until it is posted (then
        # account.move._post makes the order "invoiced", see _crm_accounting_sync)
        new_states = {
            order: "invoiced" if invoices[order] in to_post else "draft" for order in fully
        }
        for state, orders in fully.grouped(lambda o: new_states[o]).items():
            # sudo: billing users need not have write access to orders; the change is
            # tracked below, with the note, in two queries for the whole batch; written
            # before posting, so that the posting finds the order's state up to date
            orders.sudo().with_context(tracking_disable=True).accounting_state = state
        if to_post:
            to_post.sudo().action_post()
        if fully:
            # sudo: the to-do of accounting may be another accountant's
            fully.sudo().activity_feedback(["mail.mail_activity_data_todo"])
        bodies = {}
        for order in self:
            if order in fully and new_states[order] == "draft":
                bodies[order.id] = self.env._(
                    "Draft invoice created: %(invoice)s, to be posted by accounting.",
                    invoice=invoices[order].display_name,
                )
            elif order in fully:
                bodies[order.id] = self.env._(
                    "Invoiced: %(invoice)s.", invoice=invoices[order].display_name
                )
            else:
                bodies[order.id] = self.env._(
                    "Partly invoiced by %(invoice)s: something is left to invoice "
                    "(e.g. quantities not delivered yet), so the order stays with accounting.",
                    invoice=invoices[order].display_name,
                )
        messages = self._message_log_batch(bodies)
        if fully:
            TrackingValue = self.env["mail.tracking.value"].sudo()
            field_info = self.fields_get(["accounting_state"], ["string", "type", "selection"])
            TrackingValue.create(
                [
                    {
                        **TrackingValue._create_tracking_values(
                            "requested",
                            new_states[order],
                            "accounting_state",
                            field_info["accounting_state"],
                            order,
                        ),
                        "mail_message_id": message.id,
                    }
                    for order, message in zip(self, messages, strict=True)
                    if order in fully
                ]
            )
        return invoices

    def _crm_check_invoice_totals(self, invoice):
        self.ensure_one()
        currency = self.currency_id
        differences = []
        for label, order_amount, invoice_amount in (
            (self.env._("untaxed amount"), self.amount_untaxed, invoice.amount_untaxed),
            (self.env._("taxes"), self.amount_tax, invoice.amount_tax),
            (self.env._("total"), self.amount_total, invoice.amount_total),
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
                    order=self.display_name,
                    differences="; ".join(differences),
                )
            )

    def _crm_accounting_notification(self, results):
        """The outcome of a batch, with a link to each invoice (up to 10 orders)."""
        done = [order for order, (invoice, error) in results.items() if not error]
        failed = [(order, error) for order, (invoice, error) in results.items() if error]
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
            for order, error in failed
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Quotation to Invoice"),
                "message": "\n".join(lines),
                "links": links,
                "type": "warning" if failed else "success",
                "sticky": bool(failed or drafts),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _crm_out_invoices(self):
        return self.invoice_ids.filtered(
            lambda m: m.move_type == "out_invoice" and m.state != "cancel"
        )

    def _crm_accounting_sync(self):
        """Make the state of orders sent to accounting follow their invoices.

        Called when invoices are posted, paid, reset to draft, cancelled or deleted:
        - no invoice left: back to "requested" (with accounting again);
        - everything invoiced, a draft among the invoices: "draft" (to be posted);
        - everything invoiced and posted: "invoiced";
        - a "draft" order whose draft was cancelled or deleted while something is left
          to invoice: back to "requested".
        """
        new_states = {}
        for order in self.filtered(
            lambda o: o.accounting_state in ("requested", "draft", "invoiced")
        ):
            invoices = order._crm_out_invoices()
            has_draft = any(move.state == "draft" for move in invoices)
            fully = order.invoice_status == "invoiced"
            state = order.accounting_state
            if not invoices:
                new = "requested"
            elif fully and has_draft:
                new = "draft"
            elif fully and state in ("requested", "draft"):
                new = "invoiced"
            elif state == "draft":
                new = "requested"
            else:
                new = state
            if new != state:
                new_states[order] = new
        if not new_states:
            return
        bodies = {
            "requested": self.env._(
                "Its invoices were cancelled or deleted: the order is back with accounting."
            ),
            "draft": self.env._("Its invoice is a draft: it waits to be posted by accounting."),
            "invoiced": self.env._("Its invoices are posted: the order is invoiced."),
        }
        orders = self.browse([order.id for order in new_states])
        for state, state_orders in orders.grouped(lambda o: new_states[o]).items():
            # sudo: whoever may post, cancel or delete the invoice moves the order on
            # (billing users need not have write access to orders)
            state_orders.sudo().accounting_state = state
            state_orders._message_log_batch(dict.fromkeys(state_orders.ids, bodies[state]))
            if state == "invoiced":
                # sudo: the to-do of accounting may be another accountant's
                state_orders.sudo().activity_feedback(["mail.mail_activity_data_todo"])

    def action_accounting_post_invoices(self):
        """Accountant: post the draft invoices of these orders sent by sales."""
        if not self.env.su and not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(
                self.env._("Only billing users can post the invoices of orders sent by sales.")
            )
        others = self.filtered(lambda o: o.accounting_state not in ("requested", "draft"))
        if others:
            raise UserError(
                self.env._(
                    "%(orders)s are not with accounting: post their invoices from the "
                    "invoices themselves.",
                    orders=", ".join(others.mapped("display_name")),
                )
            )
        drafts = self._crm_out_invoices().filtered(lambda m: m.state == "draft")
        if not drafts:
            raise UserError(
                self.env._(
                    "%(orders)s have no draft invoice to post: create their invoice first.",
                    orders=", ".join(self.mapped("display_name")),
                )
            )
        # with the user's rights: billing users post invoices
        drafts.action_post()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Quotation to Invoice"),
                "message": self.env._(
                    "Posted: %(invoices)s.", invoices=", ".join(["%s"] * len(drafts))
                )
                if len(drafts) <= 10
                else self.env._("%(count)s invoices posted.", count=len(drafts)),
                "links": [
                    {
                        "label": move.display_name,
                        "url": f"/odoo/action-account.action_move_out_invoice_type/{move.id}",
                    }
                    for move in drafts
                ]
                if len(drafts) <= 10
                else [],
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_accounting_reject(self):
        if not self.env.user.has_group("account.group_account_invoice"):
            raise AccessError(self.env._("Only billing users can reject orders sent by sales."))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reject"),
            "res_model": "sale.order.accounting.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_ids": self.ids},
        }

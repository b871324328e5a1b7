"""The background part of accounting's Create Invoice: a selection above the interactive
size is marked on the orders (``accounting_invoicing_user_id``) and handed to the
scheduled job ``ir_cron_accounting_invoice``, triggered at once.

The job works through it chunk by chunk, committing each chunk with the invoices, the
orders' new state, the removal of their mark and the outcome so far
(``ir.cron._commit_progress``): a worker killed mid-chunk loses that chunk only, which
the next run redoes; an order whose invoice was committed is no longer marked, nor
"Sent to Accounting", so it is never invoiced twice. When the selection is done, the
accountant is told what was invoiced and what failed and why (a notification in the
browser and a message in their inbox).
"""

from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError

INTERACTIVE_SIZE_PARAM = "crm_extension.accounting_invoice_interactive_size"
INTERACTIVE_SIZE = 100


class SaleOrderAccountingInvoice(models.TransientModel):
    _inherit = "sale.order.accounting.invoice"

    job_state = fields.Selection(
        [("interactive", "At Once"), ("queued", "In the Background"), ("done", "Done")],
        default="interactive",
        required=True,
    )
    queued_order_ids = fields.Many2many(
        "sale.order",
        "sale_order_accounting_invoice_queued_rel",
        "wizard_id",
        "order_id",
        string="Orders Invoiced in the Background",
    )
    # {order id: [invoice id or False, error or False]}, committed with each chunk
    job_results = fields.Json(string="Outcome So Far", default=dict)

    @api.model
    def _get_interactive_size(self):
        """Above this many orders, Create Invoice hands the selection to the job."""
        # sudo: a system parameter, which only administrators read
        param = self.env["ir.config_parameter"].sudo().get_param(INTERACTIVE_SIZE_PARAM)
        return int(param) if param else INTERACTIVE_SIZE

    def _is_job_of(self, order):
        """Whether ``order`` is marked for this wizard's own background run."""
        return self.job_state == "queued" and order in self.queued_order_ids

    def _action_queue(self, orders):
        """Mark ``orders`` for the job and trigger it; tell which ones were refused."""
        locked, busy = self._lock_orders(orders)
        refused = {order: self._busy_error(order) for order in busy}
        for order in locked:
            error = self._get_invoice_error(order)
            if error:
                refused[order] = error
        queued = locked.filtered(lambda o: o not in refused)
        if not queued:
            raise UserError("\n".join(refused.values()))
        # sudo: billing users need not have write access to orders; the mark is this
        # action's, written after its checks
        queued.sudo().accounting_invoicing_user_id = self.env.user
        self.write(
            {
                "job_state": "queued",
                "queued_order_ids": [Command.set(queued.ids)],
                "job_results": {},
            }
        )
        self.env.ref("crm_extension.ir_cron_accounting_invoice")._trigger()
        lines = [
            self.env._(
                "%(count)s orders are being invoiced in the background: you will be told "
                "when it is done.",
                count=len(queued),
            )
        ]
        lines += [
            self.env._("Not invoiced: %(error)s", error=error.replace("%", "%%"))
            for error in refused.values()
        ]
        return self._notification_action(
            "\n".join(lines), [], "warning" if refused else "info", bool(refused)
        )

    # ---------------------------------------------------------------- the job
    @api.model
    def _cron_accounting_invoice(self):
        """Scheduled job: invoice the selections handed over by accountants."""
        self._adopt_orphan_orders()
        for wizard in self.search([("job_state", "=", "queued")], order="id"):
            # as the accountant who asked: their name on the invoices and the chatter,
            # the outcome in their language
            accountant = wizard.create_uid
            if not wizard.with_user(accountant).with_context(lang=accountant.lang)._job_run():
                return  # out of time, or orders busy: the job runs again for the rest

    @api.model
    def _adopt_orphan_orders(self):
        """Orders still marked whose wizard is gone (transient records are vacuumed):
        a new batch for each accountant."""
        # sudo: the scheduler looks for the marks of every accountant; each new batch
        # then runs as the accountant who made the mark
        Order = self.env["sale.order"].sudo()
        marked = Order.search([("accounting_invoicing_user_id", "!=", False)])
        orphans = marked - self.search([("job_state", "=", "queued")]).queued_order_ids
        for user, orders in orphans.grouped("accounting_invoicing_user_id").items():
            self.with_user(user).create(
                {
                    "order_ids": [Command.set(orders.ids)],
                    "queued_order_ids": [Command.set(orders.ids)],
                    "job_state": "queued",
                }
            )

    def _job_todo(self):
        done = self.job_results or {}
        return self.queued_order_ids.sorted("id").filtered(
            lambda o: o.accounting_invoicing_user_id and str(o.id) not in done
        )

    def _job_run(self):
        """Invoice this wizard's queued orders chunk by chunk, committing each chunk.

        Returns whether the wizard is done (False: to be continued in the next run).
        """
        self.ensure_one()
        Cron = self.env["ir.cron"]
        Order = self.env["sale.order"]
        try:
            # the rights of the request, again: they may have changed since
            self._check_invoicing_rights()
        except AccessError as error:
            # sudo: without billing rights the accountant may not even read the orders
            # nor this wizard; only the marks are removed and the refusal is told
            wizard = self.sudo()
            todo = wizard._job_todo()
            todo.accounting_invoicing_user_id = False
            wizard.job_results = {str(order_id): [False, str(error)] for order_id in todo.ids}
            wizard._job_done()
            Cron._commit_progress(len(todo))
            return True
        busy = Order
        while todo := self._job_todo() - busy:
            locked, chunk_busy = self._lock_orders(todo[: self._chunk_size])
            busy |= chunk_busy
            if not locked:
                continue
            results = self._invoice_chunk(locked)
            # the mark goes with the outcome, in the transaction of the invoices
            # sudo: the mark is the job's workflow field (the orders it locked above)
            locked.sudo().accounting_invoicing_user_id = False
            self.job_results = {
                **(self.job_results or {}),
                **{
                    str(order.id): [invoice.id or False, error or False]
                    for order, (invoice, error) in results.items()
                },
            }
            # sudo: the progress counts every accountant's marked orders, only a count
            remaining = Order.sudo().search_count([("accounting_invoicing_user_id", "!=", False)])
            time_left = Cron._commit_progress(len(locked), remaining=remaining)
            self.env.invalidate_all()
            if not time_left:
                return False
        if busy:
            return False
        self._job_done()
        Cron._commit_progress()
        return True

    def _job_done(self):
        Order, Move = self.env["sale.order"], self.env["account.move"]
        results = {
            Order.browse(int(order_id)): (Move.browse(invoice_id or ()), error)
            for order_id, (invoice_id, error) in (self.job_results or {}).items()
        }
        self._send_job_outcome(self._prepare_notification(results))
        self.job_state = "done"

    def _send_job_outcome(self, action):
        """Tell the accountant: a notification in the browser, a message in the inbox."""
        params = action["params"]
        labels = tuple(link["label"] for link in params["links"])
        self.env.user._bus_send(
            "simple_notification",
            {
                "type": params["type"],
                "title": params["title"],
                "message": params["message"] % labels,
                "sticky": True,
            },
        )
        anchors = tuple(
            Markup('<a href="%s">%s</a>') % (link["url"], link["label"]) for link in params["links"]
        )
        body = escape(params["message"]).replace("\n", Markup("<br/>")) % anchors
        # sudo: the job writes to the accountant's inbox as OdooBot
        self.env["mail.thread"].sudo().message_notify(
            partner_ids=self.env.user.partner_id.ids,
            author_id=self.env.ref("base.partner_root").id,
            subject=params["title"],
            body=body,
        )

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError


class SaleOrder(models.Model):
    """The quote-to-invoice bridge's state machine: where an order sent to accounting
    stands, how it follows its invoices, and accounting's actions on it.

    Sending is in sale_order_accounting_send.py; invoicing in the wizard
    sale.order.accounting.invoice (wizards/sale_order_accounting_invoice.py).
    """

    _inherit = "sale.order"

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
    accounting_invoicing_user_id = fields.Many2one(
        "res.users",
        string="Being Invoiced For",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="The order is in a selection being invoiced in the background, for this "
        "accountant: they are told the outcome when it is done.",
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
            "accounting_invoicing_user_id",
        ]

    # ---------------------------------------------------------------- invoices changed
    def _crm_invoices_changed_hook(self):
        """Called by account.move when invoices of these orders are posted or paid."""
        # posting or paying never takes an invoice away: only orders still with
        # accounting can change their state
        self.filtered(lambda o: o.accounting_state in ("requested", "draft"))._crm_accounting_sync()
        # paid first: an order paid at once goes straight to the later stage
        self._crm_fire_stage_trigger("paid")
        self._crm_fire_stage_trigger("invoiced")

    def _crm_invoices_reset_hook(self):
        """Called by account.move when invoices of these orders are cancelled, reset to
        draft or deleted."""
        self._crm_accounting_sync()

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

    def action_accounting_create_invoice(self):
        """Accountant: create (and post, per company setting) one invoice per order.

        The queue's Create Invoice (list, form, kanban): the wizard
        sale.order.accounting.invoice does the work at once, or hands a large selection
        to its background job.
        """
        Wizard = self.env["sale.order.accounting.invoice"]
        Wizard._check_invoicing_rights()
        return Wizard.create({"order_ids": [Command.set(self.ids)]}).action_create_invoices()

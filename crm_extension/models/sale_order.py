from odoo import fields, models

# Order state -> stage trigger fired when an order reaches that state.
STATE_TRIGGERS = {"sent": "sent", "sale": "confirmed", "cancel": "cancelled"}
# Order state -> customer stage trigger (res.partner._apply_customer_trigger) it may fire.
CUSTOMER_TRIGGERS = {"sent": "first_sent", "sale": "first_confirmed", "cancel": "all_lost"}


class SaleOrder(models.Model):
    """The order pipeline: stages that follow the order's events.

    The quote-to-invoice bridge lives in sale_order_accounting.py (its state machine) and
    sale_order_accounting_send.py (sending to accounting); accounting's invoicing in the
    wizard sale.order.accounting.invoice (wizards/sale_order_accounting_invoice.py).
    """

    _name = "sale.order"
    # the mixin (a mail.thread) must come before the model in the MRO
    _inherit = ["crm.pipeline.mixin", "sale.order"]
    _crm_pipeline_scope = "order"

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
        # sudo: the stage a trigger names is the configuration's, found whatever the
        # user's companies; the move checks the record's company (_check_pipeline_stage)
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
        customer_trigger = CUSTOMER_TRIGGERS.get(vals.get("state"))
        if (
            not customer_trigger
            and vals.get("pipeline_stage_id")
            and self.env["crm.pipeline.stage"].browse(vals["pipeline_stage_id"]).is_lost
        ):
            customer_trigger = "all_lost"
        if customer_trigger:
            # the customer's stage follows the facts of its orders
            self.partner_id._apply_customer_trigger(customer_trigger)
        return res

import logging

from odoo import fields, models

from .sale_order_stage_document import SEND_ERRORS

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    """The invoice a stage sends the client on entry: the order's posted customer
    invoices not sent yet, through Odoo's invoice sending (``account.move.send``, by
    e-mail); before any is posted, the order remembers the stage
    (``crm_invoice_send_stage_id``) and sends them when they are posted
    (``_crm_invoices_changed_hook``, called by ``account.move._post`` whoever posts:
    accounting by hand, the bridge in its posted mode, its background job)."""

    # one concern per file: the quotation and the outcome are in sale_order_stage_document.py
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    crm_invoice_send_stage_id = fields.Many2one(
        "crm.pipeline.stage",
        string="Invoice to Send When Posted",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The order entered this stage, which sends the client the invoice, before "
        "its invoice was posted: the invoice is sent when accounting posts it.",
    )

    def _crm_workflow_fields(self):
        return super()._crm_workflow_fields() + ["crm_invoice_send_stage_id"]

    def _crm_check_stage_entry(self, stage):
        res = super()._crm_check_stage_entry(stage)
        if (
            stage.document_send == "invoice"
            and not self.env.su
            and not self.env.user.has_group("account.group_account_invoice")
        ):
            # the invoices are sent in sudo (sales have no right to send them), so only
            # for deals this user may change: an event they cause on an order they
            # cannot write does not send its invoices for them
            self.check_access("write")
        return res

    # ---------------------------------------------------------------- invoices
    def _crm_posted_invoices(self):
        """The posted customer invoices of the order."""
        # sudo: whoever moved the deal, the stage sends its invoices (salespeople may
        # not read them all)
        return self.sudo().invoice_ids.filtered(
            lambda move: move.move_type == "out_invoice" and move.state == "posted"
        )

    def _crm_send_invoices_on_entry(self, stage, resend=False):
        self.ensure_one()
        posted = self._crm_posted_invoices()
        to_send = posted if resend else posted.filtered(lambda move: not move.is_move_sent)
        if to_send:
            self._crm_send_invoices(to_send, stage)
        elif posted:
            self._message_log(
                body=self.env._(
                    "Stage %(stage)s did not send %(invoices)s: already sent to the client.",
                    stage=stage.name,
                    invoices=", ".join(posted.mapped("name")),
                )
            )
        else:
            # sudo: a workflow field, refused to client calls: the stage's entry sets it
            self.sudo().crm_invoice_send_stage_id = stage
            self._message_log(
                body=self.env._(
                    "Stage %(stage)s sends the client the invoice: it will be sent when "
                    "it is posted.",
                    stage=stage.name,
                )
            )

    def _crm_send_invoices(self, invoices, stage):
        """Send ``invoices`` (of this order) by e-mail with Odoo's invoice sending."""
        self.ensure_one()
        # sudo: sending invoices needs accounting rights; done for the order's own
        # posted customer invoices only, by e-mail, with the template the stage was
        # given by an administrator, to the recipients Odoo computes for it, once the
        # deal's move (or the posting) was allowed to its user (_crm_check_stage_entry)
        Send = self.env["account.move.send"].sudo()
        for invoice in invoices.sudo():
            try:
                template = stage.document_template_id or invoice._get_mail_template()
            except ValueError:
                # Odoo's own template was deleted
                template = self.env["mail.template"]
            problem = self._crm_template_problem(template, invoice.partner_id)
            recipients = self.env["res.partner"]
            if not problem:
                try:
                    with self.env.cr.savepoint() as savepoint:
                        lang = Send._get_default_mail_lang(invoice, template)
                        recipients = Send.with_context(
                            allow_partners_without_mail=True
                        )._get_default_mail_partner_ids(invoice, template, lang)
                        problem = self._crm_recipients_problem(recipients, invoice.partner_id)
                        if problem:
                            savepoint.close(rollback=True)
                        else:
                            Send._generate_and_send_invoices(
                                invoice, sending_methods=["email"], mail_template=template
                            )
                except SEND_ERRORS as error:
                    _logger.info("Stage %s could not send %s: %s", stage.id, invoice.name, error)
                    problem = ("error", invoice.partner_id, str(error))
            if problem:
                self._crm_document_not_sent(stage, "invoice", invoice.name, problem)
            else:
                self._crm_document_sent(stage, "invoice", invoice.name, recipients)

    def _crm_stage_left(self, old_stages):
        """A lost deal calls off the invoice an earlier stage was to send when posted
        (a deal moving on still sends it: its stage asked for it)."""
        res = super()._crm_stage_left(old_stages)
        lost = self.filtered(
            lambda order: order.pipeline_stage_id.is_lost and order.crm_invoice_send_stage_id
        )
        lost._message_log_batch(
            {
                order.id: self.env._(
                    "Stage %(stage)s will not send the invoice: the deal was lost.",
                    stage=order.crm_invoice_send_stage_id.name,
                )
                for order in lost
            }
        )
        # sudo: the workflow field, refused to client calls; the move was allowed
        lost.sudo().crm_invoice_send_stage_id = False
        return res

    def _crm_invoices_changed_hook(self):
        """Invoices were posted (or paid): send those an earlier stage asked for."""
        res = super()._crm_invoices_changed_hook()
        # sudo: whoever posts the invoice (accounting, the bridge) sends what the stage
        # asked for; the flag was set by the stage's entry only
        for order in self.sudo().filtered("crm_invoice_send_stage_id"):
            posted = order._crm_posted_invoices()
            if not posted:
                # a credit note was posted: the invoice is still to come
                continue
            stage = order.crm_invoice_send_stage_id
            order.crm_invoice_send_stage_id = False
            to_send = posted.filtered(lambda move: not move.is_move_sent)
            if to_send and stage.document_send == "invoice":
                order._crm_send_invoices(to_send, stage)
        return res

import logging

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import clean_context

from odoo.addons.base.models.ir_mail_server import MailDeliveryException

_logger = logging.getLogger(__name__)

# what a sending that fails raises: Odoo's errors for users (rights, validation, template
# rendering), the composer's ValueError, the mail server's refusal
SEND_ERRORS = (UserError, ValueError, MailDeliveryException)


class SaleOrder(models.Model):
    """The document a stage sends the client when a deal enters it (the stage's fields
    are in crm_pipeline_stage_document.py).

    - quotation: Odoo's own Send by e-mail of the order (``action_quotation_send``'s
      composer, with the stage's template): the e-mail is in the chatter, a draft
      becomes "sent", which may move the deal on to a later "Quotation sent" stage;
    - invoice: Odoo's invoice sending (``account.move.send``, e-mail) of the order's
      posted customer invoices not sent yet; before any is posted, the order remembers
      the stage (``crm_invoice_send_stage_id``) and sends them when they are posted
      (``_crm_invoices_changed_hook``, called by ``account.move._post`` whoever posts:
      accounting by hand, the bridge in its posted mode, its background job).

    Sent on the first entry into the stage only (the stage log says whether the deal was
    there before), unless the stage sends again. A client without an e-mail address, a
    missing or archived template, a sending that fails: nothing is sent, the
    salesperson gets a to-do and the chatter a note, the move itself goes through.
    """

    # one concern per file: the pipeline is in sale_order.py
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

    # ---------------------------------------------------------------- entry action
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

    def _get_stage_entry_actions(self, stage):
        actions = super()._get_stage_entry_actions(stage)
        if stage.document_send:
            actions.append(self._crm_send_stage_document)
        return actions

    def _crm_send_stage_document(self, stage):
        """Entry action of a stage that sends the client a document."""
        again = self._crm_entered_before(stage)
        if again and not stage.document_resend:
            again._message_log_batch(
                dict.fromkeys(
                    again.ids,
                    self.env._(
                        "Stage %(stage)s sends the client its document on the first entry "
                        "only: not sent again.",
                        stage=stage.name,
                    ),
                )
            )
        for order in self if stage.document_resend else self - again:
            if stage.document_send == "quotation":
                order._crm_send_quotation(stage)
            else:
                order._crm_send_invoices_on_entry(stage, resend=order in again)

    def _crm_entered_before(self, stage):
        """The orders of ``self`` that entered ``stage`` before this entry (which the
        log has already)."""
        # sudo: the log is the system's; it only tells how often each order came here
        counts = dict(
            self.env["crm.pipeline.stage.log"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", self.ids),
                    ("stage_to_id", "=", stage.id),
                ],
                ["res_id"],
                ["__count"],
            )
        )
        return self.filtered(lambda order: counts.get(order.id, 0) > 1)

    # ---------------------------------------------------------------- quotation
    def _crm_send_quotation(self, stage):
        """Send the quotation (or pro-forma, or confirmation) with the stage's template,
        the way the order's Send button does."""
        self.ensure_one()
        if self.env.context.get("mark_so_as_sent"):
            # Odoo's Send button (or another stage) is sending this very quotation by
            # e-mail: marking it as sent moved the deal here; the client gets it once
            self._message_log(
                body=self.env._(
                    "Stage %(stage)s did not send the quotation: it is being sent by e-mail "
                    "right now.",
                    stage=stage.name,
                )
            )
            return
        template = stage.document_template_id or self._find_mail_template()
        problem = self._crm_template_problem(template, self.partner_id)
        recipients = self.env["res.partner"]
        if not problem:
            try:
                with self.env.cr.savepoint() as savepoint:
                    composer = self._crm_quotation_composer(template)
                    recipients = composer.partner_ids
                    problem = self._crm_recipients_problem(recipients, self.partner_id)
                    if problem:
                        # nothing of the composer (nor a partner it found) stays
                        savepoint.close(rollback=True)
                    else:
                        composer.action_send_mail()
            except SEND_ERRORS as error:
                _logger.info("Stage %s could not send %s: %s", stage.id, self.name, error)
                problem = ("error", self.partner_id, str(error))
        if problem:
            self._crm_document_not_sent(stage, "quotation", self.name, problem)
        else:
            self._crm_document_sent(stage, "quotation", self.name, recipients)

    def _crm_quotation_composer(self, template):
        """Odoo's Send by e-mail composer of the order, with ``template``."""
        self.ensure_one()
        proforma = template == self.env.ref("sale.email_template_proforma", False)
        # discard_logo_check: the composer's own context, never the document layout
        # wizard Odoo opens first for an administrator without a layout
        order = self.with_context(proforma=proforma, discard_logo_check=True)
        context = order.action_quotation_send()["context"]
        # marked as sent like with the default template (Odoo does it in message_post)
        context.update(default_template_id=template.id, mark_so_as_sent=True)
        # the caller's defaults (the move's) are not the composer's; the composer's are
        # not for what sending creates (clean_context drops the "default_" keys)
        base = clean_context(self.env.context)
        composer = (
            self.env["mail.compose.message"]
            .with_env(self.env(context={**base, **context}))
            .create({})
        )
        return composer.with_env(self.env(context={**base, **clean_context(context)}))

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

    # ---------------------------------------------------------------- outcome
    def _crm_template_problem(self, template, customer):
        """Why ``template`` cannot send a document to ``customer`` (False if it can):
        ``(reason, customers, detail)`` like every problem of a sending."""
        if not template:
            return ("no_template", customer, "")
        if not template.active:
            return ("archived_template", customer, template.name)
        return False

    def _crm_recipients_problem(self, recipients, customer):
        without = recipients.filtered(lambda partner: not partner.email)
        if not recipients or without:
            return ("no_email", without or customer, "")
        return False

    def _crm_document_name(self, env, kind, name):
        if kind == "quotation":
            return env._("the quotation %(name)s", name=name)
        return env._("the invoice %(name)s", name=name)

    def _crm_document_reason(self, env, reason, detail):
        return {
            "no_email": env._("no e-mail address"),
            "no_template": env._("no e-mail template (Odoo's own was deleted)"),
            "archived_template": env._(
                "its e-mail template %(template)s is archived", template=detail
            ),
            "error": env._("the sending failed (%(error)s)", error=detail),
        }[reason]

    def _crm_document_sent(self, stage, kind, name, recipients):
        self._message_log(
            body=self.env._(
                "Stage %(stage)s sent %(document)s to %(recipients)s.",
                stage=stage.name,
                document=self._crm_document_name(self.env, kind, name),
                recipients=", ".join(f"{partner.name} <{partner.email}>" for partner in recipients),
            )
        )

    def _crm_document_not_sent(self, stage, kind, name, problem):
        """Nothing was sent: a to-do for the salesperson, a note in the chatter."""
        reason, customers, detail = problem
        owner = self.user_id.filtered("active") or self.env.user
        # the to-do in the salesperson's language
        owner_env = self.with_context(lang=owner.lang or self.env.lang).env
        summary = owner_env._(
            "Send %(document)s to %(customer)s: %(reason)s",
            document=self._crm_document_name(owner_env, kind, name),
            customer=", ".join(customers.mapped("display_name")),
            reason=self._crm_document_reason(owner_env, reason, detail),
        )
        # sudo: the move (or the posting) was allowed; the salesperson's to-do follows
        # from it whoever caused it (an accountant need not be able to edit the order).
        # Not "automated": the salesperson does it, no automation closes it (the
        # bridge marks the order's automated to-dos done when it is invoiced)
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo", summary=summary, user_id=owner.id, automated=False
        )
        self._message_log(
            body=self.env._(
                "Stage %(stage)s did not send %(document)s to %(customer)s: %(reason)s. "
                "%(user)s has a to-do to send it.",
                stage=stage.name,
                document=self._crm_document_name(self.env, kind, name),
                customer=", ".join(customers.mapped("display_name")),
                reason=self._crm_document_reason(self.env, reason, detail),
                user=owner.name,
            )
        )

import logging

from odoo import models
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
      posted customer invoices not sent yet, or when they are posted
      (sale_order_stage_document_invoice.py).

    Sent on the first entry into the stage only (the stage log says whether the deal was
    there before), unless the stage sends again. A client without an e-mail address, a
    missing or archived template, a sending that fails: nothing is sent, the
    salesperson gets a to-do and the chatter a note, the move itself goes through.
    """

    # one concern per file: the pipeline is in sale_order.py
    _inherit = "sale.order"  # pylint: disable=consider-merging-classes-inherited

    # ---------------------------------------------------------------- entry action
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

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# document sent on entry -> model of its mail templates
DOCUMENT_MODELS = {"quotation": "sale.order", "invoice": "account.move"}


class CrmPipelineStage(models.Model):
    """An order stage that sends the client a document when a deal enters it (the
    sending itself is in sale_order_stage_document.py)."""

    # one concern per file: the stage's own fields are in crm_pipeline_stage.py
    _inherit = "crm.pipeline.stage"  # pylint: disable=consider-merging-classes-inherited

    document_send = fields.Selection(
        [
            ("quotation", "Quotation / pro-forma by e-mail"),
            ("invoice", "Posted invoice by e-mail"),
        ],
        string="Send to the Client",
        help="When a deal enters this stage, send the client its quotation (or pro-forma, "
        "or order confirmation: as the template says) by e-mail, like the Send button of "
        "the order; or its posted invoices, like the Send button of the invoice, at once "
        "when they are posted already, else as soon as accounting posts them. Sending "
        "marks a draft quotation as sent, as Odoo does: a later stage with the trigger "
        "“Quotation sent” then receives the deal. A client without an e-mail address gets "
        "nothing and the salesperson a to-do instead.",
    )
    document_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', document_send == 'invoice' and 'account.move' or 'sale.order')]",
        ondelete="restrict",
        help="The template of the e-mail (and of its attachment). Empty: Odoo's own, the "
        "quotation or order confirmation template for a quotation, the invoice sending "
        "template for an invoice.",
    )
    document_resend = fields.Boolean(
        string="Send Again on Re-entry",
        help="A deal that enters this stage again gets the document again. Otherwise it is "
        "sent on the first entry only.",
    )

    @api.constrains("scope", "document_send", "document_template_id", "document_resend")
    def _check_document_on_entry(self):
        for stage in self:
            if stage.scope != "order" and (
                stage.document_send or stage.document_template_id or stage.document_resend
            ):
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s is a customer stage: only sale order stages can "
                        "send the client a document on entry.",
                        stage=stage.name,
                    )
                )
            template = stage.document_template_id
            if not template:
                continue
            model = DOCUMENT_MODELS.get(stage.document_send)
            if template.model != model:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s cannot use the e-mail template %(template)s: "
                        "sending the quotation needs a template of sale orders, sending "
                        "the invoice a template of invoices (choose what to send first).",
                        stage=stage.name,
                        template=template.name,
                    )
                )

    @api.onchange("document_send")
    def _onchange_document_send(self):
        template = self.document_template_id
        if template and template.model != DOCUMENT_MODELS.get(self.document_send):
            self.document_template_id = False

    @api.ondelete(at_uninstall=False)
    def _unlink_except_document(self):
        """Like the other automation of a stage (crm_pipeline_stage.py): a stage that
        sends documents is archived, or cleared of it first."""
        sending = self.filtered("document_send")
        if sending:
            raise UserError(
                self.env._(
                    "Stage %(stages)s sends the client a document on entry: archive it "
                    "instead, so that reports and history keep it. To really delete it, "
                    "first clear what it sends.",
                    stages=", ".join(sending.mapped("name")),
                )
            )

"""Issue 14, "Documents on entry": a stage sends the client the quotation (Odoo's Send by
e-mail) or the posted invoice (Odoo's invoice sending) when a deal enters it; once per
deal unless the stage sends again; a client without an e-mail address, a missing
template or a failing sending give the salesperson a to-do and send nothing."""

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged
from odoo.tools import convert_file, html2plaintext

from .common import BridgeCommon

# what a client can put in the context of any call (JSON-RPC, the web client)
CLIENT_SWITCHES = (
    {},
    {"crm_stage_automatic": True, "tracking_disable": True},
    {"mark_so_as_sent": True, "force_send": True, "crm_stage_init": True},
)


class StageDocumentCommon(BridgeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "acme@example.com"
        cls.todo = cls.env.ref("mail.mail_activity_data_todo")
        cls.quotation_template = cls.env.ref("sale.email_template_edi_sale")
        cls.proforma_template = cls.env.ref("sale.email_template_proforma")
        cls.invoice_template = cls.env.ref("account.email_template_edi_invoice")

    # ------------------------------------------------------------ helpers
    def _sends(self, stage, what="quotation", template=None, resend=False):
        stage.write(
            {
                "document_send": what,
                "document_template_id": template.id if template else False,
                "document_resend": resend,
            }
        )

    def _emails(self, record):
        """The e-mails posted on ``record`` with an attachment (the document)."""
        record.invalidate_recordset(["message_ids"])
        return record.sudo().message_ids.filtered(
            lambda m: m.message_type == "comment" and m.attachment_ids
        )

    def _mails(self, messages):
        return self.env["mail.mail"].sudo().search([("mail_message_id", "in", messages.ids)])

    def _notes(self, order, text):
        order.invalidate_recordset(["message_ids"])
        return [
            html2plaintext(body)
            for body in order.sudo().message_ids.mapped("body")
            if text in html2plaintext(body or "")
        ]

    def _todos(self, order):
        return order.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.todo and a.summary.startswith("Send ")
        )

    def _out_invoices(self, order):
        return order.sudo().invoice_ids.filtered(lambda m: m.move_type == "out_invoice")

    def _invoiced_by_accounting(self, order):
        """``order`` sent to accounting, invoiced and posted there; its invoice."""
        order.with_user(self.salesman).action_send_to_accounting()
        order.with_user(self.billing).action_accounting_create_invoice()
        order.with_user(self.billing).action_accounting_post_invoices()
        return self._out_invoices(order)

    def _move(self, order, stage, user=None):
        order.with_user(user or self.salesman).pipeline_stage_id = stage

    def _assert_quotation_sent_once(self, order, template):
        emails = self._emails(order)
        self.assertEqual(len(emails), 1, "one e-mail with the document")
        subject = template._render_field("subject", order.ids)[order.id]
        self.assertEqual(emails.subject, subject)
        self.assertEqual(emails.partner_ids, self.customer, "to the customer")
        self.assertEqual(emails.author_id, self.salesman.partner_id, "from who moved it")
        mail = self._mails(emails)
        self.assertEqual(mail.recipient_ids, self.customer)
        self.assertEqual(mail.attachment_ids, emails.attachment_ids)
        return emails


@tagged("post_install", "-at_install")
class TestStageSendsQuotation(StageDocumentCommon):
    def test_quotation_is_sent_like_the_send_button_when_the_deal_enters(self):
        self._sends(self.stage_installation, template=self.quotation_template)
        order = self._quotation()
        self._move(order, self.stage_installation)
        email = self._assert_quotation_sent_once(order, self.quotation_template)
        self.assertIn(order.name, email.attachment_ids.name)
        self.assertEqual(order.state, "sent", "marked as sent, as Odoo's Send does")
        # the "sent" trigger's stage (Approval) comes earlier: never back
        self.assertEqual(order.pipeline_stage_id, self.stage_installation)
        self.assertEqual(
            self._notes(order, "sent the quotation"),
            [
                f"Stage Installation sent the quotation {order.name} to "
                "Acme Kitchens <acme@example.com>."
            ],
        )
        self.assertFalse(self._todos(order))

    def test_an_earlier_quotation_stage_hands_the_sent_deal_on_to_the_sent_stage(self):
        """The order of events: the deal enters Measurements (its surveyor's visit is
        scheduled), its quotation goes out, which makes it "sent": the event moves it on
        to Approval ("Quotation sent"), which closes the visit like any move out."""
        self._sends(self.stage_measure, template=self.quotation_template)
        order = self._quotation()
        self._move(order, self.stage_measure)
        self._assert_quotation_sent_once(order, self.quotation_template)
        self.assertEqual(order.state, "sent")
        self.assertEqual(order.pipeline_stage_id, self.stage_approval)
        logs = self._logs(order)
        self.assertEqual(
            [(log.stage_to_id, log.automatic) for log in logs],
            [
                (self.stage_first_call, False),
                (self.stage_measure, False),
                (self.stage_approval, True),
            ],
        )
        self.assertEqual(logs[-1].user_id, self.salesman)
        self.assertFalse(
            self._stage_activities(order).filtered(lambda a: a.crm_stage_id == self.stage_measure)
        )

    def test_the_send_button_into_a_quotation_stage_sends_once(self):
        """Approval ("Quotation sent") sends the quotation: the salesperson's own Send by
        e-mail makes the deal enter it, the client gets that one e-mail only."""
        self._sends(self.stage_approval, template=self.quotation_template)
        order = self._quotation()
        action = order.with_user(self.salesman).action_quotation_send()
        composer = (
            self.env["mail.compose.message"]
            .with_user(self.salesman)
            .with_context(**action["context"])
            .create({})
        )
        composer.action_send_mail()
        self.assertEqual(order.pipeline_stage_id, self.stage_approval)
        self._assert_quotation_sent_once(order, self.quotation_template)
        self.assertTrue(self._notes(order, "it is being sent by e-mail right now"))

    def test_marking_as_sent_into_a_quotation_stage_sends_it(self):
        self._sends(self.stage_approval, template=self.quotation_template)
        order = self._quotation()
        order.with_user(self.salesman).action_quotation_sent()
        self.assertEqual(order.pipeline_stage_id, self.stage_approval)
        self._assert_quotation_sent_once(order, self.quotation_template)

    def test_confirmed_deal_entering_payment_gets_the_pro_forma_and_stays(self):
        self._sends(self.stage_payment, template=self.proforma_template)
        order = self._quotation()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.pipeline_stage_id, self.stage_payment)
        self.assertEqual(order.state, "sale")
        email = self._assert_quotation_sent_once(order, self.proforma_template)
        self.assertIn("Order", email.subject)

    def test_empty_template_is_odoos_own(self):
        self._sends(self.stage_installation)
        order = self._quotation()
        self._move(order, self.stage_installation)
        self._assert_quotation_sent_once(order, self.quotation_template)

    def test_not_sent_again_on_reentry(self):
        self._sends(self.stage_installation, template=self.quotation_template)
        order = self._quotation()
        self._move(order, self.stage_installation)
        self._move(order, self.stage_measure)
        self._move(order, self.stage_installation)
        self._assert_quotation_sent_once(order, self.quotation_template)
        self.assertEqual(
            self._notes(order, "first entry only"),
            [
                "Stage Installation sends the client its document on the first entry only: "
                "not sent again."
            ],
        )

    def test_sent_again_on_reentry_when_the_stage_says_so(self):
        self._sends(self.stage_installation, template=self.quotation_template, resend=True)
        order = self._quotation()
        self._move(order, self.stage_installation)
        self._move(order, self.stage_measure)
        self._move(order, self.stage_installation)
        self.assertEqual(len(self._emails(order)), 2)

    def test_another_deal_entering_still_gets_its_own(self):
        self._sends(self.stage_installation, template=self.quotation_template)
        first, second = self._quotation(), self._quotation()
        self._move(first, self.stage_installation)
        self._move(second, self.stage_installation)
        self.assertEqual(len(self._emails(first)), 1)
        self.assertEqual(len(self._emails(second)), 1)


@tagged("post_install", "-at_install")
class TestStageSendsInvoice(StageDocumentCommon):
    def _assert_invoice_sent(self, order, invoice, template=None):
        emails = self._emails(invoice)
        self.assertEqual(len(emails), 1, "one e-mail with the invoice")
        template = template or self.invoice_template
        subject = template._render_field("subject", invoice.ids)[invoice.id]
        self.assertEqual(emails.subject, subject)
        self.assertEqual(emails.partner_ids, self.customer)
        self.assertTrue(invoice.is_move_sent)
        self.assertTrue(invoice.invoice_pdf_report_id, "the invoice's PDF was made")
        self.assertIn(invoice.invoice_pdf_report_id.name, emails.attachment_ids.mapped("name"))
        mails = self._mails(emails)
        self.assertIn(self.customer, mails.recipient_ids)
        self.assertTrue(all(mail.attachment_ids for mail in mails))
        self.assertFalse(order.crm_invoice_send_stage_id)
        self.assertTrue(self._notes(order, f"sent the invoice {invoice.name} to Acme Kitchens"))

    def test_payment_sends_the_invoice_when_the_bridge_posts_it(self):
        """Posted mode: the deal enters Payment when confirmed, before its invoice
        exists; sending it to accounting invoices and posts at once: the invoice goes."""
        self.company.crm_invoice_mode = "posted"
        self._sends(self.stage_payment, "invoice")
        order = self._quotation()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.pipeline_stage_id, self.stage_payment)
        self.assertEqual(order.crm_invoice_send_stage_id, self.stage_payment)
        self.assertTrue(self._notes(order, "it will be sent when it is posted"))
        order.with_user(self.salesman).action_send_to_accounting()
        invoice = self._out_invoices(order)
        self.assertEqual(invoice.state, "posted")
        self._assert_invoice_sent(order, invoice)
        self.assertEqual(
            invoice.message_ids.filtered("attachment_ids").author_id, self.salesman.partner_id
        )

    def test_a_lost_deal_calls_off_the_invoice_to_send_when_posted(self):
        self._sends(self.stage_payment, "invoice")
        order = self._quotation()
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.crm_invoice_send_stage_id, self.stage_payment)
        reason = self.env["crm.pipeline.lost.reason"].create({"name": "Went elsewhere"})
        order.with_user(self.salesman).write(
            {"pipeline_stage_id": self.stage_lost.id, "pipeline_lost_reason_id": reason.id}
        )
        self.assertFalse(order.crm_invoice_send_stage_id)
        self.assertTrue(self._notes(order, "will not send the invoice: the deal was lost"))
        invoice = order.sudo()._create_invoices()
        invoice.action_post()
        self.assertFalse(self._emails(invoice))
        self.assertFalse(invoice.is_move_sent)

    def test_payment_sending_to_accounting_on_entry_sends_the_posted_invoice(self):
        self.company.crm_invoice_mode = "posted"
        self._sends(self.stage_payment, "invoice")
        self.stage_payment.crm_send_to_accounting = True
        order = self._quotation()
        order.with_user(self.salesman).action_confirm()
        self._assert_invoice_sent(order, self._out_invoices(order))

    def test_background_job_posting_sends_the_invoices(self):
        """A selection invoiced and posted by the bridge's background job."""
        self.env["ir.config_parameter"].set_param(
            "crm_extension.accounting_invoice_interactive_size", "2"
        )
        self._sends(self.stage_payment, "invoice")
        orders = self.env["sale.order"]
        for _i in range(3):
            orders |= self._quotation()
        orders.with_user(self.salesman).action_send_to_accounting()
        self.assertEqual(orders.crm_invoice_send_stage_id, self.stage_payment)
        self.company.crm_invoice_mode = "posted"
        orders.with_user(self.billing).action_accounting_create_invoice()
        self.assertFalse(orders.invoice_ids, "queued for the job")
        self._run_invoice_cron()
        for order in orders:
            invoice = self._out_invoices(order)
            self.assertEqual(invoice.state, "posted")
            self._assert_invoice_sent(order, invoice)

    def test_accountant_posting_in_review_mode_sends_the_invoice(self):
        self._sends(self.stage_payment, "invoice")
        order = self._quotation()
        order.with_user(self.salesman).action_send_to_accounting()
        self.assertEqual(order.pipeline_stage_id, self.stage_payment)
        order.with_user(self.billing).action_accounting_create_invoice()
        invoice = self._out_invoices(order)
        self.assertEqual(invoice.state, "draft")
        self.assertFalse(self._emails(invoice), "a draft is not sent")
        self.assertEqual(order.crm_invoice_send_stage_id, self.stage_payment)
        order.with_user(self.billing).action_accounting_post_invoices()
        self._assert_invoice_sent(order, invoice)
        self.assertEqual(self._emails(invoice).author_id, self.billing.partner_id)

    def test_accountant_who_cannot_write_the_order_posts_and_the_invoice_goes(self):
        """Posting moves the order into Invoiced, which sends the invoice: an accountant
        reading, not writing, the orders sent by sales."""
        for xmlid in (
            "crm_extension.sale_order_rule_accounting_sent",
            "crm_extension.sale_order_line_rule_accounting_sent",
        ):
            self.env.ref(xmlid).write(
                {"perm_read": True, "perm_write": False, "perm_create": False, "perm_unlink": False}
            )
        self._sends(self.stage_invoiced, "invoice")
        order = self._quotation()
        order.with_user(self.salesman).action_send_to_accounting()
        order.with_user(self.billing).action_accounting_create_invoice()
        with self.assertRaises(AccessError):
            order.with_user(self.billing).write({"note": "edited by accounting"})
        order.with_user(self.billing).action_accounting_post_invoices()
        self.assertEqual(order.pipeline_stage_id, self.stage_invoiced)
        self._assert_invoice_sent(order, self._out_invoices(order))

    def test_invoice_already_posted_is_sent_at_once(self):
        self._sends(self.stage_installation, "invoice")
        order = self._quotation()
        invoice = self._invoiced_by_accounting(order)
        self.assertFalse(self._emails(invoice))
        self._move(order, self.stage_installation)
        self._assert_invoice_sent(order, invoice)
        self.assertEqual(self._emails(invoice).author_id, self.salesman.partner_id)

    def test_invoice_with_the_stages_template(self):
        template = self.invoice_template.copy({"subject": "Your invoice {{ object.name }}"})
        self._sends(self.stage_installation, "invoice", template=template)
        order = self._quotation()
        invoice = self._invoiced_by_accounting(order)
        self._move(order, self.stage_installation)
        self._assert_invoice_sent(order, invoice, template)
        self.assertEqual(self._emails(invoice).subject, f"Your invoice {invoice.name}")

    def test_invoice_not_sent_twice(self):
        """Not on re-entry, and not when the invoice was sent already (by accounting,
        or by an earlier stage)."""
        self._sends(self.stage_installation, "invoice")
        order = self._quotation()
        invoice = self._invoiced_by_accounting(order)
        self._move(order, self.stage_installation)
        self._move(order, self.stage_measure)
        self._move(order, self.stage_installation)
        self.assertEqual(len(self._emails(invoice)), 1)
        # a stage sending again still does not send what was sent: it sends again
        self.stage_installation.document_resend = True
        self._move(order, self.stage_measure)
        self._move(order, self.stage_installation)
        self.assertEqual(len(self._emails(invoice)), 2)

    def test_an_invoice_sent_by_accounting_is_not_sent_again(self):
        self._sends(self.stage_installation, "invoice")
        order = self._quotation()
        invoice = self._invoiced_by_accounting(order)
        invoice.is_move_sent = True
        self._move(order, self.stage_installation)
        self.assertFalse(self._emails(invoice))
        self.assertTrue(self._notes(order, "already sent to the client"))


@tagged("post_install", "-at_install")
class TestStageDocumentBadInputs(StageDocumentCommon):
    """No e-mail, no template, a failing sending: the move goes through, nothing is sent
    (nor marked as sent), the salesperson gets a to-do and the chatter says why."""

    def _assert_todo(self, order, summary):
        todo = self._todos(order)
        self.assertEqual(todo.mapped("summary"), [summary])
        self.assertEqual(todo.user_id, self.salesman)
        self.assertTrue(self._notes(order, "has a to-do to send it"))

    def test_customer_without_email_gets_no_quotation_but_the_salesperson_a_todo(self):
        self.customer.email = False
        self._sends(self.stage_installation, template=self.quotation_template)
        order = self._quotation()
        mails = self.env["mail.mail"].sudo().search_count([])
        self._move(order, self.stage_installation)
        self.assertEqual(order.pipeline_stage_id, self.stage_installation, "moved all the same")
        self.assertFalse(self._emails(order))
        self.assertEqual(self.env["mail.mail"].sudo().search_count([]), mails)
        self.assertEqual(order.state, "draft", "not marked as sent")
        self._assert_todo(
            order, f"Send the quotation {order.name} to Acme Kitchens: no e-mail address"
        )

    def test_customer_without_email_gets_no_invoice_but_the_salesperson_a_todo(self):
        self.company.crm_invoice_mode = "posted"
        self.customer.email = False
        self._sends(self.stage_payment, "invoice")
        order = self._quotation()
        order.with_user(self.salesman).action_confirm()
        order.with_user(self.salesman).action_send_to_accounting()
        invoice = self._out_invoices(order)
        self.assertEqual(invoice.state, "posted", "the posting goes through")
        self.assertFalse(self._emails(invoice))
        self.assertFalse(invoice.is_move_sent)
        self.assertFalse(order.crm_invoice_send_stage_id)
        self._assert_todo(
            order, f"Send the invoice {invoice.name} to Acme Kitchens: no e-mail address"
        )

    def test_archived_template_sends_nothing(self):
        template = self.quotation_template.copy({"name": "Old quotation"})
        self._sends(self.stage_installation, template=template)
        template.active = False
        order = self._quotation()
        self._move(order, self.stage_installation)
        self.assertFalse(self._emails(order))
        self.assertEqual(order.state, "draft")
        self._assert_todo(
            order,
            f"Send the quotation {order.name} to Acme Kitchens: its e-mail template "
            "Old quotation is archived",
        )

    def test_archived_invoice_template_sends_nothing(self):
        template = self.invoice_template.copy({"name": "Old invoice"})
        self._sends(self.stage_installation, "invoice", template=template)
        template.active = False
        order = self._quotation()
        invoice = self._invoiced_by_accounting(order)
        self._move(order, self.stage_installation)
        self.assertFalse(self._emails(invoice))
        self.assertFalse(invoice.is_move_sent)
        self._assert_todo(
            order,
            f"Send the invoice {invoice.name} to Acme Kitchens: its e-mail template "
            "Old invoice is archived",
        )

    def test_a_failing_sending_leaves_nothing_half_done(self):
        template = self.quotation_template.copy(
            {"name": "Broken", "subject": "{{ object.no_such_field }}"}
        )
        self._sends(self.stage_installation, template=template)
        order = self._quotation()
        messages = len(order.message_ids)
        self._move(order, self.stage_installation)
        self.assertEqual(order.pipeline_stage_id, self.stage_installation)
        self.assertEqual(order.state, "draft")
        self.assertFalse(self._emails(order))
        todo = self._todos(order)
        self.assertRegex(
            todo.summary, f"^Send the quotation {order.name} to Acme Kitchens: the sending failed"
        )
        self.assertGreater(len(order.message_ids), messages)


@tagged("post_install", "-at_install")
class TestStageDocumentRights(StageDocumentCommon):
    """The salesperson who moves the deal triggers the sending; nothing else of theirs
    does (the pending flag, a context key), and they cannot configure it."""

    def _invoice_posted_by_the_bridge(self, order, user=None):
        self.company.crm_invoice_mode = "posted"
        order.with_user(user or self.salesman).action_send_to_accounting()
        return self._out_invoices(order)

    def test_salesperson_cannot_set_the_pending_flag(self):
        order = self._quotation()
        order.with_user(self.salesman).action_confirm()
        for user in (self.salesman, self.sp, self.sales_manager, self.billing):
            for context in CLIENT_SWITCHES:
                with self.subTest(user=user.login, context=context):
                    with self.assertRaisesRegex(UserError, "change only through their actions"):
                        order.with_user(user).with_context(**context).write(
                            {"crm_invoice_send_stage_id": self.stage_payment.id}
                        )
        order.invalidate_recordset()
        self.assertFalse(order.crm_invoice_send_stage_id)
        invoice = self._invoice_posted_by_the_bridge(order)
        self.assertFalse(self._emails(invoice), "nothing asked for it")

    def test_salesperson_cannot_create_an_order_with_the_pending_flag(self):
        Order = self.env["sale.order"].with_user(self.salesman)
        count = Order.search_count([])
        vals = {"partner_id": self.customer.id, "user_id": self.salesman.id}
        with self.assertRaises(UserError):
            Order.create(dict(vals, crm_invoice_send_stage_id=self.stage_payment.id))
        with self.assertRaises(UserError):
            Order.with_context(default_crm_invoice_send_stage_id=self.stage_payment.id).create(vals)
        self.assertEqual(Order.search_count([]), count)

    def test_context_keys_do_not_send_an_invoice(self):
        """A salesperson's confirmation and sending with any context sends the invoice
        only because the deal entered a stage that sends it."""
        self.company.crm_invoice_mode = "posted"
        order = self._quotation()
        for context in CLIENT_SWITCHES:
            order.with_user(self.salesman).with_context(**context).write({"note": "x"})
        order.with_user(self.salesman).with_context(mark_so_as_sent=True).action_confirm()
        order.with_user(self.salesman).with_context(
            mark_so_as_sent=True, default_crm_invoice_send_stage_id=self.stage_payment.id
        ).action_send_to_accounting()
        invoice = self._out_invoices(order)
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(self._emails(invoice))
        self.assertFalse(order.crm_invoice_send_stage_id)

    def test_salesperson_cannot_move_another_salespersons_deal_to_send_its_invoice(self):
        self._sends(self.stage_installation, "invoice")
        order = self._quotation()
        invoice = self._invoice_posted_by_the_bridge(order)
        logs = self._logs(order)
        with self.assertRaises(AccessError):
            self._move(order, self.stage_installation, user=self.salesman_2)
        order.invalidate_recordset()
        self.assertNotEqual(order.pipeline_stage_id, self.stage_installation)
        self.assertEqual(self._logs(order), logs)
        self.assertFalse(self._emails(invoice))

    def test_salesperson_who_moves_the_deal_has_its_invoice_sent(self):
        """A CRM salesperson (invoices read-only) moving their deal into the stage has
        its invoice sent, by them."""
        self._sends(self.stage_installation, "invoice")
        order = self._quotation(user=self.sp)
        invoice = self._invoice_posted_by_the_bridge(order, self.sp)
        self.assertFalse(self._emails(invoice))
        self._move(order, self.stage_installation, user=self.sp)
        self.assertEqual(len(self._emails(invoice)), 1)
        self.assertEqual(self._emails(invoice).author_id, self.sp.partner_id)

    def test_context_keys_do_not_change_what_the_quotation_says_nor_to_whom(self):
        """The composer's defaults come from the stage, not from the client's call."""
        self._sends(self.stage_installation, template=self.quotation_template)
        other = self._customer("Someone Else", email="else@example.com")
        order = self._quotation()
        order.with_user(self.salesman).with_context(
            default_partner_ids=[other.id],
            default_subject="Made up",
            default_template_id=self.proforma_template.id,
            default_composition_mode="mass_mail",
        ).pipeline_stage_id = self.stage_installation
        self._assert_quotation_sent_once(order, self.quotation_template)

    def test_salesperson_cannot_configure_what_a_stage_sends(self):
        stage = self.stage_installation.with_user(self.salesman)
        with self.assertRaises(AccessError):
            stage.document_send = "invoice"
        with self.assertRaises(AccessError):
            stage.document_template_id = self.invoice_template
        self.assertFalse(self.stage_installation.document_send)


@tagged("post_install", "-at_install")
class TestStageDocumentConfig(StageDocumentCommon):
    def test_only_order_stages_send_documents(self):
        Stage = self.env["crm.pipeline.stage"].with_user(self.crm_admin)
        with self.assertRaisesRegex(ValidationError, "only sale order stages can send"):
            Stage.create({"name": "Welcome", "scope": "partner", "document_send": "quotation"})
        with self.assertRaisesRegex(ValidationError, "only sale order stages can send"):
            self.pstage_proposal.with_user(self.crm_admin).document_resend = True

    def test_the_template_is_of_the_document_sent(self):
        stage = self.stage_installation.with_user(self.crm_admin)
        with self.assertRaisesRegex(ValidationError, "needs a template of sale orders"):
            stage.write(
                {"document_send": "quotation", "document_template_id": self.invoice_template.id}
            )
        with self.assertRaisesRegex(ValidationError, "a template of invoices"):
            stage.write(
                {"document_send": "invoice", "document_template_id": self.quotation_template.id}
            )
        stage.write({"document_send": "invoice", "document_template_id": self.invoice_template.id})
        self.assertEqual(stage.document_template_id, self.invoice_template)

    def test_a_stage_that_sends_is_archived_not_deleted(self):
        Stage = self.env["crm.pipeline.stage"].with_user(self.crm_admin)
        stage = Stage.create({"name": "Unused sender", "document_send": "quotation"})
        with self.assertRaisesRegex(UserError, "archive it"):
            stage.unlink()
        self.assertTrue(stage.exists())
        stage.document_send = False
        stage.unlink()
        self.assertFalse(stage.exists())

    def test_stage_form_has_the_document_group_before_the_description(self):
        arch = self.env["crm.pipeline.stage"].get_view(view_type="form")["arch"]
        self.assertLess(arch.index('name="document"'), arch.index('name="description"'))
        self.assertIn('name="document_template_id"', arch)


@tagged("post_install", "-at_install")
class TestStageDocumentDemo(TransactionCase):
    """The demo's funnel: Approval sends the quotation, Payment the invoice (the demo
    files loaded in the test's transaction, as an install with demo data loads them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manifest = get_manifest("crm_extension")
        for path in ("demo/crm_extension_demo.xml", "demo/crm_pipeline_document_demo.xml"):
            convert_file(cls.env, "crm_extension", path, {}, mode="init")

    def _ref(self, xmlid):
        return self.env.ref(f"crm_extension.{xmlid}")

    def test_demo_document_file_comes_after_the_story(self):
        demo = list(self.manifest["demo"])
        self.assertEqual(
            demo.index("demo/crm_pipeline_document_demo.xml"),
            demo.index("demo/crm_extension_demo.xml") + 1,
        )

    def test_demo_approval_sends_the_quotation_and_payment_the_invoice(self):
        approval, payment = self._ref("stage_order_approval"), self._ref("stage_order_payment")
        self.assertEqual(approval.document_send, "quotation")
        self.assertEqual(
            approval.document_template_id, self.env.ref("sale.email_template_edi_sale")
        )
        self.assertEqual(payment.document_send, "invoice")
        sofia, arne = self._ref("demo_user_sofia"), self._ref("demo_user_arne")
        customer = self._ref("demo_customer_2")
        order = (
            self.env["sale.order"]
            .with_user(sofia)
            .create(
                {
                    "partner_id": customer.id,
                    "user_id": sofia.id,
                    "order_line": [
                        Command.create({"product_id": self._ref("demo_product_kitchen").id})
                    ],
                }
            )
        )
        order.with_user(sofia).action_quotation_sent()
        self.assertEqual(order.pipeline_stage_id, approval)
        quotation = order.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.attachment_ids
        )
        self.assertEqual(quotation.partner_ids, customer)
        order.with_user(sofia).action_send_to_accounting()
        self.assertEqual(order.pipeline_stage_id, payment)
        invoice = order.invoice_ids
        if not invoice:
            order.with_user(arne).action_accounting_create_invoice()
            invoice = order.invoice_ids
        if invoice.state == "draft":
            order.with_user(arne).action_accounting_post_invoices()
        self.assertEqual(invoice.state, "posted")
        sent = invoice.message_ids.filtered(
            lambda m: m.message_type == "comment" and m.attachment_ids
        )
        self.assertEqual(sent.partner_ids, customer)
        self.assertTrue(invoice.is_move_sent)

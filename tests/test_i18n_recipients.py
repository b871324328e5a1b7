"""What the addon writes for someone is in that person's language, whoever caused it:
the stage's activity for the owner, the accounting to-do for the responsible, the
rejection to-do for the salesperson, the background job's outcome for the accountant."""

from odoo import Command
from odoo.tests import tagged

from .common import BridgeCommon


@tagged("post_install", "-at_install")
class TestRecipientsLanguage(BridgeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("da_DK")
        cls.env["ir.module.module"]._load_module_terms(["crm_extension"], ["da_DK"])
        # the test's own user (who moves, sends, rejects) works in English
        cls.env.user.lang = "en_US"

    def _todo(self, order, user):
        return order.activity_ids.filtered(
            lambda a: a.user_id == user
            and a.activity_type_id == self.env.ref("mail.mail_activity_data_todo")
        )

    def test_stage_activity_in_the_owners_language(self):
        line = self.stage_first_call.activity_line_ids
        line.with_context(lang="da_DK").summary = "Ring kunden op"
        self.salesman.lang = "da_DK"
        self.salesman_2.lang = "en_US"
        danish = self._quotation()
        english = self._quotation(user=self.salesman_2)
        self.assertEqual(danish.activity_ids.summary, "Ring kunden op")
        self.assertEqual(english.activity_ids.summary, "Call the client back")
        # a stage without a summary names itself, translated too
        self.stage_measure.with_context(lang="da_DK").name = "Opmåling"
        danish.write({"pipeline_stage_id": self.stage_measure.id})
        self.assertEqual(danish.activity_ids.summary, "Opmåling")

    def test_accounting_todo_in_the_responsibles_language(self):
        self.billing.lang = "da_DK"
        order = self._quotation()
        order.with_user(self.salesman).action_send_to_accounting()
        self.assertEqual(self._todo(order, self.billing).summary, f"Fakturér {order.name}")

    def test_rejection_todo_in_the_salespersons_language(self):
        self.salesman.lang = "da_DK"
        order = self._quotation()
        order.with_user(self.salesman).action_send_to_accounting()
        self.env["sale.order.accounting.reject"].with_user(self.billing).create(
            {"order_ids": [Command.set(order.ids)], "reason": "Wrong VAT number"}
        ).action_reject()
        self.assertEqual(
            self._todo(order, self.salesman).summary,
            f"Ret {order.name}, som blev afvist af bogholderiet",
        )

    def test_background_outcome_in_the_accountants_language(self):
        self.billing.lang = "da_DK"
        self.env["ir.config_parameter"].set_param(
            "crm_extension.accounting_invoice_interactive_size", "2"
        )
        orders = self.env["sale.order"]
        for _i in range(3):
            orders |= self._quotation()
        orders.with_user(self.salesman).action_send_to_accounting()
        orders.with_user(self.billing).action_accounting_create_invoice()
        self._run_invoice_cron()
        inbox = (
            self.env["mail.notification"]
            .search([("res_partner_id", "=", self.billing.partner_id.id)])
            .mail_message_id.filtered(
                lambda m: m.author_id == self.env.ref("base.partner_root")
                and orders[0].name in (m.body or "")
            )
        )
        self.assertEqual(len(inbox), 1)
        self.assertIn("Fakturaudkast oprettet, som skal bogføres:", inbox.body)
        self.assertEqual(set(orders.mapped("accounting_state")), {"draft"})

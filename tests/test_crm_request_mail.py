"""The e-mail channel of requests (issue 13): a team's request alias, through Odoo's
mail gateway; an e-mail becomes a request and its deal, replies land in the deal."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import RequestCommon

MAIL = """Return-Path: {email_from}
To: {to}
From: {email_from}
Subject: {subject}
Date: Mon, 02 Mar 2026 09:00:00 +0000
Message-ID: {msg_id}
{extra}MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit

{body}
"""


@tagged("post_install", "-at_install")
class TestCrmRequestMail(RequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create(
            {
                "name": "crm-test.example",
                "bounce_alias": "bounce",
                "catchall_alias": "catchall",
                "company_ids": [(4, cls.env.company.id)],
            }
        )
        cls.env.company.alias_domain_id = cls.alias_domain
        cls.desk.crm_request_alias_name = "desk"

    def _receive(
        self,
        subject,
        body="Please call me.",
        email_from="Paula Prospect <paula@example.com>",
        to="desk@crm-test.example",
        msg_id=None,
        references=None,
    ):
        msg_id = msg_id or f"<{abs(hash((subject, body, email_from)))}@client.example>"
        extra = f"References: {references}\nIn-Reply-To: {references}\n" if references else ""
        mail = MAIL.format(
            email_from=email_from, to=to, subject=subject, msg_id=msg_id, extra=extra, body=body
        )
        # the gateway runs as superuser (fetchmail's cron)
        self.env["mail.thread"].sudo().message_process(None, mail)
        return msg_id

    def _requests(self):
        return self.env["crm.request"].search([("channel", "=", "email")])

    def test_the_team_alias_is_a_field_of_our_own_for_requests(self):
        alias = self.desk.crm_request_alias_id
        self.assertEqual(alias.alias_full_name, "desk@crm-test.example")
        self.assertEqual(self.desk.crm_request_alias_email, "desk@crm-test.example")
        self.assertEqual(alias.alias_model_id.model, "crm.request")
        self.assertEqual(
            (alias.alias_parent_model_id.model, alias.alias_parent_thread_id),
            ("crm.team", self.desk.id),
        )
        self.assertIn(f"'team_id': {self.desk.id}", alias.alias_defaults)
        # crm's lead alias (mail.alias.mixin's alias_id), when crm is installed, is another one
        if "alias_id" in self.desk._fields:
            self.assertNotEqual(self.desk.alias_id, alias)
        # renamed, and removed with its team
        self.desk.crm_request_alias_name = "front"
        self.assertEqual(alias.alias_full_name, "front@crm-test.example")
        self.desk.unlink()
        self.assertFalse(alias.exists())

    def test_an_email_to_the_alias_becomes_a_request_and_its_deal(self):
        self._receive("Kitchen quote", body="I need a new kitchen.\nCall me at 0470 12 34 56.")
        request = self._requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(
            (request.contact_name, request.email, request.team_id, request.user_id),
            ("Paula Prospect", "paula@example.com", self.desk, self.sp),
        )
        self.assertEqual(request.source_id, self.env.ref("crm_extension.utm_source_email"))
        self.assertIn("Kitchen quote", request.message)
        self.assertIn("I need a new kitchen.", request.message)
        order = request.order_id
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)
        self.assertEqual(order.source_id, request.source_id)
        self.assertEqual(self._stage_activities(order).user_id, self.sp)
        # the e-mail itself is in the deal's chatter, not on the request
        email = order.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertEqual(email.subject, "Kitchen quote")
        self.assertIn("I need a new kitchen.", email.body)
        self.assertEqual(email.author_id, request.partner_id)
        self.assertFalse(request.message_ids.filtered(lambda m: m.message_type == "email"))

    def test_replies_land_in_the_deal_not_in_a_new_deal(self):
        first = self._receive("Bathroom", body="A bathroom, please.")
        request = self._requests()
        order = request.order_id
        orders, partners = (
            self.env["sale.order"].search_count([]),
            self.env["res.partner"].search_count([]),
        )
        # the customer writes again in their own thread, to the alias
        self._receive(
            "Re: Bathroom", body="Also a shower.", references=first, msg_id="<r1@client.example>"
        )
        # the salesperson writes from the deal, the customer answers that
        sent = order.with_user(self.sp).message_post(
            body="When may we visit?",
            partner_ids=request.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self._receive(
            "Re: Bathroom",
            body="Tuesday is fine.",
            references=sent.message_id,
            msg_id="<r2@client.example>",
            # the reply-to of a deal's message: the catchall
            to="catchall@crm-test.example",
        )
        self.assertEqual(self._requests(), request, "no new request")
        self.assertEqual(self.env["sale.order"].search_count([]), orders, "no new deal")
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        bodies = order.message_ids.filtered(lambda m: m.message_type == "email").mapped("body")
        self.assertTrue(any("Also a shower." in body for body in bodies))
        self.assertTrue(any("Tuesday is fine." in body for body in bodies))

    def test_an_email_from_a_known_customer_finds_it(self):
        customer = self._customer("Quentin Co", email="quentin@example.com", user_id=self.sp2.id)
        partners = self.env["res.partner"].search_count([])
        self._receive("Another order", email_from="Q <Quentin@Example.com>")
        request = self._requests()
        self.assertEqual((request.partner_id, request.user_id), (customer, self.sp2))
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertEqual(customer.name, "Quentin Co", "the sender's name overwrites nothing")

    def test_a_long_email_is_cut_to_the_size_of_a_request_and_kept_whole_in_the_deal(self):
        self._receive("Long", body="word " * 2000)
        request = self._requests()
        self.assertEqual(len(request.message), 5000)
        email = request.order_id.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertGreater(len(email.body), 9000)

    def test_who_may_name_the_alias(self):
        self.desk.with_user(self.sales_manager).crm_request_alias_name = "sales-requests"
        self.assertEqual(self.desk.crm_request_alias_id.alias_name, "sales-requests")
        with self.assertRaises(AccessError):
            self.desk.with_user(self.sp).crm_request_alias_name = "mine"
        self.assertEqual(self.desk.crm_request_alias_id.alias_name, "sales-requests")

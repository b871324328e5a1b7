from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common_reports import CrmReportCommon


@tagged("post_install", "-at_install")
class TestFollowUp(CrmReportCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref("crm_extension.mail_activity_type_follow_up")
        cls.product_b2 = cls.product_b
        # A customer last invoiced 40 days ago: past the 30 days of class A
        cls.cust_a = cls._customer("Class A late", user_id=cls.salesman.id)
        cls._invoice(cls.cust_a, 100, days_ago=40)
        # the same age but class B (60 days): not due yet
        cls.cust_b = cls._customer("Class B fine", user_id=cls.salesman.id)
        cls._invoice(cls.cust_b, 100, days_ago=40, product=cls.product_b)
        # no owner: nobody to remind
        cls.cust_orphan = cls._customer("No owner")
        cls._invoice(cls.cust_orphan, 100, days_ago=200)
        # invoiced long ago, but a quotation 10 days ago
        cls.cust_quoted = cls._customer("Quoted", user_id=cls.salesman_2.id)
        cls._invoice(cls.cust_quoted, 100, days_ago=300)
        cls.env["sale.order"].sudo().create(
            {
                "partner_id": cls.cust_quoted.id,
                "date_order": fields.Datetime.now() - timedelta(days=10),
                "order_line": [Command.create({"product_id": cls.product_a.id})],
            }
        )
        (cls.cust_a | cls.cust_quoted | cls.cust_orphan).crm_customer_class = "A"
        cls.cust_b.crm_customer_class = "B"

    def _followups(self, partners):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                ("activity_type_id", "=", self.activity_type.id),
            ]
        )

    def test_last_contact_is_the_latest_document_or_message(self):
        self.assertEqual(self.cust_a.crm_last_contact_date, self.today - timedelta(days=40))
        self.assertEqual(self.cust_a.crm_days_since_contact, 40)
        self.assertEqual(self.cust_quoted.crm_last_contact_date, self.today - timedelta(days=10))
        contact = self.env["res.partner"].create(
            {"name": "Buyer", "parent_id": self.cust_a.id, "email": "b@example.com"}
        )
        self.cust_a.message_post(
            body="Hello",
            partner_ids=contact.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.cust_a.invalidate_recordset()
        self.assertEqual(self.cust_a.crm_last_contact_date, self.today)
        self.assertEqual(contact.crm_last_contact_date, self.today)

    def test_cron_reminds_owners_past_the_window_once(self):
        customers = self.cust_a | self.cust_b | self.cust_orphan | self.cust_quoted
        Partner = self.env["res.partner"]
        Partner._cron_create_followup_activities()
        followups = self._followups(customers)
        self.assertEqual(followups.mapped("res_id"), self.cust_a.ids)
        self.assertEqual(followups.user_id, self.salesman)
        self.assertEqual(followups.date_deadline, self.today)
        Partner._cron_create_followup_activities()
        self.assertEqual(self._followups(customers), followups, "never a second one")

    def test_done_followup_counts_as_contact(self):
        Partner = self.env["res.partner"]
        followup = Partner._cron_create_followup_activities().filtered(
            lambda a: a.res_id == self.cust_a.id
        )
        followup.with_user(self.salesman).action_feedback(feedback="Called")
        self.cust_a.invalidate_recordset()
        self.assertEqual(self.cust_a.crm_last_contact_date, self.today)
        Partner._cron_create_followup_activities()
        self.assertFalse(self._followups(self.cust_a))

    def test_windows_are_company_settings(self):
        self.env.company.crm_followup_days_b = 35
        self.env["res.partner"]._cron_create_followup_activities()
        self.assertEqual(
            self._followups(self.cust_a | self.cust_b).mapped("res_id"),
            sorted((self.cust_a | self.cust_b).ids),
        )

    def test_not_contacted_filter(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        mine = (self.cust_a | self.cust_b | self.cust_quoted).ids
        self.assertEqual(
            Partner.search([("id", "in", mine), ("crm_days_since_contact", ">", 30)]),
            self.cust_a | self.cust_b,
        )
        self.assertEqual(
            Partner.search([("id", "in", mine), ("crm_days_since_contact", ">=", 41)]),
            Partner,
        )
        self.assertEqual(
            Partner.search([("id", "in", mine), ("crm_days_since_contact", ">=", 40)]),
            self.cust_a | self.cust_b,
        )

    def test_bought_product_filter(self):
        Partner = self.env["res.partner"].with_user(self.salesman)
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.cust_b.id})
        self._invoice(contact, 10, product=self.product_b)
        draft_buyer = self._customer("Draft buyer")
        self._invoice(draft_buyer, 10, product=self.product_b, post=False)
        found = Partner.search(
            [("crm_bought_product_id", "=", self.product_b.id), ("parent_id", "=", False)]
        )
        self.assertEqual(found, self.cust_b)
        found = Partner.search(
            [("crm_bought_product_id", "ilike", self.product_b.name), ("parent_id", "=", False)]
        )
        self.assertEqual(found, self.cust_b)

    def test_last_contact_is_computed_in_batch(self):
        partners = self.cust_a | self.cust_b | self.cust_quoted | self.cust_orphan
        partners.mapped("crm_last_contact_date")  # warm the caches
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.cust_a.mapped("crm_last_contact_date")
        one = self.env.cr.sql_log_count - before
        self.env.invalidate_all()
        with self.assertQueryCount(one):  # the same count for one or four partners
            dates = partners.mapped("crm_last_contact_date")
        self.assertEqual(len(dates), 4)

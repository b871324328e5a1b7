from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from .common import CrmReportCommon


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
        # the classes the nightly job would set (only the job writes them)
        (cls.cust_a | cls.cust_quoted | cls.cust_orphan).sudo().crm_customer_class_company = "A"
        cls.cust_b.sudo().crm_customer_class_company = "B"
        # a CRM salesperson reads the contacts and classes of the customers they own
        cls.salesman.group_ids += cls.env.ref("crm_extension.group_crm_salesperson")

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


@tagged("post_install", "-at_install")
class TestFollowUpWindows(CrmReportCommon):
    """The "Follow-up Due" filter and the cron select the same customers: past the
    window of their class, strictly (window + 1 days without contact)."""

    DEFAULTS = {"A": 30, "B": 60, "C": 90, False: 90}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.activity_type = cls.env.ref("crm_extension.mail_activity_type_follow_up")
        # (class, days without contact) -> customer, last invoiced that many days ago,
        # around every default window and around the changed ones of the tests
        cls.customers = {}
        for customer_class, window in cls.DEFAULTS.items():
            for days in (window - 1, window, window + 1):
                customer = cls._customer(
                    f"Window {customer_class or '-'} {days}", user_id=cls.salesman.id
                )
                cls._invoice(customer, 100, days_ago=days)
                customer.sudo().crm_customer_class_company = customer_class
                cls.customers[customer_class, days] = customer
        cls.all_customers = cls.env["res.partner"].union(*cls.customers.values())
        # never reminded, never listed: no owner / a contact of a due customer
        cls.orphan = cls._customer("Window orphan")
        cls._invoice(cls.orphan, 100, days_ago=200)
        cls.contact = cls.env["res.partner"].create(
            {"name": "Window contact", "parent_id": cls.customers["A", 31].id}
        )
        cls.seeded = cls.all_customers | cls.orphan | cls.contact
        # the filter shows the cron's selection to who sees the customers' figures
        cls.salesman.group_ids += cls.env.ref("crm_extension.group_crm_salesperson")

    def _expected(self, windows):
        """The seeded customers past their window, from the seed's own figures."""
        return self.env["res.partner"].union(
            *(
                customer
                for (customer_class, days), customer in self.customers.items()
                if days > windows[customer_class]
            )
        )

    def _filtered(self, user=None):
        Partner = self.env["res.partner"].with_user(user or self.env.user)
        return Partner.search([("id", "in", self.seeded.ids), ("crm_followup_due", "=", True)])

    def _remind(self):
        activities = self.env["res.partner"]._cron_create_followup_activities()
        reminded = activities.filtered(lambda a: a.res_id in self.seeded.ids)
        self.assertTrue(all(a.activity_type_id == self.activity_type for a in reminded))
        return self.env["res.partner"].browse(reminded.mapped("res_id"))

    def _set_windows(self, windows):
        settings = self.env["res.config.settings"].create(
            {
                "crm_followup_days_a": windows["A"],
                "crm_followup_days_b": windows["B"],
                "crm_followup_days_c": windows["C"],
                "crm_followup_days_none": windows[False],
            }
        )
        settings.execute()

    def test_default_windows_of_every_class(self):
        expected = self._expected(self.DEFAULTS)
        self.assertEqual(
            expected,
            self.customers["A", 31]
            | self.customers["B", 61]
            | self.customers["C", 91]
            | self.customers[False, 91],
        )
        self.assertEqual(self._filtered(), expected)
        self.assertEqual(self._filtered(self.salesman), expected)
        self.assertEqual(self._remind(), expected)
        # still due (and listed) while the reminder is open, but never reminded twice
        self.assertEqual(self._filtered(), expected)
        self.assertFalse(self._remind())

    def test_field_value_and_negated_filter(self):
        expected = self._expected(self.DEFAULTS)
        self.assertEqual(self.seeded.filtered("crm_followup_due"), expected)
        not_due = self.env["res.partner"].search(
            [("id", "in", self.seeded.ids), ("crm_followup_due", "=", False)]
        )
        self.assertEqual(not_due, self.seeded - expected)

    def test_changed_windows_of_every_class(self):
        # each window one day shorter or longer than the default
        windows = {"A": 29, "B": 61, "C": 89, False: 91}
        self._set_windows(windows)
        self.assertEqual(self.env.company.crm_followup_days_c, 89)
        self.assertEqual(self.env.company.crm_followup_days_none, 91)
        expected = self._expected(windows)
        self.assertEqual(
            expected,
            self.customers["A", 30]
            | self.customers["A", 31]
            | self.customers["C", 90]
            | self.customers["C", 91],
        )
        self.assertEqual(self._filtered(), expected)
        self.assertEqual(self._remind(), expected)

    def test_changed_window_after_a_reminder(self):
        self.assertEqual(self._remind(), self._expected(self.DEFAULTS))
        windows = dict(self.DEFAULTS, C=89, **{"B": 59})
        self._set_windows(windows)
        self.assertEqual(self._filtered(), self._expected(windows))
        # only the newly due customers get a reminder
        self.assertEqual(
            self._remind(),
            self.customers["B", 60] | self.customers["C", 90],
        )

    def test_each_company_has_its_own_windows(self):
        company_2 = self.setup_other_company()["company"]
        company_2.write(
            {
                "crm_followup_days_a": 10,
                "crm_followup_days_b": 20,
                "crm_followup_days_c": 30,
                "crm_followup_days_none": 40,
            }
        )
        # customers of the second company, created (never contacted) 35 days ago
        Partner = self.env["res.partner"]
        others = {
            customer_class: Partner.create(
                {
                    "name": f"Company 2 {customer_class or '-'}",
                    "is_company": True,
                    "customer_rank": 1,
                    "company_id": company_2.id,
                    "user_id": self.salesman.id,
                }
            )
            for customer_class in ("A", "B", "C", False)
        }
        for customer_class, customer in others.items():
            # classes are per company: these customers rank in company 2
            customer.sudo().with_company(company_2).crm_customer_class_company = customer_class
        # class C, no company: 90 days in the current company, 30 in company 2
        shared = self._customer("Shared customer", user_id=self.salesman.id)
        shared.sudo().crm_customer_class_company = "C"
        shared.sudo().with_company(company_2).crm_customer_class_company = "C"
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = now() - interval '35 days' WHERE id = ANY(%s)",
            [[p.id for p in others.values()] + shared.ids],
        )
        Partner.invalidate_model(["create_date"])
        self.seeded |= shared.union(*others.values())
        self.assertEqual(others["C"].crm_days_since_contact, 35)
        # 35 days: past A (10), B (20), C (30) of company 2, not its unclassified (40);
        # the shared customer (no company) follows the current company
        expected = self._expected(self.DEFAULTS) | others["A"] | others["B"] | others["C"]
        self.assertEqual(self._filtered(), expected)
        self.assertEqual(self._remind(), expected)
        # and in company 2, the windows of company 2
        self.assertEqual(
            Partner.with_company(company_2).search(
                [("id", "=", shared.id), ("crm_followup_due", "=", True)]
            ),
            shared,
        )

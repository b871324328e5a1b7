from datetime import timedelta

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo.tests import freeze_time, tagged
from odoo.tools import SQL, mute_logger

from .common import CrmReportCommon


@tagged("post_install", "-at_install")
class TestCustomerClass(CrmReportCommon):
    """The classes are set by the nightly job (data/ir_cron_data.xml): the tests run it
    the way the scheduler does, in its own cursor, on a frozen day."""

    def _classes(self, *partners):
        return [p.crm_customer_class for p in partners]

    def _compute(self, day=None):
        """The nightly job's run on ``day`` (today by default), as the scheduler runs it."""
        cron = self.env.ref("crm_extension.ir_cron_compute_customer_classes")
        self.env.flush_all()
        # noon: the same day in the timezone of whoever runs it
        with freeze_time(f"{day or self.today} 12:00:00"), self.enter_registry_test_mode():
            # sudo: the scheduler runs the job, not the test user
            self.assertIs(cron.sudo().method_direct_trigger(), True)
        self.env.invalidate_all()

    def _row_versions(self, *partners):
        """The physical version of each partner's row: PostgreSQL writes a new one on
        every UPDATE, even of a column to the value it already has."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                "SELECT id, ctid::text FROM res_partner WHERE id IN %s",
                tuple(p.id for p in partners),
            )
        )
        return dict(rows)

    def test_exactly_80_percent_is_class_a_and_the_next_customer_class_b(self):
        x, y, z = (self._customer(n) for n in "XYZ")
        self._invoice(x, 800)
        self._invoice(y, 150)
        self._invoice(z, 50)
        self._compute()
        # X alone makes exactly 80 %: A; Y starts at 80 % (not below): B; Z at 95 %: C
        self.assertEqual(self._classes(x, y, z), ["A", "B", "C"])

    def test_customer_crossing_the_threshold_is_class_a(self):
        x, y, z, w = (self._customer(n) for n in "XYZW")
        self._invoice(x, 700)
        self._invoice(y, 200)
        self._invoice(z, 60)
        self._invoice(w, 40)
        self._compute()
        # Y is needed to reach 80 % (70 % before it): A; Z starts at 90 %: B;
        # W starts at 96 %: C
        self.assertEqual(self._classes(x, y, z, w), ["A", "A", "B", "C"])

    def test_tied_customers_share_their_class(self):
        w, x, y = (self._customer(n) for n in "WXY")
        self._invoice(w, 800)
        self._invoice(x, 100)
        self._invoice(y, 100)
        self._compute()
        # X and Y tie at 80 % before them: both B, never one B and one C
        self.assertEqual(self._classes(w, x, y), ["A", "B", "B"])

    def test_customers_without_revenue_have_no_class(self):
        big, refunded, old, draft, nothing = (
            self._customer(n) for n in ("Big", "Refunded", "Old", "Draft", "Nothing")
        )
        self._invoice(big, 1000)
        self._invoice(refunded, 300)
        self._invoice(refunded, 300, move_type="out_refund")
        self._invoice(old, 500, days_ago=400)
        self._invoice(draft, 500, post=False)
        self._compute()
        self.assertEqual(big.crm_customer_class, "A")
        self.assertEqual(self._classes(refunded, old, draft, nothing), [False, False, False, False])

    def test_class_is_on_the_commercial_partner_and_its_contacts(self):
        company = self._customer("Company")
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": company.id})
        self._invoice(contact, 100)
        self._compute()
        self.assertEqual(company.crm_customer_class, "A")
        self.assertEqual(contact.crm_customer_class, "A")
        new_contact = self.env["res.partner"].create(
            {"name": "Other Buyer", "parent_id": company.id}
        )
        self.assertEqual(new_contact.crm_customer_class, "A")

    def test_recomputation_is_idempotent_and_clears_lost_revenue(self):
        x, y = self._customer("X"), self._customer("Y")
        self._invoice(x, 900)
        invoice_y = self._invoice(y, 100)
        self._compute()
        self.assertEqual(self._classes(x, y), ["A", "B"])
        versions = self._row_versions(x, y)
        self._compute()
        self.assertEqual(self._row_versions(x, y), versions, "a second run writes nothing")
        self.assertEqual(self._classes(x, y), ["A", "B"])
        invoice_y.button_draft()
        self._compute()
        self.assertEqual(self._classes(x, y), ["A", False])

    def test_thresholds_are_company_settings(self):
        x, y, z = (self._customer(n) for n in "XYZ")
        self._invoice(x, 600)
        self._invoice(y, 300)
        self._invoice(z, 100)
        self._compute()
        self.assertEqual(self._classes(x, y, z), ["A", "A", "B"])
        settings = self.env["res.config.settings"].create(
            {"crm_class_a_threshold": 50, "crm_class_b_threshold": 90}
        )
        settings.execute()
        self.assertEqual(self.env.company.crm_class_a_threshold, 50)
        self._compute()
        self.assertEqual(self._classes(x, y, z), ["A", "B", "C"])

    def test_inconsistent_thresholds_are_refused(self):
        company = self.env.company
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            with self.env.cr.savepoint():
                company.write({"crm_class_a_threshold": 96})
                company.flush_recordset()
        company.invalidate_recordset()
        self.assertEqual(company.crm_class_a_threshold, 80)

    def test_class_is_filterable_and_groupable_by_a_salesperson(self):
        # a CRM salesperson, for the customers they own (see tests/test_security_scope.py)
        self.salesman.group_ids += self.env.ref("crm_extension.group_crm_salesperson")
        x, y = (self._customer(n, user_id=self.salesman.id) for n in "XY")
        self._invoice(x, 900)
        self._invoice(y, 100)
        self._compute()
        Partner = self.env["res.partner"].with_user(self.salesman)
        ids = [x.id, y.id]
        self.assertEqual(Partner.search([("id", "in", ids), ("crm_customer_class", "=", "A")]), x)
        groups = dict(Partner._read_group([("id", "in", ids)], ["crm_customer_class"], ["__count"]))
        self.assertEqual(groups, {"A": 1, "B": 1})

    def test_computation_is_one_statement_whatever_the_number_of_customers(self):
        for i, amount in enumerate((500, 300, 100, 50, 25, 10, 5)):
            self._invoice(self._customer(f"Customer {i}"), amount, days_ago=i + 1)
        Partner = self.env["res.partner"]
        self.env.flush_all()
        # the job's method itself: its query count is the point (the scheduler's run
        # around it costs queries of its own)
        with self.assertQueryCount(1):
            Partner._crm_compute_customer_classes(self.today)
        customers = Partner.search([("name", "=like", "Customer %")], order="id")
        self.assertEqual(self._classes(*customers), ["A", "A", "B", "B", "C", "C", "C"])

    def test_trailing_window_is_twelve_months_before_the_date(self):
        x = self._customer("X")
        invoice = self._invoice(x, 100, days_ago=300)
        # the window is the twelve months up to the day of the run: an invoice counts
        # until the day before its first anniversary
        last_day = invoice.invoice_date + relativedelta(years=1, days=-1)
        self._compute(last_day)
        self.assertEqual(x.crm_customer_class, "A")
        self._compute(last_day + timedelta(days=1))
        self.assertIs(x.crm_customer_class, False)

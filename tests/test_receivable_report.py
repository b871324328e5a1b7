"""Receivables analysis: the aging of the customer card per customer, for each role."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ReceivableCommon

# report measure -> the customer card field showing the same figure
CARD_FIELDS = {
    "open_balance": "crm_open_balance",
    "overdue_amount": "crm_overdue_amount",
    "overdue_days": "crm_overdue_days",
    "aging_not_due": "crm_aging_not_due",
    "aging_1_30": "crm_aging_1_30",
    "aging_31_60": "crm_aging_31_60",
    "aging_61_90": "crm_aging_61_90",
    "aging_90_plus": "crm_aging_90_plus",
    "open_invoice_count": "crm_open_invoice_count",
}


@tagged("post_install", "-at_install")
class TestReceivableFigures(ReceivableCommon):
    def test_measures_equal_independent_sql_aggregates(self):
        report = {partner.id: values for partner, values in self._report(self.acc).items()}
        expected = self._independent_sql()
        self.assertEqual(set(report), {self.own.id, self.other.id}, "no row for a paid customer")
        self.assertEqual(set(expected), set(report))
        for pid, values in expected.items():
            for name, value in values.items():
                with self.subTest(partner=pid, measure=name):
                    self.assertAlmostEqual(report[pid][name], value)
        self.assertAlmostEqual(self.own.credit, self.OWN_BALANCE, msg="native credit agrees")
        own = report[self.own.id]
        # every bucket holds something, and the hand-computed figures of the seed
        self.assertAlmostEqual(own["aging_not_due"], 11 + 13)
        self.assertAlmostEqual(own["aging_1_30"], 17 + 19 - 5)
        self.assertAlmostEqual(own["aging_31_60"], 23 + 29 + 600)
        self.assertAlmostEqual(own["aging_61_90"], 31 + 37)
        self.assertAlmostEqual(own["aging_90_plus"], 41 + 43)
        self.assertAlmostEqual(own["open_balance"], self.OWN_BALANCE)
        self.assertAlmostEqual(own["overdue_amount"], self.OWN_BALANCE - 11 - 13)
        other = report[self.other.id]
        self.assertAlmostEqual(other["open_balance"], self.OTHER_BALANCE)
        self.assertAlmostEqual(other["overdue_amount"], 700.0)
        self.assertAlmostEqual(other["aging_90_plus"], 700.0)
        self.assertEqual(other["open_invoice_count"], 2)
        # invoices, not the credit note: 10 due on the company and the contact's one
        self.assertEqual(own["open_invoice_count"], 11)

    def test_same_numbers_as_the_customer_card(self):
        report = self._report(self.acc, measures=tuple(CARD_FIELDS))
        for partner in self.own | self.other:
            card = partner.with_user(self.acc)
            for name, card_field in CARD_FIELDS.items():
                with self.subTest(partner=partner.name, measure=name):
                    self.assertAlmostEqual(report[partner][name], card[card_field])
        self.assertEqual(report[self.own]["overdue_days"], 200)
        self.assertEqual(report[self.other]["overdue_days"], 95)
        self.assertAlmostEqual(report[self.own]["open_balance"], self.OWN_BALANCE)
        self.assertAlmostEqual(report[self.other]["open_balance"], self.OTHER_BALANCE)

    def test_groupings_by_salesperson_class_and_company(self):
        self.other.sudo().crm_customer_class_company = "A"
        by_user = self._report(self.acc, groupby=("user_id",), measures=("open_balance",))
        self.assertAlmostEqual(by_user[self.sp]["open_balance"], self.OWN_BALANCE)
        self.assertAlmostEqual(by_user[self.sp2]["open_balance"], 1000.0)
        by_class = self._report(self.acc, groupby=("customer_class",), measures=("open_balance",))
        self.assertAlmostEqual(by_class["A"]["open_balance"], 1000.0)
        self.assertAlmostEqual(by_class[False]["open_balance"], self.OWN_BALANCE)
        by_company = self._report(self.acc, groupby=("company_id",), measures=("open_balance",))
        self.assertEqual(list(by_company), [self.env.company])
        self.assertAlmostEqual(
            by_company[self.env.company]["open_balance"], self.OWN_BALANCE + self.OTHER_BALANCE
        )

    def test_a_fully_paid_invoice_leaves_the_analysis(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.other_invoice.ids
        ).create({"payment_date": self.today})._create_payments()
        report = self._report(self.acc)
        self.assertAlmostEqual(report[self.other]["open_balance"], 300.0)
        self.assertAlmostEqual(report[self.other]["aging_90_plus"], 0.0)
        self.assertEqual(report[self.other]["open_invoice_count"], 1)

    def test_analysis_is_read_only(self):
        Report = self.env["crm.receivable.report"].with_user(self.acc)
        row = Report.search([("partner_id", "=", self.other.id)])
        self.assertEqual(len(row), 1)
        with self.assertRaises(AccessError):
            Report.create({"partner_id": self.other.id})
        with self.assertRaises(AccessError):
            row.write({"open_balance": 0.0})
        with self.assertRaises(AccessError):
            row.unlink()
        self.assertAlmostEqual(row.open_balance, 1000.0)


@tagged("post_install", "-at_install")
class TestReceivableVisibility(ReceivableCommon):
    def test_each_role_sees_the_rows_of_the_card(self):
        expectations = {
            self.sp: {self.own},
            self.sp2: {self.other},
            self.mgr: {self.own, self.other},
            self.acc: {self.own, self.other},
            self.billing_only: {self.own, self.other},
        }
        balances = {self.own: self.OWN_BALANCE, self.other: self.OTHER_BALANCE}
        for user, partners in expectations.items():
            with self.subTest(user=user.login):
                report = self._report(user, measures=("open_balance",))
                self.assertEqual(set(report), partners)
                for partner in partners:
                    self.assertAlmostEqual(report[partner]["open_balance"], balances[partner])
                    self.assertAlmostEqual(
                        partner.with_user(user).crm_open_balance, balances[partner]
                    )
                # and the card shows nothing of the customers the analysis hides
                for partner in (self.own | self.other) - self.env["res.partner"].union(*partners):
                    self.assertEqual(partner.with_user(user).crm_open_balance, 0.0)

    def test_users_without_a_crm_role_see_no_row(self):
        for user in (self.plain, self.salesman):
            with self.subTest(user=user.login):
                Report = self.env["crm.receivable.report"].with_user(user)
                with self.assertRaises(AccessError):
                    Report.search([])
                with self.assertRaises(AccessError):
                    Report._read_group([], ["partner_id"], ["open_balance:sum"])
                # nor on the card
                with self.assertRaises(AccessError):
                    self.own.with_user(user).read(["crm_open_balance"])

    def test_role_change_changes_the_rows_at_once(self):
        self.assertEqual(set(self._report(self.sp)), {self.own})
        self.sp.group_ids += self.env.ref("crm_extension.group_crm_manager")
        self.assertEqual(set(self._report(self.sp)), {self.own, self.other})

    def test_only_the_active_company(self):
        company_b = self.setup_other_company(name="Rec Company B")["company"]
        for user in (self.acc, self.sp):
            user.company_ids |= company_b
        self._create_invoice_one_line(
            price_unit=5000.0,
            tax_ids=[],
            partner_id=self.own,
            company_id=company_b.id,
            invoice_date=self.today,
            invoice_date_due=self.today,
            journal_id=self.env["account.journal"]
            .search([("company_id", "=", company_b.id), ("type", "=", "sale")], limit=1)
            .id,
            post=True,
        )
        # both companies allowed, A active: the figures of A, like the card
        Report = (
            self.env["crm.receivable.report"]
            .with_user(self.acc)
            .with_context(allowed_company_ids=[self.env.company.id, company_b.id])
        )
        rows = Report.search([("partner_id", "=", self.own.id)])
        self.assertEqual(rows.company_id, self.env.company)
        self.assertAlmostEqual(sum(rows.mapped("open_balance")), self.OWN_BALANCE)
        for user in (self.acc, self.sp):
            with self.subTest(user=user.login):
                in_b = self._report(user, company=company_b)
                self.assertEqual(set(in_b), {self.own})
                self.assertAlmostEqual(in_b[self.own]["open_balance"], 5000.0)
                self.assertAlmostEqual(in_b[self.own]["aging_not_due"], 5000.0)
                card_b = self.own.with_user(user).with_company(company_b)
                self.assertAlmostEqual(
                    card_b.with_context(allowed_company_ids=company_b.ids).crm_open_balance,
                    5000.0,
                )
                self.assertEqual(
                    self._independent_sql(company_b)[self.own.id]["open_balance"], 5000.0
                )


@tagged("post_install", "-at_install")
class TestReceivableQueryCount(ReceivableCommon):
    def _query_count(self, user):
        Report = self.env["crm.receivable.report"].with_user(user)
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        rows = Report._read_group([], ["partner_id"], ["open_balance:sum", "aging_1_30:sum"])
        return self.env.cr.sql_log_count - before, len(rows)

    def test_query_count_does_not_grow_with_customers(self):
        for user in (self.sp, self.acc):
            self._query_count(user)  # warm the caches (rules, groups)
        counts = {user: self._query_count(user) for user in (self.sp, self.acc)}
        Partner = self.env["res.partner"]
        for i in range(15):
            customer = Partner.create(
                {"name": f"Rec Bulk {i}", "is_company": True, "user_id": self.sp.id}
            )
            self._invoice(customer, 10.0 + i, i * 7)
        self.env.flush_all()
        for user in counts:
            self._query_count(user)  # caches the seeding cleared (rules, groups)
        for user, (queries, rows) in counts.items():
            with self.subTest(user=user.login):
                with self.assertQueryCount(queries):
                    Report = self.env["crm.receivable.report"].with_user(user)
                    self.env.invalidate_all()
                    grown = Report._read_group(
                        [], ["partner_id"], ["open_balance:sum", "aging_1_30:sum"]
                    )
                self.assertEqual(len(grown), rows + 15)

"""Issue 10, item 3, tried as the attacker: figures of branches the user may not
access."""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .test_customer_card import CardCommon

SALESPERSON = "crm_extension.group_crm_salesperson"
MANAGER = "crm_extension.group_crm_manager"
ACCOUNTANT = "crm_extension.group_crm_accountant"


@tagged("post_install", "-at_install")
class TestBranchScope(CardCommon):
    """A parent company P with branches B1 and B2; a customer with receivables and
    quotations in all three. ``sp_b1`` (CRM salesperson) and ``acc_b1`` (CRM
    accountant) are allowed in B1 only; ``mgr_p`` (CRM manager) in P and B1."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parent = cls.company_data["company"]
        cls.parent.write(
            {
                "child_ids": [
                    Command.create({"name": "Branch 1"}),
                    Command.create({"name": "Branch 2"}),
                ]
            }
        )
        cls.cr.precommit.run()  # load the chart of accounts of the branches
        cls.b1, cls.b2 = cls.parent.child_ids
        cls.env.user.company_ids |= cls.b1 | cls.b2

        def user(login, groups, companies):
            return new_test_user(
                cls.env,
                login=login,
                groups=groups,
                company_id=companies[0].id,
                company_ids=[Command.set(companies.ids)],
            )

        cls.sp_b1 = user("branch_sp", SALESPERSON, cls.b1)
        cls.acc_b1 = user("branch_acc", ACCOUNTANT, cls.b1)
        cls.mgr_p = user("branch_mgr", MANAGER, cls.parent | cls.b1)
        cls.acc_all = user("branch_acc_all", ACCOUNTANT, cls.parent | cls.b1 | cls.b2)
        Partner = cls.env["res.partner"]
        cls.cust = Partner.create(
            {"name": "Branch Customer", "is_company": True, "user_id": cls.sp_b1.id}
        )
        cls.cust2 = Partner.create(
            {"name": "Branch Customer 2", "is_company": True, "user_id": cls.sp_b1.id}
        )
        cls.cust3 = Partner.create(
            {"name": "Late in Branch 2", "is_company": True, "user_id": cls.sp_b1.id}
        )
        cls.inv_p = cls._branch_invoice(cls.cust, cls.parent, 100.0, 10)
        cls.inv_b1 = cls._branch_invoice(cls.cust, cls.b1, 200.0, 40)
        cls.inv_b1_not_due = cls._branch_invoice(cls.cust, cls.b1, 50.0, -10)
        cls.inv_b2 = cls._branch_invoice(cls.cust, cls.b2, 400.0, 70)
        cls._branch_invoice(cls.cust2, cls.b1, 300.0, -5)
        cls._branch_invoice(cls.cust3, cls.b2, 80.0, 20)
        cls.orders = {
            company: cls._branch_quotation(cls.cust, company, amount)
            for company, amount in ((cls.parent, 1000.0), (cls.b1, 2000.0), (cls.b2, 4000.0))
        }

    @classmethod
    def _branch_invoice(cls, partner, company, amount, days_past_due):
        date = cls.today - timedelta(days=days_past_due)
        return cls._create_invoice_one_line(
            price_unit=amount,
            tax_ids=[],
            partner_id=partner,
            company_id=company.id,
            invoice_date=date,
            invoice_date_due=date,
            post=True,
        )

    @classmethod
    def _branch_quotation(cls, partner, company, amount):
        order = (
            cls.env["sale.order"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product_a.id,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )
        )
        order.action_quotation_sent()
        return order

    # ---------------------------------------------------------------- helpers
    def _as(self, user, companies):
        """``cust`` as ``user`` working in ``companies`` (the first is the current)."""
        return self.cust.with_user(user).with_context(allowed_company_ids=companies.ids)

    def _analysis(self, user, companies, partner=None):
        """Sums of the Receivables Analysis rows of ``partner`` (default ``cust``)."""
        Report = (
            self.env["crm.receivable.report"]
            .with_user(user)
            .with_context(allowed_company_ids=companies.ids)
        )
        [(balance, overdue, count)] = Report._read_group(
            [("partner_id", "=", (partner or self.cust).id)],
            [],
            ["open_balance:sum", "overdue_amount:sum", "open_invoice_count:sum"],
        )
        return balance or 0.0, overdue or 0.0, count or 0

    def _sql(self, companies, partner=None):
        """Open receivable, overdue and open invoices of ``partner`` in ``companies``,
        straight from account_move_line."""
        [row] = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(SUM(aml.amount_residual), 0),
                       COALESCE(SUM(aml.amount_residual)
                                FILTER (WHERE aml.date_maturity < %(today)s), 0),
                       COUNT(DISTINCT aml.move_id)
                  FROM account_move_line aml
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE acc.account_type = 'asset_receivable'
                   AND aml.parent_state = 'posted'
                   AND aml.reconciled IS NOT TRUE
                   AND p.commercial_partner_id = %(partner)s
                   AND aml.company_id = ANY(%(companies)s)
                """,
                today=self.today,
                partner=(partner or self.cust).id,
                companies=companies.ids,
            )
        )
        return float(row[0]), float(row[1]), row[2]

    def _card(self, record):
        return (
            record.crm_open_balance,
            record.crm_overdue_amount,
            record.crm_open_invoice_count,
        )

    # ---------------------------------------------------------------- tests
    def test_branch_only_user_sees_the_figures_of_their_branch(self):
        for user in (self.sp_b1, self.acc_b1):
            with self.subTest(user=user.login):
                card = self.cust.with_user(user)  # no context: the user's companies
                self.assertEqual(card.env.companies, self.b1)
                self.assertAlmostEqual(card.crm_open_balance, 250.0)
                self.assertAlmostEqual(card.crm_overdue_amount, 200.0)
                self.assertEqual(card.crm_overdue_days, 40)
                self.assertEqual(card.crm_open_invoice_count, 2)
                self.assertAlmostEqual(card.crm_aging_61_90, 0.0, msg="Branch 2's 400")
                self.assertAlmostEqual(card.crm_open_quote_amount, 2000.0)
                self.assertEqual(card.crm_open_quote_count, 1)
                self.assertEqual(self._card(card), self._sql(self.b1))
                self.assertEqual(self._card(card), self._analysis(user, self.b1))
                # and the client cannot ask for the parent
                with self.assertRaises(AccessError):
                    self._as(user, self.parent | self.b1).crm_open_balance  # noqa: B018

    def test_card_and_analysis_agree_in_the_companies_worked_in(self):
        for companies, expected in (
            (self.parent | self.b1, (350.0, 300.0, 3)),
            (self.parent, (100.0, 100.0, 1)),
            (self.b1, (250.0, 200.0, 2)),
        ):
            with self.subTest(companies=companies.mapped("name")):
                card = self._as(self.mgr_p, companies)
                self.assertEqual(self._card(card), expected)
                self.assertEqual(self._sql(companies), expected)
                self.assertEqual(self._analysis(self.mgr_p, companies), expected)
        card = self._as(self.mgr_p, self.parent | self.b1)
        self.assertAlmostEqual(card.crm_open_quote_amount, 3000.0)
        self.assertEqual(card.crm_overdue_days, 40, "not the 70 days of Branch 2")

    def test_native_credit_reads_the_tree_the_card_the_active_companies(self):
        everything = self.parent | self.b1 | self.b2
        card = self._as(self.acc_all, everything)
        self.assertAlmostEqual(card.crm_open_balance, 750.0)
        self.assertAlmostEqual(card.crm_open_balance, card.credit, msg="the whole tree active")
        self.assertEqual(self._card(card), self._sql(everything))
        self.assertEqual(self._card(card), self._analysis(self.acc_all, everything))
        # native credit counts the whole tree, even for an accountant of Branch 1 only
        self.assertAlmostEqual(self.cust.with_user(self.acc_b1).credit, 750.0)
        self.assertAlmostEqual(self.cust.with_user(self.acc_b1).crm_open_balance, 250.0)

    def test_figure_searches_and_sorting_ignore_other_branches(self):
        Partner = self.env["res.partner"].with_user(self.sp_b1)
        scope = [("id", "in", (self.cust | self.cust2 | self.cust3).ids)]
        # cust: 250 in Branch 1 (750 in the tree); cust2: 300; cust3: only Branch 2
        self.assertEqual(Partner.search([*scope, ("crm_open_balance", ">", 260)]), self.cust2)
        self.assertEqual(
            Partner.search([*scope, ("crm_open_balance", "=", 0)]), self.cust3, "0 here"
        )
        self.assertFalse(Partner.search([*scope, ("crm_overdue_days", ">", 50)]))
        self.assertEqual(
            Partner.search(scope, order="crm_open_balance desc, id").ids,
            [self.cust2.id, self.cust.id, self.cust3.id],
        )
        # for the manager in the parent with Branch 1, the same numbers as the card
        Partner = self.env["res.partner"].with_user(self.mgr_p)
        Partner = Partner.with_context(allowed_company_ids=(self.parent | self.b1).ids)
        self.assertEqual(Partner.search([*scope, ("crm_open_balance", ">", 320)]), self.cust)
        self.assertEqual(
            Partner.search(scope, order="crm_open_balance desc, id").ids,
            [self.cust.id, self.cust2.id, self.cust3.id],
        )

    def test_smart_buttons_open_the_documents_of_the_card(self):
        card = self.cust.with_user(self.sp_b1)
        # the domains themselves (searched as superuser) hold only Branch 1's documents
        Move = self.env["account.move"].sudo()
        invoices = Move.search(card.action_crm_open_invoices()["domain"])
        self.assertEqual(invoices, self.inv_b1 | self.inv_b1_not_due)
        self.assertEqual(Move.search(card.action_crm_overdue_invoices()["domain"]), self.inv_b1)
        quotes = self.env["sale.order"].sudo().search(card.action_crm_quotations()["domain"])
        self.assertEqual(quotes, self.orders[self.b1])
        self.assertEqual(len(quotes), card.crm_open_quote_count)
        payments = card.action_crm_payments()["domain"]
        self.assertIn(("company_id", "in", self.b1.ids), payments)
        # and what the user opens matches the card's counts
        mgr = self._as(self.mgr_p, self.parent | self.b1)
        opened = (
            self.env["account.move"]
            .with_user(self.mgr_p)
            .search(mgr.action_crm_open_invoices()["domain"])
        )
        self.assertEqual(len(opened), mgr.crm_open_invoice_count)

    def test_dashboard_counts_the_overdue_customers_of_the_card(self):
        tiles = {
            tile["key"]: tile
            for tile in self.env["crm.dashboard"].with_user(self.sp_b1).get_tiles()
        }
        shown = (
            self.env["res.partner"]
            .with_user(self.sp_b1)
            .search(tiles["customers_overdue"]["domain"])
        )
        mine = (self.cust | self.cust2 | self.cust3).with_user(self.sp_b1)
        self.assertEqual(shown, mine.filtered("crm_overdue_amount"))
        self.assertEqual(shown, self.cust, "cust3 is late in Branch 2 only")
        self.assertFalse(self.cust3.with_user(self.sp_b1).crm_overdue_amount)

"""Issue 10, items 3 and 4, tried as the attacker: figures of branches the user may
not access, and what searches and computes derived from invoices tell a user who may
not see the customer's figures."""

from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import CardCommon

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
        items = self.env["account.move.line"].sudo().search(card.action_crm_overdue()["domain"])
        self.assertEqual(items.move_id, self.inv_b1)
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


@tagged("post_install", "-at_install")
class TestDerivedScope(CardCommon):
    """``mine`` (of ``sp``) and ``theirs`` (of ``sp2``), customers for 200 days.

    ``theirs`` bought product B on an invoice 5 days ago and has an unassigned quotation
    of yesterday; ``mine`` bought product A 20 days ago in the company and product B 3
    days ago in a branch ``sp`` may work in. Classes (ranked with the customers of
    :class:`CardCommon`): in the company, ``theirs`` A and ``mine`` B; in the branch,
    ``mine`` A."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.write({"child_ids": [Command.create({"name": "Derived Branch"})]})
        cls.cr.precommit.run()
        cls.branch = cls.company.child_ids
        cls.env.user.company_ids |= cls.branch
        cls.sp.company_ids |= cls.branch
        Partner = cls.env["res.partner"]
        cls.mine = Partner.create(
            {"name": "Derived Mine", "is_company": True, "customer_rank": 1, "user_id": cls.sp.id}
        )
        cls.theirs = Partner.create(
            {
                "name": "Derived Theirs",
                "is_company": True,
                "customer_rank": 1,
                "user_id": cls.sp2.id,
            }
        )
        cls.pair = cls.mine | cls.theirs

        def invoice(partner, product, amount, days_ago, company):
            return cls._create_invoice_one_line(
                product_id=product,
                price_unit=amount,
                tax_ids=[],
                partner_id=partner,
                company_id=company.id,
                invoice_date=cls.today - timedelta(days=days_ago),
                post=True,
            )

        invoice(cls.theirs, cls.product_b, 500.0, 5, cls.company)
        invoice(cls.mine, cls.product_a, 300.0, 20, cls.company)
        invoice(cls.mine, cls.product_b, 300.0, 3, cls.branch)
        cls.quotation = (
            cls.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": cls.theirs.id,
                    "user_id": False,
                    "date_order": fields.Datetime.now() - timedelta(days=1),
                    "order_line": [Command.create({"product_id": cls.product_a.id})],
                }
            )
        )
        cls._age(cls.pair, 200)
        cls.env["res.partner"]._cron_compute_customer_classes()

    @classmethod
    def _age(cls, partners, days):
        """Created ``days`` days ago (by Python's clock, like the card's today)."""
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE res_partner SET create_date = %s WHERE id = ANY(%s)",
            [fields.Datetime.now() - timedelta(days=days), partners.ids],
        )
        cls.env.invalidate_all()

    def _in(self, record, user, companies=None):
        record = record.with_user(user)
        if companies:
            record = record.with_context(allowed_company_ids=companies.ids)
        return record

    # ------------------------------------------------------------ bought product
    def test_bought_product_follows_the_card_scope_and_companies(self):
        product_b = self.product_b

        def bought(user, companies=None, operator="=", value=product_b.id):
            Partner = self._in(self.env["res.partner"], user, companies)
            return Partner.search(
                [("id", "in", self.pair.ids), ("crm_bought_product_id", operator, value)]
            )

        both = self.company | self.branch
        # the salesperson: their own customer, in the companies they work in
        self.assertEqual(bought(self.sp, both), self.mine)
        self.assertEqual(bought(self.sp, both, "ilike", product_b.name), self.mine)
        self.assertFalse(bought(self.sp, self.company), "mine bought B in the branch only")
        # who sees every customer's figures: every customer, in their companies
        self.assertEqual(bought(self.mgr), self.theirs)
        self.assertEqual(bought(self.acc, self.company), self.theirs)
        self.assertEqual(bought(self.sp2), self.theirs)
        # who may not read the figures learns nothing: the field is theirs no more
        for user in (self.plain, self.salesman):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                bought(user)

    def test_bought_product_sub_domain_is_searched_as_the_user(self):
        """The lines are searched in sudo: a sub-domain on the product the client sends
        must not make that search an oracle on fields the user may not read."""
        Partner = self._in(self.env["res.partner"], self.sp, self.company | self.branch)
        # a field of the product's way the salesperson is refused (accounting's credit limit)
        probe = [("create_uid.partner_id.credit_limit", ">=", 0)]
        for domain in (
            [("crm_bought_product_id", "any", probe)],
            [("crm_bought_product_id.create_uid.partner_id.credit_limit", ">=", 0)],
        ):
            with self.subTest(domain=domain), self.assertRaises(AccessError):
                Partner.search([("id", "in", self.pair.ids), *domain])
        # a sub-domain the user may search still finds their customer
        for domain in (
            [("crm_bought_product_id", "any", [("name", "=", self.product_b.name)])],
            [("crm_bought_product_id.name", "=", self.product_b.name)],
        ):
            with self.subTest(domain=domain):
                self.assertEqual(Partner.search([("id", "in", self.pair.ids), *domain]), self.mine)

    # ------------------------------------------------------------ last contact
    def test_last_contact_counts_only_the_documents_of_the_card(self):
        yesterday = self.today - timedelta(days=1)
        for user, partner, expected in (
            (self.sp2, self.theirs, yesterday),
            (self.mgr, self.theirs, yesterday),
            (self.sp, self.theirs, False),
            (self.plain, self.theirs, False),
            (self.salesman, self.theirs, False),
            (self.plain, self.mine, False),
        ):
            with self.subTest(user=user.login, partner=partner.name):
                record = self._in(partner, user)
                self.assertEqual(record.crm_last_contact_date, expected)
                if not expected:
                    self.assertEqual(record.crm_days_since_contact, 200, "since creation")
        both = self.company | self.branch
        self.assertEqual(
            self._in(self.mine, self.sp, both).crm_last_contact_date,
            self.today - timedelta(days=3),
        )
        self.assertEqual(
            self._in(self.mine, self.sp, self.company).crm_last_contact_date,
            self.today - timedelta(days=20),
            "the branch's invoice counts where the branch is active",
        )
        # the search says no more than the field
        for user, expected in ((self.sp, self.mine), (self.plain, self.env["res.partner"])):
            with self.subTest(search=user.login):
                Partner = self._in(self.env["res.partner"], user)
                found = Partner.search(
                    [("id", "in", self.pair.ids), ("crm_days_since_contact", "<", 30)]
                )
                self.assertEqual(found, expected)

    def test_followup_due_is_the_crons_selection_for_who_sees_the_customer(self):
        # class A (30 days) in the company, last invoiced 40 days ago: the cron's pick
        stale = self.env["res.partner"].create(
            {
                "name": "Derived Stale",
                "is_company": True,
                "customer_rank": 1,
                "user_id": self.sp2.id,
            }
        )
        self._create_invoice_one_line(
            product_id=self.product_a,
            price_unit=10.0,
            tax_ids=[],
            partner_id=stale,
            invoice_date=self.today - timedelta(days=40),
            post=True,
        )
        stale.sudo().crm_customer_class_company = "A"
        self._age(stale, 200)
        customers = self.pair | stale
        for user, visible in (
            (self.sp2, self.theirs | stale),
            (self.mgr, customers),
            (self.acc, customers),
            (self.sp, self.mine),
            (self.plain, self.env["res.partner"]),
        ):
            with self.subTest(user=user.login):
                Partner = self.env["res.partner"].with_user(user)
                due = Partner.search([("id", "in", customers.ids), ("crm_followup_due", "=", True)])
                # mine and theirs were in contact within their windows: stale only
                self.assertEqual(due, stale & visible)
                self.assertEqual(
                    due, customers.with_user(user).filtered("crm_followup_due"), "field = filter"
                )
        # and the nightly job picks the same: it reminds stale's owner, nobody else here
        reminded = self.env["res.partner"]._cron_create_followup_activities()
        reminded = reminded.filtered(lambda a: a.res_id in customers.ids)
        self.assertEqual(reminded.mapped("res_id"), stale.ids)
        self.assertEqual(reminded.user_id, self.sp2)

    # ------------------------------------------------------------ classes
    def test_classes_are_per_company(self):
        self.acc.company_ids |= self.branch
        self.assertEqual(self._in(self.theirs, self.acc).crm_customer_class, "A")
        self.assertEqual(self._in(self.mine, self.acc).crm_customer_class, "B")
        in_branch = self.branch | self.company
        self.assertEqual(self._in(self.mine, self.acc, in_branch).crm_customer_class, "A")
        self.assertFalse(self._in(self.theirs, self.acc, in_branch).crm_customer_class)
        [(classes,)] = self.env.execute_query(
            SQL(
                "SELECT crm_customer_class_company FROM res_partner WHERE id = %s",
                self.mine.id,
            )
        )
        self.assertEqual(classes, {str(self.company.id): "B", str(self.branch.id): "A"})

    def test_no_class_without_a_figure_role(self):
        calls = {
            "read": lambda record, Partner: record.read(["crm_customer_class"]),
            "web_read": lambda record, Partner: record.web_read({"crm_customer_class": {}}),
            "search": lambda record, Partner: Partner.search([("crm_customer_class", "=", "A")]),
            "read_group": lambda record, Partner: Partner._read_group(
                [], ["crm_customer_class"], ["__count"]
            ),
            "order": lambda record, Partner: Partner.search([], order="crm_customer_class"),
            "raw": lambda record, Partner: record.read(["crm_customer_class_company"]),
        }
        for user in (self.plain, self.salesman):
            for path, call in calls.items():
                with self.subTest(user=user.login, path=path), self.assertRaises(AccessError):
                    call(self.theirs.with_user(user), self.env["res.partner"].with_user(user))

    def test_own_scope_salesperson_does_not_learn_the_class_of_others(self):
        theirs = self.theirs.with_user(self.sp)
        Partner = self.env["res.partner"].with_user(self.sp)
        spec = {"crm_customer_class": {}}
        ids = self.pair.ids
        self.assertFalse(theirs.crm_customer_class)
        self.assertFalse(theirs.read(["crm_customer_class"])[0]["crm_customer_class"])
        self.assertFalse(theirs.web_read(spec)[0]["crm_customer_class"])
        self.assertFalse(
            Partner.web_search_read([("id", "=", self.theirs.id)], spec)["records"][0][
                "crm_customer_class"
            ]
        )
        self.assertIn(theirs.export_data(["crm_customer_class"])["datas"][0][0], (False, ""))
        self.assertEqual(self.mine.with_user(self.sp).crm_customer_class, "B")
        # searching, grouping and sorting say what reading says
        self.assertFalse(Partner.search([("id", "in", ids), ("crm_customer_class", "=", "A")]))
        self.assertEqual(
            Partner.search([("id", "in", ids), ("crm_customer_class", "=", False)]), self.theirs
        )
        self.assertEqual(
            Partner.search([("id", "in", ids), ("crm_customer_class", "!=", "B")]), self.theirs
        )
        self.assertEqual(
            Partner.search([("id", "in", ids), ("crm_customer_class", "in", ["A", "B"])]),
            self.mine,
        )
        groups = dict(
            Partner._read_group([("id", "in", ids)], ["crm_customer_class"], ["id:recordset"])
        )
        self.assertEqual(groups, {"B": self.mine, False: self.theirs})
        formatted = Partner.formatted_read_group(
            [("id", "in", ids)], ["crm_customer_class"], ["__count"]
        )
        self.assertEqual(
            {group["crm_customer_class"]: group["__count"] for group in formatted},
            {"B": 1, False: 1},
        )
        # sorted as if theirs had no class: B (mine) before no class, ascending
        ordered = Partner.search([("id", "in", ids)], order="crm_customer_class asc nulls last")
        self.assertEqual(ordered.ids, [self.mine.id, self.theirs.id])
        # nor through the raw classes of the nightly job
        with self.assertRaises(AccessError):
            theirs.read(["crm_customer_class_company"])
        with self.assertRaises(AccessError):
            Partner.search([("crm_customer_class_company", "=", "A")])
        # the owner and the manager see it, and filter and group by it
        for user in (self.sp2, self.mgr):
            with self.subTest(user=user.login):
                Partner = self.env["res.partner"].with_user(user)
                self.assertEqual(self.theirs.with_user(user).crm_customer_class, "A")
                self.assertEqual(
                    Partner.search([("id", "in", ids), ("crm_customer_class", "=", "A")]),
                    self.theirs,
                )
                groups = dict(
                    Partner._read_group(
                        [("id", "=", self.theirs.id)], ["crm_customer_class"], ["__count"]
                    )
                )
                self.assertEqual(groups, {"A": 1})

    def test_class_cannot_be_written_by_a_client(self):
        # the owner's manager cannot rank the customer A by hand
        with self.assertRaises(AccessError):
            self.theirs.with_user(self.mgr).write({"crm_customer_class": "A"})
        before = self.theirs.sudo().crm_customer_class_company
        self.assertEqual(before, "A")
        attackers = self.sp2 | self.mgr | self.acc | self.crm_admin
        # users who may edit contacts: the class is what they are refused
        attackers.group_ids += self.env.ref("base.group_partner_manager")
        for user in attackers:
            with self.subTest(user=user.login):
                record = self.theirs.with_user(user)
                # they may create and edit customers: only the class is refused
                self.env["res.partner"].with_user(user).create({"name": "Legit"})
                record.write({"comment": "legit"})
                for fname in ("crm_customer_class", "crm_customer_class_company"):
                    with self.assertRaises(AccessError):
                        record.write({fname: "C"})
                    with self.assertRaises(AccessError):
                        record.with_context(**{f"default_{fname}": "C"}).copy()
                    with self.assertRaises(AccessError):
                        self.env["res.partner"].with_user(user).create(
                            {"name": "Self-classed", fname: "A"}
                        )
                    with self.assertRaises(AccessError):
                        self.env["res.partner"].with_user(user).with_context(
                            **{f"default_{fname}": "A"}
                        ).create({"name": "Self-classed by context"})
                    with self.assertRaises(AccessError):
                        record.web_save({fname: "C"}, {})
        self.theirs.invalidate_recordset()
        self.assertEqual(self.theirs.sudo().crm_customer_class_company, "A")
        self.assertFalse(self.env["res.partner"].sudo().search([("name", "like", "Self-classed")]))
        # the form shows it read-only
        description = self.env["res.partner"].with_user(self.mgr).fields_get(["crm_customer_class"])
        self.assertTrue(description["crm_customer_class"]["readonly"])
        # the nightly job still sets it
        self.env.cr.execute(
            "UPDATE res_partner SET crm_customer_class_company = NULL WHERE id = %s",
            [self.theirs.id],
        )
        self.env["res.partner"].invalidate_model()
        self.env["res.partner"]._cron_compute_customer_classes()
        self.assertEqual(self.theirs.with_user(self.mgr).crm_customer_class, "A")

    def test_analyses_show_the_class_where_the_card_does(self):
        Report = self.env["crm.pipeline.report"]
        for user, expected in (
            (self.sp2, "A"),
            (self.mgr, "A"),
            (self.sp, False),  # sees the unassigned quotation, not the class
        ):
            with self.subTest(user=user.login):
                row = Report.with_user(user).search([("order_id", "=", self.quotation.id)])
                self.assertEqual(len(row), 1)
                self.assertEqual(row.customer_class, expected)
                groups = dict(
                    Report.with_user(user)._read_group(
                        [("order_id", "=", self.quotation.id)], ["customer_class"], ["__count"]
                    )
                )
                self.assertEqual(groups, {expected: 1})
        rows = (
            self.env["crm.receivable.report"]
            .with_user(self.mgr)
            .search([("partner_id", "in", self.pair.ids)])
        )
        self.assertEqual(
            {row.partner_id: row.customer_class for row in rows},
            {self.theirs: "A", self.mine: "B"},
        )

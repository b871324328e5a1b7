"""The customer card: figures, smart buttons, and who may see them through which path."""

from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged, users, warmup

from .common import CardCommon

FIGURES = ("crm_open_balance", "crm_overdue_amount", "crm_overdue_days", "crm_open_invoice_count")
SEARCHABLE = ("crm_open_balance", "crm_overdue_amount", "crm_overdue_days")
# the figures of the seed (see CardCommon), by customer name
FIGURES_OF = {
    "Own Ltd": {
        "crm_open_balance": 1100.0,
        "crm_overdue_amount": 600.0,
        "crm_overdue_days": 45,
        "crm_open_invoice_count": 2,
    },
    "Other Ltd": {
        "crm_open_balance": 700.0,
        "crm_overdue_amount": 700.0,
        "crm_overdue_days": 95,
        "crm_open_invoice_count": 1,
    },
}


@tagged("post_install", "-at_install")
class TestCardFigures(CardCommon):
    def test_figures_of_a_customer_with_its_contacts(self):
        card = self.own.with_user(self.acc)
        self.assertAlmostEqual(card.crm_open_balance, 600.0 + 500.0)
        self.assertAlmostEqual(card.crm_open_balance, self.own.credit, msg="equals native credit")
        self.assertAlmostEqual(card.crm_overdue_amount, 600.0)
        self.assertEqual(card.crm_overdue_days, 45)
        self.assertEqual(card.crm_open_invoice_count, 2)
        self.assertEqual(card.crm_last_invoice_date, self.today + timedelta(days=10))
        self.assertEqual(card.crm_last_payment_date, self.today)
        self.assertAlmostEqual(card.crm_aging_not_due, 500.0)
        self.assertAlmostEqual(card.crm_aging_31_60, 600.0)
        self.assertAlmostEqual(card.crm_aging_90_plus, 0.0)
        other = self.other.with_user(self.acc)
        self.assertAlmostEqual(other.crm_aging_90_plus, 700.0)
        self.assertEqual(other.crm_overdue_days, 95)
        self.assertEqual(
            self.own_contact.with_user(self.acc).crm_open_balance,
            card.crm_open_balance,
            "a contact shows its company's figures",
        )

    def test_quotes_and_amounts_to_invoice(self):
        quote = self._quotation(partner_id=self.own.id)
        quote.action_quotation_sent()
        order = self._quotation(partner_id=self.own.id)
        order.action_confirm()
        card = self.own.with_user(self.acc)
        self.assertAlmostEqual(card.crm_open_quote_amount, quote.amount_untaxed)
        self.assertEqual(card.crm_open_quote_count, 1)
        self.assertAlmostEqual(card.crm_to_invoice_amount, order.amount_untaxed)

    def test_credit_limit_usage(self):
        self.env.company.account_use_credit_limit = True
        self.own.credit_limit = 2200.0
        self.assertAlmostEqual(self.own.with_user(self.acc).crm_credit_limit_usage, 50.0)

    def test_filters_and_sorting_by_balance(self):
        Partner = self.env["res.partner"].with_user(self.acc)
        scope = [("id", "in", (self.own | self.other).ids)]
        self.assertEqual(
            Partner.search([*scope, ("crm_open_balance", ">", 0)]), self.own | self.other
        )
        self.assertEqual(
            Partner.search([*scope, ("crm_overdue_days", ">", 30)]), self.own | self.other
        )
        self.assertEqual(Partner.search([*scope, ("crm_overdue_days", ">", 60)]), self.other)
        self.assertEqual(Partner.search([*scope, ("crm_open_balance", "=", 0)]), Partner)
        ordered = Partner.search(scope, order="crm_open_balance desc")
        self.assertEqual(ordered.ids, [self.own.id, self.other.id])

    def test_multi_company_figures_stay_in_their_company(self):
        company_b = self.setup_other_company(name="Company B")["company"]
        self.env.user.company_ids |= company_b
        self._create_invoice_one_line(
            price_unit=5000.0,
            tax_ids=[],
            partner_id=self.own,
            company_id=company_b.id,
            journal_id=self.env["account.journal"]
            .search([("company_id", "=", company_b.id), ("type", "=", "sale")], limit=1)
            .id,
            post=True,
        )
        self.assertAlmostEqual(self.own.with_user(self.acc).crm_open_balance, 1100.0)
        in_b = self.own.with_company(company_b).with_context(allowed_company_ids=company_b.ids)
        self.assertAlmostEqual(in_b.crm_open_balance, 5000.0)

    def test_smart_buttons_open_the_customer_documents(self):
        card = self.own.with_user(self.acc)
        action = card.action_crm_open_invoices()
        moves = self.env["account.move"].with_user(self.acc).search(action["domain"])
        self.assertEqual(moves, self.own_overdue | self.own_not_due)
        action = card.action_crm_overdue()
        items = self.env["account.move.line"].search(action["domain"])
        self.assertEqual(items.move_id, self.own_overdue)
        action = card.action_crm_payments()
        self.assertEqual(self.env["account.payment"].search(action["domain"]), self.own_payment)


@tagged("post_install", "-at_install")
class TestCardVisibility(CardCommon):
    """role x read path; 'own' = the salesperson's customer, 'other' = someone else's."""

    def _expectations(self):
        return {
            # user: (sees own figures, sees other figures, field readable at all)
            self.sp: (True, False, True),
            self.mgr: (True, True, True),
            self.acc: (True, True, True),
            self.plain: (False, False, False),
        }

    def _read_paths(self, user, partner, fname):
        """``fname`` of ``partner`` as ``user`` through each read path."""
        Partner = self.env["res.partner"].with_user(user)
        record = partner.with_user(user)
        spec = {fname: {}}
        paths = {
            "read": lambda: record.read([fname])[0][fname],
            "web_read": lambda: record.web_read(spec)[0][fname],
            "search_read": lambda: Partner.search_read([("id", "=", partner.id)], [fname])[0][
                fname
            ],
            "web_search_read": lambda: Partner.web_search_read([("id", "=", partner.id)], spec)[
                "records"
            ][0][fname],
            "export": lambda: record.export_data([fname])["datas"][0][0],
        }
        if fname in SEARCHABLE:
            paths["search_domain"] = lambda: (
                1.0 if Partner.search([("id", "=", partner.id), (fname, ">", 0)]) else 0.0
            )
        return paths

    @staticmethod
    def _number(value):
        """A figure as a number, whatever the read path gives (export: text; a hidden
        figure may come as False or empty)."""
        return float(value) if value not in (False, None, "") else 0

    def test_figures_through_every_read_path(self):
        for user, (own_ok, other_ok, readable) in self._expectations().items():
            for partner, visible in ((self.own, own_ok), (self.other, other_ok)):
                for fname in FIGURES:
                    for path, read in self._read_paths(user, partner, fname).items():
                        with self.subTest(user=user.login, partner=partner.name, f=fname, p=path):
                            if not readable:
                                with self.assertRaises(AccessError):
                                    read()
                                continue
                            expected = FIGURES_OF[partner.name][fname] if visible else 0
                            if path == "search_domain":
                                expected = 1 if visible else 0
                            self.assertEqual(self._number(read()), expected)

    def test_sorting_and_grouping_do_not_leak(self):
        scope = [("id", "in", (self.own | self.other).ids)]
        as_sp = self.env["res.partner"].with_user(self.sp)
        # the other customer's 700 counts as 0 for the salesperson: own (1100) first,
        # and ascending puts the other (0) first whatever its real balance
        self.assertEqual(
            as_sp.search(scope, order="crm_open_balance asc").ids, [self.other.id, self.own.id]
        )
        self.env.company.currency_id.rounding = 0.01
        self.other_overdue.button_draft()
        self.other_overdue.invoice_line_ids.price_unit = 5000.0
        self.other_overdue.action_post()
        self.assertEqual(
            as_sp.search(scope, order="crm_open_balance desc").ids, [self.own.id, self.other.id]
        )
        with self.assertRaises(ValueError):
            as_sp.formatted_read_group(scope, ["user_id"], ["crm_open_balance:sum"])

    def test_invoices_and_payments_by_role(self):
        Move = self.env["account.move"]
        own_invoices = self.own_overdue | self.own_not_due
        # salesperson: own customers' customer invoices only, read-only
        self.assertEqual(
            Move.with_user(self.sp).search([("id", "in", self._all_moves().ids)]), own_invoices
        )
        with self.assertRaises(AccessError):
            self.other_overdue.with_user(self.sp).read(["amount_total"])
        with self.assertRaises(AccessError):
            self.vendor_bill.with_user(self.sp).read(["amount_total"])
        with self.assertRaises(AccessError):
            self.own_not_due.with_user(self.sp).write({"ref": "changed"})
        Payment = self.env["account.payment"]
        payments = (self.own_payment | self.other_payment).ids
        self.assertEqual(
            Payment.with_user(self.sp).search([("id", "in", payments)]), self.own_payment
        )
        # manager: every customer invoice and payment, read-only, never vendor bills
        self.assertEqual(
            Move.with_user(self.mgr).search([("id", "in", self._all_moves().ids)]),
            own_invoices | self.other_overdue,
        )
        self.assertEqual(
            Payment.with_user(self.mgr).search([("id", "in", payments)]),
            self.own_payment | self.other_payment,
        )
        with self.assertRaises(AccessError):
            self.other_overdue.with_user(self.mgr).write({"ref": "changed"})
        # accountant: native billing rights
        self.assertEqual(
            Move.with_user(self.acc).search([("id", "in", self._all_moves().ids)]),
            self._all_moves(),
        )

    def _all_moves(self):
        return self.own_overdue | self.own_not_due | self.other_overdue | self.vendor_bill

    def test_smart_button_of_another_customer_shows_nothing(self):
        action = self.other.with_user(self.sp).action_crm_open_invoices()
        self.assertFalse(self.env["account.move"].with_user(self.sp).search(action["domain"]))

    def test_role_change_takes_effect_at_once(self):
        self.assertEqual(self.other.with_user(self.sp).crm_open_balance, 0.0)
        wizard = (
            self.env["crm.set.role.wizard"]
            .with_user(self.crm_admin)
            .with_context(active_ids=(self.sp | self.sp2).ids)
            .create({"role": "manager"})
        )
        wizard.action_apply()
        self.assertTrue(self.sp.has_group("crm_extension.group_crm_manager"))
        self.assertTrue(self.sp2.has_group("crm_extension.group_crm_manager"))
        self.assertAlmostEqual(self.other.with_user(self.sp).crm_open_balance, 700.0)
        self.assertEqual(
            self.env["account.move"].with_user(self.sp).browse(self.other_overdue.id).amount_total,
            700.0,
        )
        wizard.role = "none"
        wizard.action_apply()
        self.assertFalse(self.sp.has_group("crm_extension.group_crm_salesperson"))
        # the per-user answer to "may read the figures" is not kept from before
        with self.assertRaises(AccessError):
            self.other.with_user(self.sp).crm_open_balance  # noqa: B018

    def test_only_the_crm_admin_assigns_roles(self):
        with self.assertRaises(AccessError):
            self.env["crm.set.role.wizard"].with_user(self.mgr).create(
                {"role": "admin", "user_ids": [(6, 0, self.mgr.ids)]}
            )
        self.assertFalse(self.mgr.has_group("crm_extension.group_crm_admin"))

    def test_roles_imply_the_native_groups(self):
        implied = {
            self.sp: "sales_team.group_sale_salesman",
            self.mgr: "sales_team.group_sale_salesman_all_leads",
            self.acc: "account.group_account_invoice",
            self.crm_admin: "sales_team.group_sale_manager",
        }
        self.crm_admin.group_ids += self.env.ref("crm_extension.group_crm_admin")
        for user, xmlid in implied.items():
            self.assertTrue(user.has_group(xmlid), f"{user.login} has {xmlid}")
            self.assertTrue(user.has_group("base.group_user"))


@tagged("post_install", "-at_install")
class TestCardQueryCount(CardCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.many = cls.env["res.partner"].create(
            [{"name": f"Bulk {i}", "user_id": cls.sp.id} for i in range(80)]
        )

    def _read_figures(self, partners):
        partners.invalidate_recordset()
        partners.read(list(FIGURES))

    @users("crm_acc")
    @warmup
    def test_figures_cost_the_same_for_1_and_80_customers(self):
        Partner = self.env["res.partner"]
        with self.assertQueryCount(crm_acc=6):
            self._read_figures(Partner.browse(self.own.id))
        with self.assertQueryCount(crm_acc=6):
            self._read_figures(Partner.browse((self.own | self.other | self.many).ids))

"""The customer card never contradicts itself (issue 11, item 6, and the card's part of
item 11): each figure equals what the list of its button shows, for each role.

Written as the user who reads the card: every figure is compared with ``search_count`` /
sums over the records of the button's action domain, searched as that same user (so with
their record rules), and with plain SQL where the figure has a native meaning.
"""

from datetime import timedelta

from lxml import etree

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CardCommon


class CoherenceCommon(CardCommon):
    """On top of :class:`CardCommon` (``own``: 1000 overdue partly paid 400 on a contact,
    500 not due; ``other``: 700 overdue, a draft payment):

    - ``own``: an open credit note of 200, an unmatched customer payment of 50, a
      receivable entry crediting 30 the day after the payment (not a payment), a
      quotation sent by its salesperson (taxed product) and a draft quotation of
      another salesperson;
    - ``other``: an invoice issued by ``sp`` (someone else's customer);
    - ``netted``: an invoice of 300 and an open credit note of 300: balance 0.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        today = cls.today
        Partner = cls.env["res.partner"]
        cls.netted = Partner.create(
            {"name": "Netted Ltd", "is_company": True, "user_id": cls.sp.id}
        )

        def move(partner, amount, move_type="out_invoice", days_ago=0, user=None):
            return cls._invoice(
                partner, amount, days_ago, move_type=move_type, invoice_user_id=user or cls.sp2
            )

        cls.own_refund = move(cls.own, 200.0, "out_refund", days_ago=5)
        cls.other_by_sp = move(cls.other, 80.0, user=cls.sp)
        cls.netted_invoice = move(cls.netted, 300.0)
        cls.netted_refund = move(cls.netted, 300.0, "out_refund")
        cls.own_unmatched = cls.env["account.payment"].create(
            {
                "partner_id": cls.own.id,
                "partner_type": "customer",
                "payment_type": "inbound",
                "amount": 50.0,
                "date": today - timedelta(days=3),
            }
        )
        cls.own_unmatched.action_post()
        # a manual entry on the customer's receivable: it moves the balance, it is no
        # payment (the old card took its date as the last payment)
        receivable = cls.own.property_account_receivable_id
        cls.own_entry = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "date": today + timedelta(days=1),
                "journal_id": cls.company_data["default_journal_misc"].id,
                "line_ids": [
                    Command.create(
                        {"account_id": receivable.id, "partner_id": cls.own.id, "credit": 30.0}
                    ),
                    Command.create(
                        {
                            "account_id": cls.company_data["default_account_revenue"].id,
                            "debit": 30.0,
                        }
                    ),
                ],
            }
        )
        cls.own_entry.action_post()
        cls.own_quote_sent = cls._quotation(user=cls.sp, partner_id=cls.own_contact.id)
        cls.own_quote_sent.action_quotation_sent()
        cls.own_quote_draft = cls._quotation(user=cls.sp2, partner_id=cls.own.id)
        cls.roles = {"salesperson": cls.sp, "manager": cls.mgr, "accountant": cls.acc}
        cls.customers = cls.own | cls.other | cls.netted

    def _listed(self, user, partner, method):
        """The records the button ``method`` of ``partner``'s card lists for ``user``,
        and the action."""
        action = getattr(partner.with_user(user), method)()
        return self.env[action["res_model"]].with_user(user).search(action["domain"]), action

    def _sql_balance(self, partner):
        """Open receivable of the customer, straight from the journal items."""
        [(balance,)] = self.env.execute_query(
            SQL(
                """
                SELECT COALESCE(SUM(aml.amount_residual), 0)
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                  JOIN account_account acc ON acc.id = aml.account_id
                  JOIN res_partner p ON p.id = aml.partner_id
                 WHERE am.state = 'posted' AND acc.account_type = 'asset_receivable'
                   AND NOT aml.reconciled AND p.commercial_partner_id = %s
                """,
                partner.id,
            )
        )
        return float(balance)


@tagged("post_install", "-at_install")
class TestCardAgreesWithItsLists(CoherenceCommon):
    """Every count and amount == what its button opens, as each role."""

    def _check(self, user, partner, visible):
        card = partner.with_user(user)
        with self.subTest(user=user.login, partner=partner.name, button="balance"):
            items, _action = self._listed(user, partner, "action_crm_balance")
            self.assertAlmostEqual(card.crm_open_balance, sum(items.mapped("amount_residual")))
            if visible:
                self.assertAlmostEqual(card.crm_open_balance, self._sql_balance(partner))
        with self.subTest(user=user.login, partner=partner.name, button="overdue"):
            items, _action = self._listed(user, partner, "action_crm_overdue")
            self.assertAlmostEqual(card.crm_overdue_amount, sum(items.mapped("amount_residual")))
            self.assertTrue(all(item.date_maturity < self.today for item in items))
        with self.subTest(user=user.login, partner=partner.name, button="open invoices"):
            invoices, _action = self._listed(user, partner, "action_crm_open_invoices")
            self.assertEqual(card.crm_open_invoice_count, len(invoices))
            self.assertEqual(set(invoices.mapped("move_type")) - {"out_invoice"}, set())
        with self.subTest(user=user.login, partner=partner.name, button="quotes"):
            quotes, _action = self._listed(user, partner, "action_crm_quotations")
            self.assertEqual(card.crm_open_quote_count, len(quotes))
            # untaxed, like To Invoice
            self.assertAlmostEqual(card.crm_open_quote_amount, sum(quotes.mapped("amount_untaxed")))
        with self.subTest(user=user.login, partner=partner.name, button="payments"):
            payments, _action = self._listed(user, partner, "action_crm_payments")
            self.assertEqual(card.crm_payment_count, len(payments))
            self.assertEqual(
                card.crm_last_payment_date, max(payments.mapped("date"), default=False)
            )

    def test_every_figure_is_the_list_of_its_button_for_each_role(self):
        for user in self.roles.values():
            for partner in self.customers:
                visible = user != self.sp or partner.user_id == self.sp
                self._check(user, partner, visible)

    def test_what_the_accountant_sees_on_the_seed(self):
        card = self.own.with_user(self.acc)
        # 600 + 500 open, -200 credit note, -50 unmatched payment, -30 entry
        self.assertAlmostEqual(card.crm_open_balance, 820.0)
        self.assertAlmostEqual(card.crm_open_balance, self.own.credit, msg="the native credit")
        self.assertEqual(card.crm_open_invoice_count, 2, "2 invoices, not the credit note")
        self.assertEqual(card.crm_payment_count, 2, "the 400 and the 50, not the entry")
        self.assertEqual(card.crm_last_payment_date, self.today, "the 400's date, not the entry's")
        self.assertEqual(card.crm_open_quote_count, 2, "draft and sent")
        self.assertAlmostEqual(
            card.crm_open_quote_amount,
            self.own_quote_sent.amount_untaxed + self.own_quote_draft.amount_untaxed,
        )
        self.assertNotAlmostEqual(
            card.crm_open_quote_amount,
            self.own_quote_sent.amount_total + self.own_quote_draft.amount_total,
            msg="untaxed, not tax included",
        )

    def test_a_netted_balance_explains_its_open_invoice(self):
        card = self.netted.with_user(self.mgr)
        self.assertAlmostEqual(card.crm_open_balance, 0.0)
        self.assertEqual(card.crm_open_invoice_count, 1)
        items, _action = self._listed(self.mgr, self.netted, "action_crm_balance")
        self.assertEqual(items.move_id, self.netted_invoice | self.netted_refund)
        self.assertIn("credit notes", type(card)._fields["crm_open_balance"].help)

    def test_the_salesperson_sees_nothing_of_another_customer(self):
        card = self.other.with_user(self.sp)
        # the native sales rule lets the salesperson read the invoice they issued
        self.assertTrue(self.other_by_sp.with_user(self.sp).has_access("read"))
        self.assertEqual(card.crm_open_invoice_count, 0)
        for method in (
            "action_crm_balance",
            "action_crm_overdue",
            "action_crm_open_invoices",
            "action_crm_quotations",
            "action_crm_payments",
        ):
            with self.subTest(button=method):
                records, _action = self._listed(self.sp, self.other, method)
                self.assertFalse(records, "no list contradicting the card's 0")

    def test_the_salesperson_counts_the_quotations_they_may_open(self):
        card = self.own.with_user(self.sp)
        self.assertEqual(card.crm_open_quote_count, 1, "not the other salesperson's draft")
        self.assertAlmostEqual(card.crm_open_quote_amount, self.own_quote_sent.amount_untaxed)
        # and the manager, who reads every order, both
        self.assertEqual(self.own.with_user(self.mgr).crm_open_quote_count, 2)

    def test_each_button_says_what_it_lists(self):
        names = {}
        for method in (
            "action_crm_balance",
            "action_crm_overdue",
            "action_crm_open_invoices",
            "action_crm_quotations",
            "action_crm_payments",
        ):
            action = getattr(self.own.with_user(self.mgr), method)()
            self.assertIn(self.own.name, action["name"])
            self.assertTrue(action["help"])
            names[method] = action["name"]
        self.assertEqual(len(set(names.values())), len(names), "one title per button")
        self.assertEqual(
            self._listed(self.mgr, self.own, "action_crm_balance")[1]["res_model"],
            "account.move.line",
        )


@tagged("post_install", "-at_install")
class TestCardViews(CoherenceCommon):
    """Item 11: the pipeline card labels its red amount, the finance filters come first."""

    def _arch(self, user, view_type, view=False):
        views = self.env["res.partner"].with_user(user).get_views([(view, view_type)])
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_pipeline_card_labels_the_overdue_amount(self):
        view = self.env.ref("crm_extension.res_partner_view_kanban_pipeline").id
        arch = self._arch(self.sp, "kanban", view)
        [amount] = arch.xpath("//templates//field[@name='crm_overdue_amount']")
        label = amount.getparent()
        self.assertIn("Overdue", label.text or "")
        self.assertTrue(label.get("title"))

    def test_finance_filters_come_right_after_customers_and_vendors(self):
        for user in self.roles.values():
            with self.subTest(user=user.login):
                names = [node.get("name") for node in self._arch(user, "search").iter("filter")]
                top = names.index("supplier")
                self.assertEqual(
                    names[top + 1 : top + 5],
                    ["crm_owes_money", "crm_overdue", "crm_overdue_30", "followup_due"],
                )
                self.assertLess(names.index("class_a"), names.index("in_pipeline"))
                self.assertLess(names.index("crm_owes_money"), names.index("inactive"))

"""The filters of a domain in words (crm_extension/tools/domain_words.py), on core's
own partner fields: labels, operators, displayed values, nesting, and what is kept as
the domain's text."""

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.crm_extension.tools.domain_words import describe_domain


@tagged("post_install", "-at_install")
class TestDomainWords(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US", tz="UTC"))
        cls.Partner = cls.env["res.partner"]
        cls.be = cls.env.ref("base.be")
        cls.fr = cls.env.ref("base.fr")

    def _words(self, domain, model=None):
        model = self.Partner if model is None else model
        return describe_domain(model.env, model, domain)

    def test_no_filter_is_none(self):
        self.assertEqual(self._words([]), "none")

    def test_conditions_are_label_operator_and_displayed_value(self):
        self.assertEqual(self._words([("country_id", "=", self.be.id)]), "Country is Belgium")
        self.assertEqual(
            self._words([("country_id", "in", [self.be.id, self.fr.id])]),
            "Country is in Belgium, France",
        )
        # one value in a list reads as "is" / "is not"
        self.assertEqual(
            self._words([("country_id", "not in", [self.fr.id])]), "Country is not France"
        )
        self.assertEqual(self._words([("name", "ilike", "acme")]), "Name contains acme")
        self.assertEqual(self._words([("type", "=", "invoice")]), "Address Type is Invoice")
        self.assertEqual(self._words([("is_company", "=", True)]), "Is a Company is Yes")
        self.assertEqual(self._words([("color", ">=", 3)]), "Color Index >= 3")

    def test_empty_values_read_as_set_or_not_set(self):
        self.assertEqual(self._words([("country_id", "=", False)]), "Country is not set")
        self.assertEqual(self._words([("country_id", "!=", False)]), "Country is set")

    def test_selected_ids_are_counted(self):
        self.assertEqual(self._words([("id", "in", [1])]), "1 selected row")
        self.assertEqual(self._words([("id", "in", [1, 2, 3])]), "3 selected rows")

    def test_and_or_nest_with_parentheses(self):
        words = self._words(
            [
                ("is_company", "=", True),
                "|",
                ("country_id", "=", self.be.id),
                ("name", "ilike", "acme"),
            ]
        )
        self.assertEqual(
            words, "Is a Company is Yes and (Country is Belgium or Name contains acme)"
        )

    def test_what_has_no_words_keeps_its_text(self):
        # a path, and a field the model does not have
        self.assertIn("country_id.code", self._words([("country_id.code", "=", "BE")]))
        words = self._words([("country_id.code", "=", "BE"), ("name", "=", "x")])
        self.assertTrue(words.endswith(" and Name is x"), words)

    def test_dates_in_the_users_format(self):
        words = self._words([("create_date", ">=", "2026-03-01 00:00:00")])
        self.assertRegex(words, r"^Created on >= 03/01/2026 ")

    def test_records_the_user_may_not_read_show_their_id(self):
        company = self.env["res.company"].create({"name": "Hidden Co"})
        user = new_test_user(self.env, login="domain_words_user", groups="base.group_user")
        partner = self.env["res.partner"].create({"name": "Hidden", "company_id": company.id})
        Partner = self.Partner.with_user(user)
        self.env.invalidate_all()  # what the user reads is fetched as the user
        self.assertEqual(
            describe_domain(Partner.env, Partner, [("parent_id", "=", partner.id)]),
            f"Related Company is {partner.id}",
        )

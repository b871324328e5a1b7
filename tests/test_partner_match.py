from odoo.tests import tagged

from odoo.addons.crm_extension.tools.partner_keys import email_key, phone_key, vat_key

from .common import CrmCommon


@tagged("post_install", "-at_install")
class TestPartnerKeys(CrmCommon):
    """The normalization rules, on values written as people write them."""

    def test_international_and_national_phone_numbers_give_one_key(self):
        self.assertEqual(phone_key("+32 2 290 12 34"), "3222901234")
        self.assertEqual(phone_key("0032 (2) 290-12-34"), "3222901234")
        self.assertEqual(phone_key("02/290.12.34", 32), "3222901234")
        # without a country a national number keeps its digits, trunk 0 dropped
        self.assertEqual(phone_key("02 290 12 34"), "22901234")

    def test_short_or_empty_phone_numbers_identify_nobody(self):
        self.assertFalse(phone_key("12-34", 32))
        self.assertFalse(phone_key(""))
        self.assertFalse(phone_key(False))

    def test_vat_numbers_lose_separators_and_gain_their_country_prefix(self):
        self.assertEqual(vat_key("be 0477.472.701"), "BE0477472701")
        self.assertEqual(vat_key("0477-472-701", "BE"), "BE0477472701")
        self.assertFalse(vat_key("/"))

    def test_emails_are_mails_normalized_form(self):
        self.assertEqual(email_key('"Ann" <Ann.Lee@Example.COM>'), "ann.lee@example.com")
        self.assertFalse(email_key("not an e-mail"))
        self.assertFalse(email_key("bad@@example"))
        self.assertFalse(email_key("ann@example.com, bob@example.com"))

    def test_partner_keys_are_stored_from_phone_vat_and_country(self):
        belgium = self.env.ref("base.be")
        partner = self.env["res.partner"].create(
            {
                "name": "Keys",
                "phone": "02 290 12 34",
                "vat": "0477.472.701",
                "country_id": belgium.id,
            }
        )
        self.assertEqual(partner.crm_phone_key, "3222901234")
        self.assertEqual(partner.crm_vat_key, "BE0477472701")
        partner.phone = "+33 6 12 34 56 78"
        self.assertEqual(partner.crm_phone_key, "33612345678")


@tagged("post_install", "-at_install")
class TestPartnerMatch(CrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.belgium = cls.env.ref("base.be")
        cls.acme = cls._customer(
            "Acme",
            email="info@acme.example",
            phone="+32 2 290 12 34",
            vat="BE0477472701",
            country_id=cls.belgium.id,
        )
        cls.ann = Partner.create(
            {"name": "Ann", "parent_id": cls.acme.id, "email": "Ann@Acme.example"}
        )
        cls.beta = cls._customer("Beta", email="sales@beta.example", phone="+32 9 111 22 33")
        cls.beta_twin = cls._customer("Beta (old)", email="SALES@beta.example")

    def _match(self, rows, keys=("email", "phone", "vat"), user=None):
        Partner = self.env["res.partner"].with_user(user or self.sp)
        return Partner._match_customer_keys(rows, keys)

    def test_each_key_finds_the_customer_written_differently(self):
        rows = [
            {"email": "INFO@acme.example"},
            {"phone": "02 290 12 34", "country_id": self.belgium.id},
            {"vat": "be 0477 472 701"},
            {"email": "nobody@example.com", "phone": "+1 555 0100 200", "vat": "FR123"},
        ]
        matches = self._match(rows)
        self.assertEqual(matches[0]["email"], {self.acme.id})
        self.assertEqual(matches[1]["phone"], {self.acme.id})
        self.assertEqual(matches[2]["vat"], {self.acme.id})
        self.assertEqual(matches[3], {"email": set(), "phone": set(), "vat": set()})

    def test_a_contact_found_by_email_stands_for_its_company(self):
        (match,) = self._match([{"email": "ann@acme.example"}], keys=("email",))
        self.assertEqual(match, {"email": {self.acme.id}})

    def test_two_customers_with_one_email_are_both_returned(self):
        (match,) = self._match([{"email": "sales@beta.example"}], keys=("email",))
        self.assertEqual(match["email"], {self.beta.id, self.beta_twin.id})

    def test_first_key_that_matches_wins_in_the_given_order(self):
        row = {"email": "info@acme.example", "phone": "+32 9 111 22 33"}
        Partner = self.env["res.partner"].with_user(self.sp)
        self.assertEqual(
            Partner._match_first_customer(row, ("email", "phone")), ("email", self.acme)
        )
        self.assertEqual(
            Partner._match_first_customer(row, ("phone", "email")), ("phone", self.beta)
        )
        self.assertEqual(
            Partner._match_first_customer({"email": "x@y.example"}), (False, Partner.browse())
        )

    def test_archived_partners_and_other_companies_do_not_match(self):
        self.beta_twin.active = False
        other = self.env["res.company"].create({"name": "Elsewhere"})
        self.acme.company_id = other
        # a user allowed in both companies, working in the main one (as the web client
        # says in every request's context)
        self.sp.company_ids += other
        Partner = self.env["res.partner"].with_user(self.sp)
        matches = Partner.with_context(
            allowed_company_ids=self.env.company.ids
        )._match_customer_keys([{"email": "sales@beta.example"}, {"vat": "BE0477472701"}])
        self.assertEqual(matches[0]["email"], {self.beta.id})
        self.assertEqual(matches[1]["vat"], set())
        (match,) = Partner.with_context(allowed_company_ids=other.ids)._match_customer_keys(
            [{"vat": "BE0477472701"}]
        )
        self.assertEqual(match["vat"], {self.acme.id})

    def test_the_number_of_queries_does_not_grow_with_the_rows(self):
        def rows(count):
            return [
                {"email": f"row{i}@example.com", "phone": f"+32 470 00 {i:04d}"}
                for i in range(count)
            ] + [{"email": "info@acme.example"}]

        Partner = self.env["res.partner"].with_user(self.sp)
        Partner._match_customer_keys(rows(1), ("email", "phone"))  # warm the caches
        counts = []
        for count in (10, 1000):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            matches = Partner._match_customer_keys(rows(count), ("email", "phone"))
            counts.append(self.env.cr.sql_log_count - before)
            self.assertEqual(matches[-1]["email"], {self.acme.id})
        self.assertEqual(counts[0], counts[1])
        self.assertLessEqual(counts[1], 6)

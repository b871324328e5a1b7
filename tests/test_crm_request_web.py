"""The web channel of the request intake (issue 13): the public request page of a team
and the endpoint for a form on another website, through real HTTP requests."""

import re

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged

from .common import RequestCommon

SUBMIT = "/crm/request/submit"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
THANKS = "Thank you: your request is in, we will call you back shortly."


@tagged("post_install", "-at_install")
class TestCrmRequestWeb(RequestCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the team's company takes its web requests (the public user is in the main one)
        cls.desk.company_id = cls.env.company
        cls.desk.crm_request_page = True
        cls.desk.with_user(cls.crm_admin).action_crm_request_generate_key()
        cls.key = cls.desk.crm_request_key
        cls.page = cls.desk._get_crm_request_path()
        cls.env["ir.config_parameter"].set_param("crm_extension.request_rate_limit", 20)

    # ------------------------------------------------------------------ helpers

    def _csrf(self):
        page = self.url_open(self.page)
        self.assertEqual(page.status_code, 200)
        return CSRF_RE.search(page.text).group(1)

    def _post_page(self, csrf=True, **data):
        if csrf:
            data["csrf_token"] = self._csrf()
        return self.url_open(self.page, data=data, allow_redirects=False)

    def _submit(self, as_json=False, **data):
        data.setdefault("key", self.key)
        if as_json:
            return self.url_open(SUBMIT, json=data, allow_redirects=False)
        return self.url_open(SUBMIT, data=data, allow_redirects=False)

    def _without_csrf(self, html):
        """The page without its CSRF tokens (new ones on every page)."""
        return re.sub(r"[0-9a-f]{40}o[0-9]+", "", html)

    def _requests(self):
        return self.env["crm.request"].sudo().search([("team_id", "=", self.desk.id)])

    # ------------------------------------------------------------------ the page

    def test_page_shows_the_form_with_csrf_token_and_honeypot(self):
        page = self.url_open(self.page)
        self.assertEqual(page.status_code, 200)
        for name in ("contact_name", "company_name", "email", "phone", "message", "homepage"):
            self.assertIn(f'name="{name}"', page.text)
        self.assertRegex(page.text, CSRF_RE)
        self.assertIn("Front desk", page.text)
        self.assertIn('maxlength="5000"', page.text)

    def test_page_addresses_of_several_teams_read_at_once(self):
        self.team.crm_request_page = True
        teams = (self.desk | self.team).with_user(self.sales_manager)
        rows = teams.read(["crm_request_url", "crm_request_page"])
        self.assertEqual(
            [row["crm_request_url"] for row in rows],
            [team.get_base_url() + team._get_crm_request_path() for team in teams],
        )

    def test_page_and_answers_in_the_visitors_language(self):
        self.env["res.lang"]._activate_lang("da_DK")
        self.env["ir.module.module"]._load_module_terms(["crm_extension"], ["da_DK"])
        danish = {"Accept-Language": "da-DK,da;q=0.9,en;q=0.5"}
        page = self.url_open(self.page, headers=danish)
        self.assertIn("Send min anmodning", page.text)
        self.assertNotIn("Send my request", page.text)
        answer = self.url_open(
            SUBMIT,
            json={"key": self.key, "contact_name": "Mette", "email": "mette@example.com"},
            headers=danish,
        )
        self.assertEqual(answer.json()["status"], "ok")
        self.assertEqual(
            answer.json()["message"],
            "Tak: din anmodning er modtaget, vi ringer dig op inden længe.",
        )
        # a browser asking for a language the database lacks: the company's language
        self.env.company.partner_id.lang = "da_DK"
        page = self.url_open(self.page, headers={"Accept-Language": "ja-JP"})
        self.assertIn("Send min anmodning", page.text)
        # a client that names no language, for a team of no company: the language of
        # the public user's company
        self.desk.company_id = False
        self.env.ref("base.public_user").sudo().company_id.partner_id.lang = "da_DK"
        answer = self.url_open(
            SUBMIT, json={"key": self.key, "contact_name": "Jens", "email": "jens@example.com"}
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        self.assertEqual(
            answer.json()["message"],
            "Tak: din anmodning er modtaget, vi ringer dig op inden længe.",
        )

    def test_page_of_a_team_whose_page_is_off_is_not_found(self):
        self.assertFalse(self.team.crm_request_page)
        for path in (
            self.team._get_crm_request_path(),
            "/crm/request/nobody-999999",
            "/crm/request/not-a-slug",
        ):
            self.assertEqual(self.url_open(path).status_code, 404, path)
        page = self.page
        self.desk.crm_request_page = False
        self.assertEqual(self.url_open(page).status_code, 404)
        self.desk.crm_request_page = True
        self.desk.active = False
        self.assertEqual(self.url_open(page).status_code, 404)

    def test_page_refuses_a_post_without_or_with_a_forged_csrf_token(self):
        before = self._counts()
        vals = {"contact_name": "Eve", "email": "eve@example.com"}
        self.assertEqual(self._post_page(csrf=False, **vals).status_code, 400)
        forged = self.url_open(
            self.page, data={**vals, "csrf_token": "0" * 40 + "o9999999999"}, allow_redirects=False
        )
        self.assertEqual(forged.status_code, 400)
        self.assertEqual(self._counts(), before)

    def test_page_request_lands_once_as_a_deal_in_first_call_for_the_salesperson(self):
        answer = self._post_page(
            contact_name="Ann Smith",
            company_name="Smith Bakery",
            email="ann@smith-bakery.example",
            phone="+32 470 11 22 33",
            message="An oven, please.",
        )
        self.assertEqual(answer.status_code, 303)
        self.assertTrue(answer.headers["Location"].endswith(f"{self.page}/thanks"))
        thanks = self.url_open(answer.headers["Location"])
        self.assertEqual(thanks.status_code, 200)
        self.assertIn("Thank you!", thanks.text)
        request = self._requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(
            (request.channel, request.remote_addr, request.email),
            ("web", "127.0.0.1", "ann@smith-bakery.example"),
        )
        order = request.order_id
        self.assertEqual(
            self.env["sale.order"].search_count([("partner_id", "=", request.partner_id.id)]), 1
        )
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)
        self.assertEqual(order.user_id, self.sp, "the first turn of Front desk")
        self.assertEqual(order.source_id, self.env.ref("crm_extension.utm_source_website"))
        activity = self._stage_activities(order)
        self.assertEqual((len(activity), activity.user_id), (1, self.sp))
        # not created by the public user, whom a salesperson of another company cannot read
        public = self.env.ref("base.public_user")
        self.assertNotIn(public, request.create_uid | order.create_uid | activity.create_uid)
        activity.with_user(self.sp).create_uid.check_access("read")

    def test_page_says_what_is_wrong_and_keeps_what_was_typed(self):
        before = self._counts()
        answer = self._post_page(contact_name="Ann", email="ann@", message="Hello")
        self.assertEqual(answer.status_code, 400)
        self.assertIn("ann@ is not a valid e-mail address.", answer.text)
        self.assertIn('value="Ann"', answer.text)
        self.assertIn(">Hello</textarea>", answer.text)
        self.assertEqual(self._counts(), before)

    # ------------------------------------------------------------------ the endpoint

    def test_endpoint_refuses_a_missing_wrong_or_replaced_key(self):
        before = self._counts()
        vals = {"contact_name": "Eve", "email": "eve@example.com"}
        self.assertEqual(self.url_open(SUBMIT, data=vals).status_code, 403)
        self.assertEqual(self._submit(key="", **vals).status_code, 403)
        self.assertEqual(self._submit(key="guess", **vals).status_code, 403)
        answer = self._submit(as_json=True, key=["a", "list"], **vals)
        self.assertEqual(answer.status_code, 403)
        self.assertEqual(answer.json()["message"], "Unknown or missing request key.")
        old = self.key
        self.desk.with_user(self.crm_admin).action_crm_request_generate_key()
        self.assertNotEqual(self.desk.crm_request_key, old)
        self.assertEqual(self._submit(key=old, **vals).status_code, 403)
        self.assertEqual(self._counts(), before)

    def test_endpoint_takes_json_and_forms(self):
        answer = self._submit(as_json=True, contact_name="Json Jim", phone="+32 470 00 00 01")
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json(), {"status": "ok", "message": THANKS})
        answer = self._submit(contact_name="Form Fay", phone="+32 470 00 00 02")
        self.assertEqual(answer.status_code, 200)
        self.assertIn("Thank you!", answer.text)
        requests = self._requests()
        self.assertEqual(sorted(requests.mapped("contact_name")), ["Form Fay", "Json Jim"])
        self.assertEqual(set(requests.mapped("channel")), {"web"})
        self.assertEqual(requests.order_id.pipeline_stage_id, self.stage_first_call)
        self.assertEqual(requests.user_id, self.sp | self.sp2, "one each, in turn")

    def test_endpoint_needs_no_page_and_no_csrf_but_refuses_bad_json(self):
        self.desk.crm_request_page = False
        self.assertEqual(self._submit(as_json=True, contact_name="Jim").status_code, 200)
        before = self._counts()
        bad = self.url_open(SUBMIT, data="{not json", headers={"Content-Type": "application/json"})
        self.assertEqual(bad.status_code, 400)
        bad = self.url_open(SUBMIT, json=["a", "list"])
        self.assertEqual(bad.status_code, 400)
        self.assertEqual(self._counts(), before)

    def test_endpoint_redirects_only_to_the_thank_you_page_of_the_team(self):
        vals = {"contact_name": "Ann", "phone": "+32 470 00 00 03"}
        # what a form asks for is ignored: no open redirect
        answer = self._submit(redirect="https://evil.example/", next="//evil.example", **vals)
        self.assertEqual(answer.status_code, 200)
        self.assertNotIn("Location", answer.headers)
        self.desk.crm_request_thanks_url = "https://shop.example/thanks"
        answer = self._submit(redirect="https://evil.example/", **vals)
        self.assertEqual(answer.status_code, 303)
        self.assertEqual(answer.headers["Location"], "https://shop.example/thanks")
        # JSON clients get JSON, never a redirect
        self.assertEqual(self._submit(as_json=True, **vals).status_code, 200)

    def test_visitor_cannot_choose_owner_customer_deal_or_state(self):
        other = self._customer("Not Yours", user_id=self.sp2.id)
        order = self._quotation()
        answer = self._submit(
            as_json=True,
            contact_name="Mallory",
            email="mallory@example.com",
            user_id=self.sp2.id,
            partner_id=other.id,
            order_id=order.id,
            state="won",
            channel="phone",
            team_id=self.team.id,
            remote_addr="10.9.8.7",
        )
        self.assertEqual(answer.status_code, 200)
        request = self._requests()
        self.assertEqual(len(request), 1)
        self.assertEqual(request.user_id, self.sp, "the team's turn, not the visitor's choice")
        self.assertNotEqual(request.partner_id, other)
        self.assertNotEqual(request.order_id, order)
        self.assertEqual(
            (request.state, request.channel, request.remote_addr), ("new", "web", "127.0.0.1")
        )

    def test_utm_names_are_looked_up_never_created(self):
        source = self.env["utm.source"].create({"name": "Spring Fair"})
        campaign = self.env["utm.campaign"].create({"name": "Ovens 2026"})
        sources = self.env["utm.source"].search_count([])
        self._submit(
            contact_name="A", phone="+32 470 00 00 04", source="spring fair", campaign="Ovens 2026"
        )
        self._submit(contact_name="B", phone="+32 470 00 00 05", source="Made Up", campaign="Nope")
        a, b = self._requests().sorted("id")
        self.assertEqual((a.source_id, a.campaign_id), (source, campaign))
        self.assertEqual(a.order_id.source_id, source)
        self.assertEqual(b.source_id, self.env.ref("crm_extension.utm_source_website"))
        self.assertFalse(b.campaign_id)
        self.assertEqual(self.env["utm.source"].search_count([]), sources)
        self.assertFalse(self.env["utm.campaign"].search([("name", "=", "Nope")]))

    def test_utm_names_are_matched_exactly_never_as_patterns(self):
        """The names are looked up in sudo: the visitor's LIKE wildcards match nothing."""
        self.env["utm.source"].create({"name": "Spring Fair"})
        self.env["utm.campaign"].create({"name": "Ovens 2026"})
        website = self.env.ref("crm_extension.utm_source_website")
        for number, (source, campaign) in enumerate((("%", "%"), ("Spring_Fair", "Ovens%"))):
            with self.subTest(source=source, campaign=campaign):
                self._submit(
                    contact_name=f"P{number}",
                    phone=f"+32 470 00 01 0{number}",
                    source=source,
                    campaign=campaign,
                )
                request = self._requests().sorted("id")[-1]
                self.assertEqual(request.contact_name, f"P{number}")
                self.assertEqual(request.source_id, website)
                self.assertFalse(request.campaign_id)

    # ------------------------------------------------------------------ protection

    def test_filled_honeypot_gets_the_same_answer_and_writes_nothing(self):
        before = self._counts()
        vals = {
            "contact_name": "Bot",
            "email": "bot@example.com",
            "homepage": "http://spam.example",
        }
        answer = self._post_page(**vals)
        self.assertEqual(answer.status_code, 303)
        self.assertTrue(answer.headers["Location"].endswith(f"{self.page}/thanks"))
        answer = self._submit(as_json=True, **vals)
        self.assertEqual(
            (answer.status_code, answer.json()), (200, {"status": "ok", "message": THANKS})
        )
        self.assertEqual(self._submit(**vals).status_code, 200)
        self.assertEqual(self._counts(), before)

    def test_over_the_rate_limit_an_address_gets_429_and_nothing_is_written(self):
        self.env["ir.config_parameter"].set_param("crm_extension.request_rate_limit", 2)
        self.assertEqual(
            self._submit(contact_name="One", phone="+32 470 00 00 06").status_code, 200
        )
        self.assertEqual(
            self._post_page(contact_name="Two", phone="+32 470 00 00 07").status_code, 303
        )
        before = self._counts()
        answer = self._submit(as_json=True, contact_name="Three", phone="+32 470 00 00 08")
        self.assertEqual(answer.status_code, 429)
        self.assertIn("Too many requests from your address", answer.json()["message"])
        answer = self._post_page(contact_name="Three", phone="+32 470 00 00 08")
        self.assertEqual(answer.status_code, 429)
        self.assertIn("Too many requests from your address", answer.text)
        self.assertEqual(self._counts(), before)
        # requests older than the window do not count
        self.env.cr.execute(
            "UPDATE crm_request SET create_date = create_date - interval '61 minutes'"
            " WHERE remote_addr = '127.0.0.1'"
        )
        self.assertEqual(
            self._submit(contact_name="Four", phone="+32 470 00 00 09").status_code, 200
        )
        # 0 turns the limit off
        self.env["ir.config_parameter"].set_param("crm_extension.request_rate_limit", 0)
        for i in range(3):
            self.assertEqual(
                self._submit(contact_name=f"Off {i}", phone=f"+32 470 00 01 0{i}").status_code, 200
            )

    def test_over_long_fields_are_refused_with_a_clear_message(self):
        before = self._counts()
        cases = [
            (
                {"contact_name": "N" * 129, "phone": "+32 470 00 00 10"},
                "Contact Name is too long: at most 128 characters",
            ),
            (
                {"contact_name": "Ann", "message": "M" * 5001},
                "Message is too long: at most 5000 characters",
            ),
            (
                {"contact_name": "Ann", "email": "a" * 250 + "@x.example"},
                "Email is too long: at most 254 characters",
            ),
        ]
        for vals, message in cases:
            answer = self._submit(as_json=True, **vals)
            self.assertEqual(answer.status_code, 400)
            self.assertEqual(answer.json()["status"], "error")
            self.assertIn(message, answer.json()["message"])
            answer = self._post_page(**vals)
            self.assertEqual(answer.status_code, 400)
            self.assertIn(message, answer.text)
        self.assertEqual(self._counts(), before)
        # no name, no e-mail, no phone
        answer = self._submit(as_json=True, message="Call me, whoever I am.")
        self.assertEqual(answer.status_code, 400)
        self.assertIn(
            "Give at least a name, an e-mail address or a phone number.", answer.json()["message"]
        )
        self.assertEqual(self._counts(), before)

    def test_known_and_unknown_e_mail_get_the_same_answer(self):
        self._customer("Known Ltd", email="known@example.com", user_id=self.sp2.id)
        known = self._submit(as_json=True, contact_name="K", email="known@example.com")
        unknown = self._submit(as_json=True, contact_name="U", email="unknown@example.com")
        self.assertEqual((known.status_code, known.json()), (unknown.status_code, unknown.json()))
        known = self._submit(contact_name="K", email="KNOWN@example.com")
        unknown = self._submit(contact_name="U", email="other@example.com")
        self.assertEqual(
            (known.status_code, self._without_csrf(known.text)),
            (unknown.status_code, self._without_csrf(unknown.text)),
        )
        known = self._post_page(contact_name="K", email="known@example.com")
        unknown = self._post_page(contact_name="U", email="third@example.com")
        self.assertEqual(
            (known.status_code, known.headers["Location"]),
            (unknown.status_code, unknown.headers["Location"]),
        )
        self.assertEqual(
            len(self.env["res.partner"].search([("email", "=ilike", "known@example.com")])), 1
        )

    def test_what_a_visitor_types_comes_back_escaped(self):
        script = "<script>alert('x')</script>"
        self._submit(contact_name=f"Ann {script}", phone="+32 470 00 00 11", message=f"Hi {script}")
        order = self._requests().order_id
        body = "".join(order.message_ids.mapped("body"))
        self.assertIn("&lt;script&gt;", body)
        self.assertNotIn("<script>", body)
        answer = self._post_page(contact_name=script, email="bad@", message=script)
        self.assertEqual(answer.status_code, 400)
        self.assertNotIn(script, answer.text)
        self.assertIn("&lt;script&gt;alert(", answer.text)

    # ------------------------------------------------------------------ the team's settings

    def test_only_sales_administrators_see_and_change_the_key(self):
        self.assertEqual(len(self.key), 32)
        self.assertTrue(self.desk.crm_request_url.endswith(self.page))
        embed = self.desk.with_user(self.crm_admin).crm_request_embed
        self.assertIn(f'value="{self.key}"', embed)
        self.assertIn(f'href="{self.desk.crm_request_url}"', embed)
        for user in (self.sp, self.mgr):
            with self.assertRaises(AccessError):
                self.desk.with_user(user).action_crm_request_generate_key()
            with self.assertRaises(AccessError):
                self.desk.with_user(user).read(["crm_request_key"])
        self.assertEqual(self.desk.crm_request_key, self.key)
        # the team form shows the page, the key and the snippet to a sales administrator
        arch = self.env["crm.team"].with_user(self.crm_admin).get_views([(False, "form")])
        arch = arch["views"]["form"]["arch"]
        for fname in (
            "crm_request_page",
            "crm_request_url",
            "crm_request_key",
            "crm_request_embed",
        ):
            self.assertIn(f'name="{fname}"', arch)

    def test_thank_you_page_must_be_a_web_address(self):
        for url in ("javascript:alert(1)", "//evil.example", "ftp://x.example/", "https:nohost"):
            with self.assertRaises(ValidationError), self.env.cr.savepoint():
                self.desk.with_user(self.crm_admin).crm_request_thanks_url = url
        self.assertFalse(self.desk.crm_request_thanks_url)

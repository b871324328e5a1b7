"""The request intake (issue 13): a request finds or creates the customer and opens its
deal in the first order stage, with the "call back" activity for its salesperson."""

from datetime import datetime, timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from .common import RequestCommon

NOW = datetime(2026, 3, 2, 9, 0, 0)


@tagged("post_install", "-at_install")
class TestCrmRequest(RequestCommon):
    def test_new_prospect_gets_a_deal_in_first_call_with_a_call_back_for_its_salesperson(self):
        with self._at(NOW):
            request = self._request(
                contact_name="Ann Smith",
                company_name="Smith Bakery",
                email="Ann.Smith@Example.com",
                phone="+32 470 12 34 56",
                message="Please call me about an oven.",
            )
        order = request.order_id
        self.assertEqual(order.state, "draft")
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)
        self.assertEqual(request.user_id, self.sp, "first turn of the team")
        self.assertEqual(order.user_id, self.sp)
        self.assertEqual(order.team_id, self.desk)
        self.assertEqual(order.source_id, self.env.ref("crm_extension.utm_source_website"))
        self.assertEqual(request.source_id, order.source_id)
        self.assertEqual(request.state, "new")
        # the prospect: the company, in the first customer stage, owned by the salesperson
        contact = request.partner_id
        self.assertEqual(order.partner_id, contact)
        self.assertEqual(
            (contact.name, contact.email, contact.parent_id.name),
            ("Ann Smith", "Ann.Smith@Example.com", "Smith Bakery"),
        )
        company = contact.commercial_partner_id
        self.assertTrue(company.is_company)
        self.assertEqual(company.pipeline_stage_id, self.pstage_exploration)
        self.assertEqual(company.user_id, self.sp)
        self.assertFalse(request.crm_match_key)
        # the call back, 15 minutes after the request, for the salesperson
        activity = self._stage_activities(order)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.sp)
        self.assertEqual(activity.crm_deadline, NOW + timedelta(minutes=15))
        self.assertEqual(activity.summary, "Call the client back")
        # the request in the deal's chatter
        notes = order.message_ids.filtered(
            lambda m: "Please call me about an oven." in (m.body or "")
        )
        self.assertEqual(len(notes), 1)
        self.assertIn("Ann.Smith@Example.com", notes.body)

    def test_moving_the_deal_on_ends_the_wait_for_the_first_call(self):
        request = self._request(contact_name="Bob", phone="0470 99 88 77")
        self.assertEqual(request.state, "new")
        request.order_id.with_user(self.sp).pipeline_stage_id = self.stage_measure
        self.assertEqual(request.state, "open")

    def test_a_person_without_company_is_the_prospect_itself(self):
        request = self._request(contact_name="Carla", email="carla@example.com")
        partner = request.partner_id
        self.assertFalse(partner.parent_id)
        self.assertEqual(partner.customer_rank, 1)
        self.assertEqual(partner.pipeline_stage_id, self.pstage_exploration)

    def test_existing_email_finds_the_customer_and_overwrites_nothing(self):
        customer = self._customer(
            "Delta Doors", email="info@delta.example", phone="+32 2 111 22 33", user_id=self.sp2.id
        )
        partners = self.env["res.partner"].search_count([])
        request = self._request(
            contact_name="Somebody Else",
            company_name="Delta Doors Ltd",
            email=" INFO@delta.example ",
            phone="+32 2 999 99 99",
        )
        self.assertEqual(self.env["res.partner"].search_count([]), partners, "no second customer")
        self.assertEqual(request.partner_id, customer)
        self.assertEqual(request.crm_match_key, "email")
        self.assertEqual(request.order_id.partner_id, customer)
        # the customer's owner gets it, out of the team's turn
        self.assertEqual(request.user_id, self.sp2)
        self.assertEqual(self.desk.crm_request_rr_counter, 0)
        # nothing overwritten, the new details are in the chatters
        self.assertEqual(
            (customer.name, customer.email, customer.phone),
            ("Delta Doors", "info@delta.example", "+32 2 111 22 33"),
        )
        for record in (customer, request.order_id):
            note = record.message_ids.filtered(lambda m: "other details" in (m.body or ""))
            self.assertEqual(len(note), 1, record)
            self.assertIn("+32 2 999 99 99", note.body)
            self.assertIn("Delta Doors Ltd", note.body)

    def test_phone_then_vat_find_the_customer(self):
        by_phone = self._customer("Echo", phone="+32 470 55 66 77")
        by_vat = self._customer("Fox", vat="BE0477472701")
        request = self._request(contact_name="E", phone="0032 470 55 66 77")
        self.assertEqual((request.partner_id, request.crm_match_key), (by_phone, "phone"))
        request = self._request(company_name="Fox", vat="be 0477.472.701")
        self.assertEqual((request.partner_id, request.crm_match_key), (by_vat, "vat"))

    def test_email_comes_before_phone(self):
        by_email = self._customer("Golf", email="golf@example.com")
        self._customer("Hotel", phone="+32 470 00 11 22")
        request = self._request(email="golf@example.com", phone="+32 470 00 11 22")
        self.assertEqual(request.partner_id, by_email)

    def test_a_contact_found_by_email_is_the_deal_partner_of_its_company(self):
        company = self._customer("India Inc", user_id=self.sp2.id)
        contact = self.env["res.partner"].create(
            {"name": "Ivy", "parent_id": company.id, "email": "ivy@india.example"}
        )
        request = self._request(contact_name="Ivy", email="ivy@india.example")
        self.assertEqual(request.order_id.partner_id, contact)
        self.assertEqual(request.user_id, self.sp2, "the owner of the company")

    def test_bad_inputs_are_refused_with_a_clear_message_and_nothing_written(self):
        before = self._counts()
        cases = [
            ({"message": "no name"}, "at least a name, an e-mail address or a phone"),
            ({"contact_name": "  ", "email": " "}, "at least a name, an e-mail address or a phone"),
            ({"contact_name": "J", "email": "not-an-email"}, "not-an-email is not a valid e-mail"),
            ({"contact_name": "J" * 129}, "Contact Name is too long: at most 128"),
            ({"contact_name": "J", "message": "x" * 5001}, "Message is too long: at most 5000"),
            ({"contact_name": "J", "phone": "1" * 33}, "Phone is too long: at most 32"),
        ]
        for vals, message in cases:
            with self.subTest(vals=vals), self.assertRaisesRegex(ValidationError, message):
                self._request(**vals)
            self.assertEqual(self._counts(), before)
        # one bad request in a batch: none of them is written
        with self.assertRaises(ValidationError):
            self.env["crm.request"].sudo().create(
                [{"contact_name": "Good", "team_id": self.desk.id}, {"email": "bad@"}]
            )
        self.assertEqual(self._counts(), before)
        self.assertEqual(self.desk.crm_request_rr_counter, 0)

    def test_a_failure_in_the_intake_leaves_nothing_half_written(self):
        before = self._counts()
        # no order stage can open the deal (the prospect is created before it fails)
        self.env["crm.pipeline.stage"].search([("scope", "=", "order")]).active = False
        with self.assertRaisesRegex(UserError, "No order stage can open the deal"):
            self._request(contact_name="Kim", company_name="Kim Ltd", email="kim@example.com")
        self.assertEqual(self._counts(), before)

    def test_salesperson_logs_a_request_that_the_turn_gives_to_a_teammate(self):
        self.env.ref("sales_team.group_sale_salesman")  # the salesperson's own orders only
        request = self._request(
            user=self.sp2, contact_name="Leo", phone="+32 470 10 20 30", channel="phone"
        )
        self.assertEqual(request.user_id, self.sp)
        self.assertEqual(request.source_id, self.env.ref("crm_extension.utm_source_phone"))
        # who logged it reads it and its deal, and cannot move the deal
        self.assertEqual(request.with_user(self.sp2).order_id.partner_id.name, "Leo")
        with self.assertRaises(AccessError):
            request.order_id.with_user(self.sp2).write({"note": "mine"})

    def test_the_intake_fields_cannot_be_set_by_a_user(self):
        before = self._counts()
        for fname, value in (("user_id", self.sp2.id), ("partner_id", self.customer.id)):
            with (
                self.subTest(fname=fname),
                self.assertRaisesRegex(UserError, "found by the intake"),
            ):
                self._request(user=self.mgr, contact_name="Max", **{fname: value})
        self.assertEqual(self._counts(), before)
        request = self._request(user=self.mgr, contact_name="Max")
        with self.assertRaisesRegex(UserError, "found by the intake"):
            request.with_user(self.mgr).user_id = self.mgr

    def test_who_sees_which_requests(self):
        mine = self._request(contact_name="Nora")  # sp's turn
        theirs = self._request(contact_name="Otto")  # sp2's turn
        self.assertEqual((mine.user_id, theirs.user_id), (self.sp, self.sp2))
        Request = self.env["crm.request"]
        self.assertEqual(
            Request.with_user(self.sp).search([("id", "in", (mine | theirs).ids)]), mine
        )
        self.assertEqual(
            Request.with_user(self.mgr).search([("id", "in", (mine | theirs).ids)]), mine | theirs
        )
        with self.assertRaises(AccessError):
            theirs.with_user(self.sp).read(["contact_name"])
        for user in (self.plain, self.salesman):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._request(user=user, contact_name="Nobody")
        with self.assertRaises(AccessError):
            mine.with_user(self.mgr).unlink()
        mine.with_user(self.crm_admin).unlink()

    def test_the_sender_text_is_escaped_in_the_chatter(self):
        request = self._request(contact_name="<b>Eve</b>", message="<script>alert(1)</script>")
        body = request.order_id.message_ids.filtered(lambda m: "alert(1)" in (m.body or "")).body
        self.assertIn("&lt;script&gt;", body)
        self.assertNotIn("<script>", body)
        self.assertIn("&lt;b&gt;Eve", body)


@tagged("post_install", "-at_install")
class TestCrmRequestQuickCreate(RequestCommon):
    """The phone / walk-in channel: the quick create of the Order Pipeline's first column."""

    QUICK_VIEW = "crm_extension.sale_order_view_form_quick_request"

    def _quick_create(self, user, stage, **values):
        Order = self.env["sale.order"].with_user(user)
        # as the kanban's quick create does: the column's stage and the user's team
        Order = Order.with_context(default_pipeline_stage_id=stage.id, default_team_id=self.desk.id)
        form = Form(Order, view=self.QUICK_VIEW)
        for fname, value in values.items():
            setattr(form, fname, value)
        return form.save()

    def test_the_board_offers_the_quick_create_of_a_request(self):
        kanban = self.env.ref("crm_extension.sale_order_view_kanban_pipeline")
        arch = self.env["sale.order"].get_view(kanban.id, "kanban")["arch"]
        self.assertIn('quick_create_view="crm_extension.sale_order_view_form_quick_request"', arch)
        self.assertIn('on_create="quick_create"', arch)
        # the native quotation form is untouched
        form = self.env["sale.order"].get_view(self.env.ref("sale.view_order_form").id, "form")
        self.assertNotIn("crm_request_", form["arch"])

    def test_a_call_logged_on_the_board_goes_through_the_intake(self):
        with self._at(NOW):
            order = self._quick_create(
                self.sp2,
                self.stage_first_call,
                crm_request_contact_name="Walk-in Wendy",
                crm_request_phone="+32 470 11 22 33",
                crm_request_email="wendy@example.com",
            )
        request = order.crm_request_ids
        self.assertEqual(len(request), 1)
        self.assertEqual(request.channel, "phone")
        self.assertEqual(order.source_id, self.env.ref("crm_extension.utm_source_phone"))
        self.assertEqual(order.partner_id.name, "Walk-in Wendy")
        self.assertEqual(order.partner_id.phone, "+32 470 11 22 33")
        self.assertEqual(order.pipeline_stage_id, self.stage_first_call)
        # the team's turn gives it to sp; sp2, who took the call, still reads it
        self.assertEqual(order.user_id, self.sp)
        self.assertEqual(self._stage_activities(order).crm_deadline, NOW + timedelta(minutes=15))
        self.assertEqual(order.with_user(self.sp2).partner_id.name, "Walk-in Wendy")

    def test_a_known_caller_finds_the_customer(self):
        customer = self._customer("Known Caller", phone="+32 470 44 55 66", user_id=self.sp2.id)
        order = self._quick_create(
            self.sp2, self.stage_first_call, crm_request_phone="0032 470 445 566"
        )
        self.assertEqual((order.partner_id, order.user_id), (customer, self.sp2))

    def test_another_column_or_nothing_typed_is_refused_and_nothing_written(self):
        before = self._counts()
        with self.assertRaisesRegex(UserError, "A new request starts in stage First call"):
            self._quick_create(self.sp, self.stage_measure, crm_request_contact_name="Xavier")
        with self.assertRaisesRegex(ValidationError, "at least a name"):
            self._quick_create(self.sp, self.stage_first_call, crm_request_email=False)
        with self.assertRaisesRegex(ValidationError, "not a valid e-mail"):
            self._quick_create(
                self.sp, self.stage_first_call, crm_request_contact_name="Y", crm_request_email="y@"
            )
        self.assertEqual(self._counts(), before)

    def test_a_quotation_created_as_usual_makes_no_request(self):
        order = self._quotation(self.salesman)
        self.assertFalse(order.crm_request_ids)
        self.assertFalse(self.env["crm.request"].search([]))

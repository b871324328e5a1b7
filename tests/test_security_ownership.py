"""Who may change the owner of a customer (issue 10, item 1).

The owner of a customer (the salesperson of its commercial partner) opens its balance,
invoices and payments to a CRM salesperson: the tests take a customer as the attacker
would, through every field that changes the owner and with the context keys that switch
the chatter off, and check the refusal, that nothing was written, that the figures stay
hidden, and that the legitimate changes are made and logged.
"""

from contextlib import contextmanager

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import html2plaintext

from .common import CardCommon

# context keys a client can send to keep a change out of the chatter
QUIET_CONTEXTS = (
    {},
    {"tracking_disable": True},
    {"mail_notrack": True},
    {"mail_create_nolog": True, "mail_notrack": True, "tracking_disable": True},
)


class OwnershipCommon(CardCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # every internal user may edit contacts by default (Contact Creation)
        partner_rights = cls.env.ref("base.group_partner_manager")
        # ``plain`` then stands for an internal user with no CRM (nor sales) role
        for user in cls.sp | cls.sp2 | cls.mgr | cls.acc | cls.plain:
            user.group_ids += partner_rights
        Partner = cls.env["res.partner"]
        # an individual customer of sp2, a contact of sp2's company, and a customer of
        # nobody, each with an open invoice
        cls.person = Partner.create({"name": "Other Person", "user_id": cls.sp2.id})
        cls.other_contact = Partner.create({"name": "Other Contact", "parent_id": cls.other.id})
        cls.unowned = Partner.create({"name": "Nobody's Ltd", "is_company": True})
        cls.unowned_person = Partner.create({"name": "Nobody's Person"})
        for partner, amount in (
            (cls.person, 300.0),
            (cls.other_contact, 50.0),
            (cls.unowned, 200.0),
            (cls.unowned_person, 20.0),
        ):
            cls._create_invoice_one_line(
                price_unit=amount, tax_ids=[], partner_id=partner, post=True
            )
        # end the setup as its commit would (flush, precommit hooks): mail tracks no
        # change of a record in the transaction that created it, and the tests change
        # the customers the way later transactions do
        cls.env.cr.flush()

    @contextmanager
    def _called_by(self, user):
        """Run as a call of ``user`` through the web client or the JSON API: the caller
        is the transaction's user, as whom x2many commands on partners run
        (``res.partner._allow_sudo_commands``)."""
        test_user = self.env.user
        self.uid = user.id
        try:
            yield
        finally:
            self.uid = test_user.id

    def _balance(self, partner, user):
        partner.invalidate_recordset()
        return partner.with_user(user).crm_open_balance

    def _owner(self, partner):
        """(commercial partner, its salesperson) of ``partner``, read as superuser."""
        self.env.invalidate_all()
        commercial = partner.sudo().commercial_partner_id
        return commercial, commercial.user_id

    def _ownership_messages(self, partner):
        """The chatter messages of ``partner`` that report an owner change: mail's
        tracking of the salesperson, and the notes of crm_extension."""
        self.env.flush_all()
        self.env.cr.precommit.run()
        messages = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
        )
        return messages.filtered(
            lambda m: "user_id" in m.sudo().tracking_value_ids.field_id.mapped("name")
            or "Salesperson changed" in m.body
            or "Commercial entity changed" in m.body
        )


@tagged("post_install", "-at_install")
class TestOwnershipIsForManagers(OwnershipCommon):
    """A customer owned by someone else changes owner only by a CRM manager."""

    def test_salesperson_cannot_make_themselves_the_salesperson_of_another_customer(self):
        for ctx in QUIET_CONTEXTS:
            for customer in (self.other, self.person):
                with self.subTest(ctx=ctx, customer=customer.name):
                    with self.assertRaises(AccessError):
                        customer.with_user(self.sp).with_context(**ctx).write(
                            {"user_id": self.sp.id}
                        )
                    self.assertEqual(self._owner(customer), (customer, self.sp2))
                    self.assertFalse(self._balance(customer, self.sp))
                    self.assertFalse(self._ownership_messages(customer))

    def test_user_without_role_cannot_give_another_customer_to_an_accomplice(self):
        for ctx in QUIET_CONTEXTS:
            with self.subTest(ctx=ctx), self.assertRaises(AccessError):
                self.other.with_user(self.plain).with_context(**ctx).write({"user_id": self.sp.id})
            with self.subTest(ctx=ctx), self.assertRaises(AccessError):
                self.person.with_user(self.plain).with_context(**ctx).write(
                    {"parent_id": self.own.id}
                )
        self.assertEqual(self._owner(self.other), (self.other, self.sp2))
        self.assertEqual(self._owner(self.person), (self.person, self.sp2))
        self.assertFalse(self._balance(self.other, self.sp))

    def test_salesperson_cannot_move_a_customer_of_another_under_their_company(self):
        def as_sp(record, ctx):
            return record.with_user(self.sp).with_context(**ctx)

        Partner = self.env["res.partner"]
        attacks = {
            "parent_id": lambda ctx: as_sp(self.person, ctx).write({"parent_id": self.own.id}),
            "child_ids": lambda ctx: as_sp(self.own, ctx).write(
                {"child_ids": [Command.link(self.person.id)]}
            ),
            "commercial_partner_id": lambda ctx: as_sp(self.person, ctx).write(
                {"commercial_partner_id": self.own.id}
            ),
            "create with child_ids": lambda ctx: as_sp(Partner, ctx).create(
                {
                    "name": "Shell Ltd",
                    "is_company": True,
                    "user_id": self.sp.id,
                    "child_ids": [Command.link(self.person.id)],
                }
            ),
            "create updating a child": lambda ctx: as_sp(Partner, ctx).create(
                {
                    "name": "Shell 2",
                    "child_ids": [Command.update(self.person.id, {"user_id": self.sp.id})],
                }
            ),
        }
        for ctx in QUIET_CONTEXTS:
            for path, attack in attacks.items():
                with self.subTest(ctx=ctx, path=path):
                    with self._called_by(self.sp), self.assertRaises(AccessError):
                        attack(ctx)
                    self.assertEqual(self._owner(self.person), (self.person, self.sp2))
                    self.assertFalse(self.person.sudo().parent_id)
                    self.assertAlmostEqual(self._balance(self.own, self.acc), 1100.0)
                    self.assertFalse(self._balance(self.person, self.sp))
        self.assertFalse(Partner.sudo().search([("name", "in", ("Shell Ltd", "Shell 2"))]))
        self.assertFalse(self._ownership_messages(self.person))

    def test_salesperson_cannot_detach_a_contact_of_another_customer(self):
        # the salesperson of a contact is not its owner: the contact shows its company's
        # figures, so setting it is allowed and opens nothing
        self.other_contact.with_user(self.sp).write({"user_id": self.sp.id})
        self.assertEqual(self._owner(self.other_contact), (self.other, self.sp2))
        self.assertFalse(self._balance(self.other_contact, self.sp))
        # ... until the contact becomes its own commercial partner
        lone = self.env["res.partner"].create(
            {"name": "Lone Ltd", "is_company": True, "user_id": self.sp2.id}
        )
        lone_contact = self.env["res.partner"].create(
            {"name": "Lone Contact", "parent_id": lone.id, "user_id": self.sp.id}
        )
        self._create_invoice_one_line(
            price_unit=80.0, tax_ids=[], partner_id=lone_contact, post=True
        )
        attacks = {
            "parent_id": lambda ctx: self.other_contact.with_user(self.sp)
            .with_context(**ctx)
            .write({"parent_id": False}),
            "is_company": lambda ctx: self.other_contact.with_user(self.sp)
            .with_context(**ctx)
            .write({"is_company": True}),
            "company_type": lambda ctx: self.other_contact.with_user(self.sp)
            .with_context(**ctx)
            .write({"company_type": "company"}),
            "child_ids unlink": lambda ctx: self.other.with_user(self.sp)
            .with_context(**ctx)
            .write({"child_ids": [Command.unlink(self.other_contact.id)]}),
            "delete the company": lambda ctx: lone.with_user(self.sp).with_context(**ctx).unlink(),
        }
        for ctx in QUIET_CONTEXTS:
            for path, attack in attacks.items():
                with self.subTest(ctx=ctx, path=path):
                    with self._called_by(self.sp), self.assertRaises(AccessError):
                        attack(ctx)
        self.assertEqual(self._owner(self.other_contact), (self.other, self.sp2))
        self.assertEqual(self._owner(lone_contact), (lone, self.sp2))
        self.assertEqual(lone.exists(), lone)
        self.assertFalse(self._balance(self.other_contact, self.sp))
        self.assertFalse(self._balance(lone_contact, self.sp))

    def test_crm_manager_reassigns_and_the_figures_follow(self):
        self.other.with_user(self.mgr).write({"user_id": self.sp.id})
        self.person.with_user(self.mgr).write({"parent_id": self.own.id})
        self.assertEqual(self._owner(self.other), (self.other, self.sp))
        self.assertEqual(self._owner(self.person), (self.own, self.sp))
        self.assertAlmostEqual(self._balance(self.other, self.sp), 700.0 + 50.0)
        self.assertAlmostEqual(self._balance(self.own, self.sp), 1100.0 + 300.0)
        self.assertFalse(self._balance(self.other, self.sp2))

    def test_administrators_and_superuser_reassign(self):
        # Access Rights administrators (base.group_erp_manager) may reassign too: no user
        # of the fixture tree has that group, so this test makes one
        rights_admin = new_test_user(
            self.env,
            login="own_rights_admin",
            groups="base.group_erp_manager,base.group_partner_manager",
        )
        for user, owner in ((self.sales_manager, self.sp), (rights_admin, self.sp2)):
            self.other.with_user(user).write({"user_id": owner.id})
            self.assertEqual(self._owner(self.other), (self.other, owner))
        self.person.sudo().write({"parent_id": self.own.id})
        self.assertEqual(self._owner(self.person), (self.own, self.sp))
        # the accountant implies the CRM manager role
        self.person.with_user(self.acc).write({"parent_id": False})
        self.assertEqual(self._owner(self.person), (self.person, self.sp2))


@tagged("post_install", "-at_install")
class TestOwnOrUnownedCustomers(OwnershipCommon):
    """A salesperson gives away their own customers, and claims unowned ones only when
    the company allows it."""

    def _allow_claims(self, allowed):
        settings = self.env["res.config.settings"].create({"crm_allow_claim_unowned": allowed})
        settings.execute()
        self.assertEqual(self.sp.company_id.crm_allow_claim_unowned, allowed)

    def test_claiming_is_off_by_default(self):
        self.assertIs(self.env["res.company"].new({"name": "New"}).crm_allow_claim_unowned, False)
        for ctx in QUIET_CONTEXTS:
            with self.subTest(ctx=ctx), self.assertRaises(AccessError):
                self.unowned.with_user(self.sp).with_context(**ctx).write({"user_id": self.sp.id})
            with self.subTest(ctx=ctx), self.assertRaises(AccessError):
                self.unowned_person.with_user(self.sp).with_context(**ctx).write(
                    {"parent_id": self.own.id}
                )
        self.assertEqual(self._owner(self.unowned), (self.unowned, self.env["res.users"]))
        self.assertEqual(self._owner(self.unowned_person)[0], self.unowned_person)
        self.assertFalse(self._balance(self.unowned, self.sp))

    def test_salesperson_claims_an_unowned_customer_when_allowed(self):
        self._allow_claims(True)
        self.unowned.with_user(self.sp).with_context(tracking_disable=True).write(
            {"user_id": self.sp.id}
        )
        self.assertEqual(self._owner(self.unowned), (self.unowned, self.sp))
        self.assertAlmostEqual(self._balance(self.unowned, self.sp), 200.0)
        self.assertEqual(len(self._ownership_messages(self.unowned)), 1)
        self.unowned_person.with_user(self.sp).write({"parent_id": self.own.id})
        self.assertEqual(self._owner(self.unowned_person), (self.own, self.sp))

    def test_claims_are_for_oneself_and_for_unowned_customers_only(self):
        self._allow_claims(True)
        with self.assertRaises(AccessError):
            self.unowned.with_user(self.sp).write({"user_id": self.sp2.id})
        with self.assertRaises(AccessError):
            self.unowned_person.with_user(self.sp).write({"parent_id": self.other.id})
        with self.assertRaises(AccessError):
            self.other.with_user(self.sp).write({"user_id": self.sp.id})
        self.assertEqual(self._owner(self.unowned), (self.unowned, self.env["res.users"]))
        self.assertEqual(self._owner(self.other), (self.other, self.sp2))
        self._allow_claims(False)
        with self.assertRaises(AccessError):
            self.unowned.with_user(self.sp).write({"user_id": self.sp.id})

    def test_salesperson_gives_away_or_releases_own_customers(self):
        own_person = self.env["res.partner"].create({"name": "Own Person", "user_id": self.sp.id})
        self.own.with_user(self.sp).write({"user_id": self.sp2.id})
        self.assertEqual(self._owner(self.own_contact), (self.own, self.sp2))
        self.assertFalse(self._balance(self.own, self.sp))
        own_person.with_user(self.sp).write({"user_id": False})
        self.assertEqual(self._owner(own_person), (own_person, self.env["res.users"]))
        # and cannot take them back
        with self.assertRaises(AccessError):
            self.own.with_user(self.sp).write({"user_id": self.sp.id})
        with self.assertRaises(AccessError):
            own_person.with_user(self.sp).write({"user_id": self.sp.id})

    def test_moves_between_companies_of_the_same_owner_are_allowed(self):
        own_2 = self.env["res.partner"].create(
            {"name": "Own 2 Ltd", "is_company": True, "user_id": self.sp.id}
        )
        self.own_contact.with_user(self.sp).write({"parent_id": own_2.id})
        self.assertEqual(self._owner(self.own_contact), (own_2, self.sp))


@tagged("post_install", "-at_install")
class TestOwnershipOnCreate(OwnershipCommon):
    """Creating a partner is no way around the rule."""

    def test_contact_under_another_company_leaves_its_owner(self):
        contact = (
            self.env["res.partner"]
            .with_user(self.sp)
            .create({"name": "Sneaky Contact", "parent_id": self.other.id})
        )
        self.assertEqual(self._owner(contact), (self.other, self.sp2))
        self.assertEqual(self._owner(self.other), (self.other, self.sp2))
        self.assertFalse(self._balance(contact, self.sp))
        self.assertAlmostEqual(self._balance(contact, self.sp2), 750.0)

    def test_new_customers_of_their_own_or_for_a_colleague(self):
        Partner = self.env["res.partner"].with_user(self.sp)
        mine = Partner.create({"name": "Mine Ltd", "is_company": True, "user_id": self.sp.id})
        self.assertEqual(self._owner(mine), (mine, self.sp))
        # a new partner has no documents: handing it to a colleague shows nothing new
        theirs = Partner.create({"name": "Theirs Ltd", "is_company": True, "user_id": self.sp2.id})
        self.assertEqual(self._owner(theirs), (theirs, self.sp2))
        with self.assertRaises(AccessError):
            theirs.with_user(self.sp).write({"user_id": self.sp.id})


@tagged("post_install", "-at_install")
class TestOwnershipChatter(OwnershipCommon):
    """Every owner change is in the customer's chatter, whatever the context."""

    def test_every_context_logs_a_new_salesperson_once(self):
        owners = [self.sp, self.sp2] * len(QUIET_CONTEXTS)
        for count, (ctx, owner) in enumerate(zip(QUIET_CONTEXTS, owners, strict=False), 1):
            self.other.with_user(self.mgr).with_context(**ctx).write({"user_id": owner.id})
            with self.subTest(ctx=ctx):
                self.assertEqual(len(self._ownership_messages(self.other)), count)
        # the third change (``mail_notrack``, back to sp): a note, mail's tracking being off
        third = self._ownership_messages(self.other).sorted("id")[2]
        self.assertEqual(
            html2plaintext(third.body),
            f"Salesperson changed from {self.sp2.name} to {self.sp.name}.",
        )

    def test_normal_case_is_the_tracking_message_only(self):
        self.other.with_user(self.mgr).write({"user_id": self.sp.id})
        messages = self._ownership_messages(self.other)
        self.assertEqual(len(messages), 1)
        tracking = messages.sudo().tracking_value_ids
        self.assertEqual(tracking.field_id.name, "user_id")
        self.assertEqual(
            (tracking.old_value_integer, tracking.new_value_integer), (self.sp2.id, self.sp.id)
        )

    def test_moves_are_logged_whatever_the_context(self):
        for ctx in QUIET_CONTEXTS[1:]:
            self.person.with_user(self.mgr).with_context(**ctx).write({"parent_id": self.own.id})
            self.person.with_user(self.mgr).with_context(**ctx).write({"parent_id": False})
        messages = self._ownership_messages(self.person)
        self.assertEqual(len(messages), 2 * len(QUIET_CONTEXTS[1:]))
        # the last move: out of sp's company, back to sp2 as its own commercial partner
        self.assertEqual(
            html2plaintext(messages.sorted("id")[-1].body),
            f"Commercial entity changed from {self.own.name} to {self.person.name}: the "
            f"salesperson changed from {self.sp.name} to {self.sp2.name}.",
        )
        lone = self.env["res.partner"].create({"name": "Lone Ltd", "is_company": True})
        lone_contact = self.env["res.partner"].create(
            {"name": "Lone Contact", "parent_id": lone.id, "user_id": self.sp.id}
        )
        lone.with_user(self.mgr).with_context(tracking_disable=True).unlink()
        self.assertEqual(len(self._ownership_messages(lone_contact)), 1)

    def test_create_moving_an_existing_contact_is_logged(self):
        new = (
            self.env["res.partner"]
            .with_user(self.mgr)
            .with_context(mail_create_nolog=True, tracking_disable=True)
            .create(
                {"name": "New Ltd", "is_company": True, "child_ids": [Command.link(self.person.id)]}
            )
        )
        self.assertEqual(self._owner(self.person), (new, self.env["res.users"]))
        self.assertEqual(len(self._ownership_messages(self.person)), 1)


@tagged("post_install", "-at_install")
class TestOwnershipBatch(OwnershipCommon):
    def _queries(self, func):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        func()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_batch_writes_do_not_query_per_customer(self):
        Partner = self.env["res.partner"]
        customers = Partner.create(
            [{"name": f"Batch {i}", "is_company": True, "user_id": self.sp.id} for i in range(45)]
        )
        contacts = Partner.create(
            [{"name": f"Batch contact {i}", "parent_id": self.own.id} for i in range(45)]
        )
        warm, few, many = customers[:1], customers[1:6], customers[6:]
        # a manager reassigns, a salesperson releases their own customers; the chatter
        # notes are logged since tracking is off
        for user, vals in ((self.mgr, {"user_id": self.sp2.id}), (self.sp, {"user_id": False})):
            with self.subTest(user=user.login):
                quiet = Partner.with_user(user).with_context(tracking_disable=True)
                self._queries(lambda q=quiet, v=vals: q.browse(warm.ids).write(v))
                cost_few = self._queries(lambda q=quiet, v=vals: q.browse(few.ids).write(v))
                cost_many = self._queries(lambda q=quiet, v=vals: q.browse(many.ids).write(v))
                self.assertEqual(cost_few, cost_many)
                self.assertEqual(self._owner(many[-1])[1].id, vals["user_id"])
                customers.write({"user_id": self.sp.id})
        # moving contacts: base's write syncs each moved contact by itself; the check
        # and the log of their owners cost the same for 5 or 39 of them
        quiet = Partner.with_user(self.mgr).with_context(tracking_disable=True)
        move = {"parent_id": self.other.id}

        def check_and_log(partners):
            changes = partners._crm_ownership_changes(move)
            self.assertEqual(len(changes), len(partners))
            partners._crm_check_ownership_changes(changes)
            partners._crm_log_ownership_changes(changes)

        self._queries(lambda: check_and_log(quiet.browse(contacts[:1].ids)))
        cost_few = self._queries(lambda: check_and_log(quiet.browse(contacts[1:6].ids)))
        cost_many = self._queries(lambda: check_and_log(quiet.browse(contacts[6:].ids)))
        self.assertEqual(cost_few, cost_many)
        quiet.browse(contacts.ids).write(move)
        self.assertEqual(self._owner(contacts[-1]), (self.other, self.sp2))

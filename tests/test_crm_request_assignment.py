"""Who gets a request (issue 13): the team's members with a CRM sales role in turn, the
customer's owner, the team leader when nobody else can take it."""

import threading
import uuid
from collections import Counter
from functools import partial
from itertools import pairwise

from odoo import SUPERUSER_ID, api
from odoo.service.model import retrying
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import RequestCommon

SALESPERSON = "crm_extension.group_crm_salesperson"
WAIT = 60  # seconds a thread waits for the other before the test gives up


@tagged("post_install", "-at_install")
class TestCrmRequestAssignment(RequestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # acc (CRM accountant, so a manager) takes turns too; salesman has no CRM role
        cls.desk.member_ids = [(4, cls.acc.id), (4, cls.salesman.id)]

    def _requests(self, count, **vals):
        return [self._request(contact_name=f"Prospect {i}", **vals).user_id for i in range(count)]

    def assertFair(self, users, members):
        """Every prefix of the run ``users`` spreads over ``members`` within one request."""
        counts = Counter()
        for number, user in enumerate(users, 1):
            self.assertIn(user, members)
            counts[user] += 1
            spread = [counts[member] for member in members]
            self.assertLessEqual(max(spread) - min(spread), 1, f"after {number} requests")

    def test_31_requests_take_turns_among_the_members_with_a_crm_role(self):
        users = self._requests(31)
        members = [self.sp, self.sp2, self.acc]
        self.assertFair(users, members)
        self.assertEqual(sorted(Counter(users).values()), [10, 10, 11])
        self.assertNotIn(self.salesman, users, "no CRM role: not in the turn")
        self.assertNotIn(self.mgr, users, "the leader only when nobody else can")
        # the same order every round: a real round robin
        self.assertEqual(users[3:6], users[:3])

    def test_a_member_archived_midway_is_skipped_and_the_others_stay_fair(self):
        first = self._requests(10)
        self.assertFair(first, [self.sp, self.sp2, self.acc])
        self.sp2.active = False
        rest = self._requests(21)
        self.assertNotIn(self.sp2, rest)
        self.assertFair(rest, [self.sp, self.acc])
        # back again: they wait the longest, so they come first
        self.sp2.active = True
        self.assertEqual(self._requests(1), [self.sp2])

    def test_a_member_removed_from_the_team_is_skipped(self):
        self._requests(3)
        self.desk.member_ids = [(3, self.acc.id)]
        self.assertFair(self._requests(8), [self.sp, self.sp2])

    def test_the_customer_owner_gets_the_request_without_taking_a_turn(self):
        self._customer("Owned", email="owned@example.com", user_id=self.sp2.id)
        before = self.desk.crm_request_rr_counter
        owner_requests = [self._request(email="owned@example.com").user_id for _i in range(3)]
        self.assertEqual(owner_requests, [self.sp2] * 3)
        self.assertEqual(self.desk.crm_request_rr_counter, before)
        self.assertFair(self._requests(6), [self.sp, self.sp2, self.acc])

    def test_an_owner_who_cannot_take_it_leaves_it_to_the_turn(self):
        self._customer("No role", email="norole@example.com", user_id=self.salesman.id)
        archived = new_test_user(
            self.env, login="crm_sp_gone", groups="crm_extension.group_crm_salesperson"
        )
        self._customer("Gone", email="gone@example.com", user_id=archived.id)
        archived.active = False
        self.assertEqual(self._request(email="norole@example.com").user_id, self.sp)
        self.assertEqual(self._request(email="gone@example.com").user_id, self.sp2)

    def test_the_leader_when_nobody_can_take_it(self):
        team = self.env["crm.team"].create(
            {"name": "Natives", "user_id": self.mgr.id, "member_ids": [(4, self.salesman.id)]}
        )
        request = self._request(contact_name="Quinn", team_id=team.id)
        self.assertEqual(request.user_id, self.mgr)
        self.assertEqual(request.order_id.user_id, self.mgr)
        self.assertEqual(self._stage_activities(request.order_id).user_id, self.mgr)

    def test_no_leader_and_nobody_leaves_the_request_unassigned_for_the_team(self):
        team = self.env["crm.team"].create({"name": "Empty", "user_id": False})
        request = self._request(contact_name="Rita", team_id=team.id)
        self.assertFalse(request.user_id)
        self.assertFalse(request.order_id.user_id)
        # every CRM salesperson sees unassigned requests, and can call back
        self.assertTrue(request.with_user(self.sp).order_id.partner_id)

    def test_teams_take_turns_separately(self):
        # a user is a member of one team (sales_team's default)
        sp3 = new_test_user(self.env, login="crm_sp3", groups="crm_extension.group_crm_salesperson")
        other = self.env["crm.team"].create(
            {"name": "Other desk", "user_id": self.mgr.id, "member_ids": [(4, sp3.id)]}
        )
        users = [
            self._request(contact_name=f"R{i}", team_id=(self.desk if i % 2 else other).id).user_id
            for i in range(8)
        ]
        self.assertEqual(users[0::2], [sp3] * 4)
        self.assertFair(users[1::2], [self.sp, self.sp2, self.acc])


@tagged("post_install", "-at_install")
class TestCrmRequestConcurrency(TransactionCase):
    """Requests arriving at the same moment, in two real transactions retried as Odoo
    retries a request (``odoo.service.model.retrying``). The data must be committed for
    the other transaction to see it: created in its own cursor, removed at the end."""

    def _committed(self, func):
        with self.registry.cursor() as cr:
            return func(api.Environment(cr, SUPERUSER_ID, {}))

    def _setup(self, env):
        tag = uuid.uuid4().hex[:8]
        users = [
            new_test_user(env, login=f"crm_conc_{tag}_{i}", groups=SALESPERSON).id for i in range(3)
        ]
        teams = [
            env["crm.team"].create({"name": f"Conc {tag} A", "member_ids": [(6, 0, users[:2])]}),
            env["crm.team"].create({"name": f"Conc {tag} B", "member_ids": [(6, 0, users[2:])]}),
        ]
        return tag, users, [team.id for team in teams]

    def _cleanup(self, tag, users, team_ids):
        def remove(env):
            requests = env["crm.request"].search([("team_id", "in", team_ids)])
            orders = requests.order_id
            partners = requests.partner_id | requests.partner_id.commercial_partner_id
            requests.unlink()
            orders.unlink()
            partners.unlink()
            env["crm.team"].browse(team_ids).unlink()
            env["res.users"].browse(users).unlink()

        self._committed(remove)

    def _run_in_threads(self, jobs):
        """Run each list of request values of ``jobs`` in its own thread, one
        transaction per request, all threads starting at the same moment."""
        barrier = threading.Barrier(len(jobs), timeout=WAIT)
        errors = []

        def run(vals_list):
            try:
                barrier.wait()
                for vals in vals_list:
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        retrying(partial(env["crm.request"].create, vals), env)
            except Exception as error:  # reported by the test below
                errors.append(error)

        threads = [threading.Thread(target=run, args=(vals_list,)) for vals_list in jobs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(2 * WAIT)
        self.assertEqual(errors, [])

    def test_same_new_email_at_the_same_moment_makes_one_customer(self):
        tag, users, team_ids = self._committed(self._setup)
        self.addCleanup(self._cleanup, tag, users, team_ids)
        email = f"same-{tag}@example.com"
        # two teams: the team lock does not serialize them, the key lock must
        self._run_in_threads(
            [
                [{"contact_name": "First", "email": email, "team_id": team_ids[0]}],
                [{"contact_name": "Second", "email": email.upper(), "team_id": team_ids[1]}],
            ]
        )

        def check(env):
            partners = env["res.partner"].search([("email_normalized", "=", email)])
            self.assertEqual(len(partners), 1, "one customer for one e-mail")
            requests = env["crm.request"].search([("team_id", "in", team_ids)])
            self.assertEqual(len(requests), 2)
            self.assertEqual(requests.partner_id, partners)
            self.assertEqual(len(requests.order_id), 2, "each request has its deal")

        self._committed(check)

    def test_simultaneous_requests_keep_the_turn_fair(self):
        tag, users, team_ids = self._committed(self._setup)
        self.addCleanup(self._cleanup, tag, users, team_ids)
        self._run_in_threads(
            [
                [
                    {
                        "contact_name": f"C{client} {i}",
                        "email": f"c{client}-{i}-{tag}@example.com",
                        "team_id": team_ids[0],
                    }
                    for i in range(10)
                ]
                for client in range(2)
            ]
        )

        def check(env):
            requests = env["crm.request"].search([("team_id", "=", team_ids[0])])
            self.assertEqual(len(requests), 20, "every request lands once")
            self.assertEqual(len(requests.partner_id), 20)
            counts = Counter(requests.user_id.ids)
            self.assertEqual(sorted(counts), sorted(users[:2]))
            self.assertLessEqual(abs(counts[users[0]] - counts[users[1]]), 1)
            # and the turn alternates in the order the requests were made
            turns = [r.user_id.id for r in requests.sorted("id")]
            self.assertTrue(all(a != b for a, b in pairwise(turns)), turns)

        self._committed(check)

"""My Day tiles of the quote-to-invoice bridge, driven by the real bridge: sending to
accounting, the reject wizard, invoicing and sending again."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import BridgeCommon


@tagged("post_install", "-at_install")
class TestDashboardBridgeTiles(BridgeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_a = cls._quotation()
        cls.order_b = cls._quotation()
        cls.order_c = cls._quotation(user=cls.salesman_2)
        cls.draft = cls._quotation()  # never sent: in no bridge tile
        (cls.order_a | cls.order_b).with_user(cls.salesman).action_send_to_accounting()
        cls.order_c.with_user(cls.salesman_2).action_send_to_accounting()
        cls._reject(cls.order_b, "Wrong VAT number")

    @classmethod
    def _reject(cls, orders, reason):
        action = orders.with_user(cls.billing).action_accounting_reject()
        wizard = (
            cls.env["sale.order.accounting.reject"]
            .with_user(cls.billing)
            .with_context(**action["context"])
            .create({"reason": reason})
        )
        return wizard.action_reject()

    def _bridge_tiles(self, user, **scope):
        """{tile key: (count, records its list shows to ``user``)} of the bridge tiles."""
        tiles = self.env["crm.dashboard"].with_user(user).get_tiles(**scope)
        result = {}
        for tile in tiles:
            if tile["key"] not in ("waiting_accounting", "rejected"):
                continue
            self.assertEqual(tile["res_model"], "sale.order")
            records = self.env["sale.order"].with_user(user).search(tile["domain"])
            result[tile["key"]] = (tile["count"], records)
        return result

    def _assert_tiles(self, user, waiting, rejected, **scope):
        tiles = self._bridge_tiles(user, **scope)
        self.assertEqual(tiles["waiting_accounting"], (len(waiting), waiting))
        self.assertEqual(tiles["rejected"], (len(rejected), rejected))

    def test_salespeople_see_their_own_orders(self):
        self._assert_tiles(self.salesman, self.order_a, self.order_b)
        self._assert_tiles(self.salesman_2, self.order_c, self.env["sale.order"])

    def test_the_rejected_tile_is_red(self):
        tiles = self.env["crm.dashboard"].with_user(self.salesman).get_tiles()
        danger = {tile["key"]: tile["danger"] for tile in tiles}
        self.assertTrue(danger["rejected"])
        self.assertFalse(danger["waiting_accounting"])

    def test_manager_sees_a_salesperson_and_the_team(self):
        nothing = self.env["sale.order"]
        self._assert_tiles(self.leader, nothing, nothing)
        self._assert_tiles(self.leader, self.order_a, self.order_b, user_id=self.salesman.id)
        self._assert_tiles(
            self.leader, self.order_a | self.order_c, self.order_b, team_id=self.team.id
        )

    def test_tiles_follow_invoicing_and_sending_again(self):
        self.order_a.with_user(self.billing).action_accounting_create_invoice()
        self.assertEqual(self.order_a.accounting_state, "draft")
        # a draft invoice still waits for accounting (issue 11, item 4)
        self._assert_tiles(self.salesman, self.order_a, self.order_b)
        self.order_a.with_user(self.billing).action_accounting_post_invoices()
        self.assertEqual(self.order_a.accounting_state, "invoiced")
        self._assert_tiles(self.salesman, self.env["sale.order"], self.order_b)
        self.order_b.with_user(self.salesman).action_send_to_accounting()
        self._assert_tiles(self.salesman, self.order_b, self.env["sale.order"])
        self._reject(self.order_b, "Still the wrong VAT number")
        self._assert_tiles(self.salesman, self.env["sale.order"], self.order_b)

    def test_a_refused_reject_changes_no_tile(self):
        wizard = (
            self.env["sale.order.accounting.reject"]
            .with_user(self.billing)
            .create({"order_ids": [Command.set(self.order_a.ids)], "reason": " "})
        )
        with self.assertRaisesRegex(UserError, "why the order is rejected"):
            wizard.action_reject()
        # an order already rejected is not waiting any more: it cannot be rejected again
        with self.assertRaisesRegex(UserError, "Only orders waiting for an invoice"):
            self._reject(self.order_a | self.order_b, "No")
        self.assertEqual(self.order_a.accounting_state, "requested")
        self.assertEqual(self.order_b.accounting_reject_reason, "Wrong VAT number")
        self.assertEqual(self.draft.accounting_state, "none")
        self._assert_tiles(self.salesman, self.order_a, self.order_b)

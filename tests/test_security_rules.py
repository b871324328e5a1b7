"""Record rules of issue 10, tried as the attacker: the stage-transition log (item 5),
billing users' order rules (item 8) and the CRM finance scope beside other apps (item 10)."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import BridgeCommon, CardCommon, PipelineCommon

LOG = "crm.pipeline.stage.log"


@tagged("post_install", "-at_install")
class TestStageLogVisibility(PipelineCommon):
    """A transition of a document is seen by those who may read the document."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_own = cls._quotation(user=cls.salesman).with_env(cls.env)
        cls.order_other = cls._quotation(user=cls.salesman_2).with_env(cls.env)
        (cls.order_own | cls.order_other).write({"pipeline_stage_id": cls.stage_measure.id})
        cls.prospect = cls.env["res.partner"].create(
            {"name": "Prospect Ltd", "is_company": True, "user_id": cls.salesman_2.id}
        )
        cls.prospect.pipeline_stage_id = cls.pstage_proposal
        cls.orders = cls.order_own | cls.order_other
        cls.order_domain = [("res_model", "=", "sale.order"), ("res_id", "in", cls.orders.ids)]

    def _logs_of(self, records):
        return (
            self.env[LOG]
            .sudo()
            .search([("res_model", "=", records._name), ("res_id", "in", records.ids)])
        )

    def test_salesperson_finds_no_transition_of_an_order_they_cannot_see(self):
        own_logs, other_logs = self._logs_of(self.order_own), self._logs_of(self.order_other)
        self.assertEqual(len(own_logs), 2)
        self.assertEqual(len(other_logs), 2)
        Log = self.env[LOG].with_user(self.salesman)
        self.assertEqual(Log.search(self.order_domain), own_logs)
        self.assertEqual(Log.search([("id", "in", other_logs.ids)]), Log)
        self.assertEqual(Log.search_count(self.order_domain), 2)
        self.assertEqual(
            {row["res_id"] for row in Log.search_read(self.order_domain, ["res_id"])},
            {self.order_own.id},
        )
        result = Log.web_search_read(self.order_domain, {"res_id": {}, "stage_to_id": {}})
        self.assertEqual(result["length"], 2)
        self.assertEqual({rec["res_id"] for rec in result["records"]}, {self.order_own.id})
        groups = Log.formatted_read_group(self.order_domain, ["res_id"], ["__count"])
        self.assertEqual([(g["res_id"], g["__count"]) for g in groups], [(self.order_own.id, 2)])
        self.assertEqual(
            Log._read_group(self.order_domain, ["stage_to_id"], ["__count"]),
            [(self.stage_first_call, 1), (self.stage_measure, 1)],
        )

    def test_reading_a_transition_of_a_hidden_order_is_refused(self):
        other_logs = self._logs_of(self.order_other).with_user(self.salesman)
        with self.assertRaises(AccessError):
            other_logs.read(["stage_to_id", "res_id"])
        other_logs.invalidate_recordset()
        with self.assertRaises(AccessError):
            other_logs.web_read({"stage_to_id": {}, "duration_hours": {}})
        other_logs.invalidate_recordset()
        with self.assertRaises(AccessError):
            _stage = other_logs[0].stage_to_id
        self.assertFalse(other_logs._filtered_access("read"))
        # the own ones read as before
        own_logs = self._logs_of(self.order_own).with_user(self.salesman)
        self.assertEqual(own_logs.read(["stage_to_id"])[0]["stage_to_id"][0], self.stage_measure.id)

    def test_who_sees_the_order_sees_its_transitions(self):
        Log = self.env[LOG]
        self.assertEqual(
            Log.with_user(self.leader).search(self.order_domain), self._logs_of(self.orders)
        )
        # without sales rights, no order and so no transition of an order ...
        self.assertFalse(Log.with_user(self.plain).search(self.order_domain))
        with self.assertRaises(AccessError):
            self._logs_of(self.order_own).with_user(self.plain).read(["stage_to_id"])
        # ... but the customers they may read, with theirs
        partner_logs = self._logs_of(self.prospect)
        self.assertTrue(partner_logs)
        self.assertEqual(
            Log.with_user(self.plain).search([("id", "in", partner_logs.ids)]), partner_logs
        )
        self.assertTrue(partner_logs.with_user(self.salesman).read(["stage_to_id"]))

    def test_transitions_of_deleted_documents_are_for_the_administrator(self):
        order = self._quotation(user=self.salesman)
        logs = self._logs_of(order)
        order.sudo().with_context(disable_cancel_warning=True).action_cancel()
        order.sudo().unlink()
        Log = self.env[LOG].with_user(self.salesman)
        self.assertFalse(Log.search([("id", "in", logs.ids)]))
        self.assertEqual(self.env[LOG].sudo().search([("id", "in", logs.ids)]), logs)

    def test_stage_analysis_counts_what_the_log_shows(self):
        Report = self.env["crm.pipeline.stage.report"]
        Log = self.env[LOG]
        for user, orders in (
            (self.salesman, self.order_own),
            (self.leader, self.orders),
            (self.sales_manager, self.orders),
        ):
            with self.subTest(user=user.login):
                [(entries,)] = Report.with_user(user)._read_group(
                    [("order_id", "in", self.orders.ids)], [], ["nbr_entries:sum"]
                )
                self.assertEqual(entries, len(self._logs_of(orders)))
                self.assertEqual(entries, Log.with_user(user).search_count(self.order_domain))


@tagged("post_install", "-at_install")
class TestBillingOrderRules(BridgeCommon):
    """``billing`` is a billing user and a salesperson of own documents: the orders of
    others sent to accounting are theirs to read and to invoice or reject, not to edit."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sent = cls._quotation(user=cls.salesman_2).with_env(cls.env)
        cls.sent.with_user(cls.salesman_2).action_send_to_accounting()

    def test_billing_salesperson_reads_a_sent_order_of_another_salesperson(self):
        Order = self.env["sale.order"].with_user(self.billing)
        self.assertEqual(Order.search([("id", "=", self.sent.id)]), self.sent)
        order = Order.browse(self.sent.id)
        self.assertEqual(order.read(["accounting_state"])[0]["accounting_state"], "requested")
        self.assertEqual(order.order_line.read(["price_unit"])[0]["price_unit"], 100.0)

    def test_billing_salesperson_cannot_change_or_delete_a_sent_order(self):
        order = self.sent.with_user(self.billing)
        line = order.order_line
        with self.assertRaises(AccessError):
            order.write({"client_order_ref": "changed by billing"})
        with self.assertRaises(AccessError):
            line.write({"price_unit": 1.0})
        with self.assertRaises(AccessError):
            line.unlink()
        with self.assertRaises(AccessError):
            self.env["sale.order.line"].with_user(self.billing).create(
                {"order_id": order.id, "product_id": self.product_a.id, "price_unit": 5.0}
            )
        with self.assertRaises(AccessError):
            order.unlink()
        self.sent.invalidate_recordset()
        self.assertFalse(self.sent.client_order_ref)
        self.assertEqual(self.sent.order_line.mapped("price_unit"), [100.0])
        self.assertEqual(self.sent.amount_untaxed, 100.0)

    def test_billing_salesperson_invoices_through_the_queue(self):
        self.sent.with_user(self.billing).action_accounting_create_invoice()
        self.assertEqual(
            self.sent.accounting_state, "draft"
        )  # review mode: a draft invoice, to post
        invoice = self.sent.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.amount_untaxed, 100.0)

    def test_billing_salesperson_rejects_through_the_queue(self):
        action = self.sent.with_user(self.billing).action_accounting_reject()
        wizard = (
            self.env["sale.order.accounting.reject"]
            .with_user(self.billing)
            .with_context(**action["context"])
            .create({"reason": "Wrong VAT number"})
        )
        wizard.action_reject()
        self.assertEqual(self.sent.accounting_state, "rejected")
        self.assertEqual(self.sent.accounting_reject_reason, "Wrong VAT number")

    def test_own_orders_stay_editable(self):
        own = self._quotation(user=self.billing)
        own.with_user(self.billing).write({"client_order_ref": "mine"})
        self.assertEqual(own.client_order_ref, "mine")


@tagged("post_install", "-at_install")
class TestFinanceScopeBesideOtherApps(CardCommon):
    """Another app's group grants vendor bills, their lines, supplier payments and
    expense entries the way Purchase and Expenses do (access right + group rule); the
    CRM scope narrows customer documents only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Access, Rule = cls.env["ir.model.access"], cls.env["ir.rule"]

        def app_group(name, rules):
            group = cls.env["res.groups"].create({"name": name})
            for model, domain in rules.items():
                model_id = cls.env["ir.model"]._get_id(model)
                Access.create(
                    {"name": name, "model_id": model_id, "group_id": group.id, "perm_read": True}
                )
                Rule.create(
                    {
                        "name": name,
                        "model_id": model_id,
                        "domain_force": domain,
                        "groups": [Command.link(group.id)],
                    }
                )
            return group

        cls.purchase_group = app_group(
            "Test Purchase",
            {
                "account.move": "[('move_type', 'in', ('in_invoice', 'in_refund'))]",
                "account.move.line": "[('move_id.move_type', 'in', ('in_invoice', 'in_refund'))]",
                "account.payment": "[('partner_type', '=', 'supplier')]",
            },
        )
        misc = cls.company_data["default_journal_misc"]
        cls.expense_group = app_group(
            "Test Expense Approver",
            {
                "account.move": f"[('move_type', '=', 'entry'), ('journal_id', '=', {misc.id})]",
                "account.move.line": f"[('move_id.move_type', '=', 'entry'), "
                f"('move_id.journal_id', '=', {misc.id})]",
            },
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Timber Supplies"})
        cls.bill = cls._create_invoice_one_line(
            move_type="in_invoice", price_unit=250.0, tax_ids=[], partner_id=cls.vendor, post=True
        )
        cls.supplier_payment = cls.env["account.payment"].create(
            {
                "partner_id": cls.vendor.id,
                "partner_type": "supplier",
                "payment_type": "outbound",
                "amount": 20.0,
            }
        )
        cls.expense_entry = cls.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": misc.id,
                "line_ids": [
                    Command.create(
                        {"account_id": cls.company_data["default_account_expense"].id, "debit": 40}
                    ),
                    Command.create(
                        {"account_id": cls.company_data["default_account_payable"].id, "credit": 40}
                    ),
                ],
            }
        )
        cls.sp_buyer = new_test_user(
            cls.env, login="scope_sp_buyer", groups="crm_extension.group_crm_salesperson"
        )
        cls.mgr_buyer = new_test_user(
            cls.env, login="scope_mgr_buyer", groups="crm_extension.group_crm_manager"
        )
        (cls.sp_buyer | cls.mgr_buyer).write(
            {"group_ids": [Command.link(g.id) for g in cls.purchase_group | cls.expense_group]}
        )
        # the buyer salesperson owns the customer of ``sp``'s invoices
        cls.own.user_id = cls.sp_buyer
        cls.vendor_docs = cls.bill | cls.vendor_bill
        cls.customer_invoices = cls.own_overdue | cls.own_not_due | cls.other_overdue
        cls.all_moves = cls.vendor_docs | cls.customer_invoices | cls.expense_entry

    def _visible(self, user, records):
        return records.with_user(user).search([("id", "in", records.ids)])

    def test_salesperson_who_buys_keeps_the_vendor_bills_and_expense_entries(self):
        self.assertEqual(self._visible(self.sp_buyer, self.vendor_docs), self.vendor_docs)
        self.assertEqual(self._visible(self.sp_buyer, self.expense_entry), self.expense_entry)
        lines = (self.vendor_docs | self.expense_entry).line_ids
        self.assertEqual(self._visible(self.sp_buyer, lines), lines)
        self.assertEqual(self._visible(self.sp_buyer, self.supplier_payment), self.supplier_payment)
        self.assertEqual(
            self.bill.with_user(self.sp_buyer).read(["amount_total"])[0]["amount_total"], 250.0
        )

    def test_salesperson_who_buys_still_sees_only_own_customers(self):
        own_invoices = self.own_overdue | self.own_not_due
        self.assertEqual(self._visible(self.sp_buyer, self.customer_invoices), own_invoices)
        self.assertEqual(
            self._visible(self.sp_buyer, self.customer_invoices.line_ids),
            own_invoices.line_ids,
        )
        self.assertFalse(self._visible(self.sp_buyer, self.other_payment))
        with self.assertRaises(AccessError):
            self.other_overdue.with_user(self.sp_buyer).read(["amount_total"])
        # and ``sp``, without the other app, sees neither the vendor bills nor the others'
        self.assertFalse(self._visible(self.sp2, self.vendor_docs | self.expense_entry))

    def test_manager_who_buys_keeps_the_vendor_bills(self):
        self.assertEqual(self._visible(self.mgr_buyer, self.all_moves), self.all_moves)
        self.assertEqual(
            self._visible(self.mgr_buyer, self.supplier_payment | self.other_payment),
            self.supplier_payment | self.other_payment,
        )
        with self.assertRaises(AccessError):
            self.bill.with_user(self.mgr_buyer).write({"ref": "changed"})

    def test_manager_without_another_app_never_sees_vendor_documents(self):
        self.assertEqual(self._visible(self.mgr, self.all_moves), self.customer_invoices)
        self.assertEqual(
            self._visible(self.mgr, self.all_moves.line_ids), self.customer_invoices.line_ids
        )
        payments = self.supplier_payment | self.other_payment | self.own_payment
        self.assertEqual(self._visible(self.mgr, payments), self.other_payment | self.own_payment)
        with self.assertRaises(AccessError):
            self.supplier_payment.with_user(self.mgr).read(["amount"])
        with self.assertRaises(AccessError):
            self.other_overdue.with_user(self.mgr).write({"ref": "changed"})

    def test_accountant_keeps_every_payment(self):
        payments = self.supplier_payment | self.other_payment | self.own_payment
        self.assertEqual(self._visible(self.acc, payments), payments)
        self.assertEqual(self._visible(self.acc, self.all_moves), self.all_moves)

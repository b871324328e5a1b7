"""Each CRM role in the analyses, the dashboard and the Excel exports: nobody sees a
figure there that the customer card does not show them."""

import openpyxl

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import MEASURES, ReceivableCommon, read_workbook, render_xlsx_action, run_list_action

RECEIVABLE_HEADER = [
    "Customer",
    "Salesperson",
    "Customer Class",
    "Company",
    "Open Balance",
    "Overdue",
    "Days Overdue",
    "Not Due",
    "1-30 Days",
    "31-60 Days",
    "61-90 Days",
    "Over 90 Days",
    "Open Invoices",
]


class RolesCommon(ReceivableCommon):
    """Orders of ``sp`` (own customer), of ``sp2`` (other) and an unassigned one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the test user of AccountTestInvoicingCommon is an accountant, not a salesperson
        Order = cls.env["sale.order"].sudo()

        def order(partner, user, amount):
            return Order.create(
                {
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product_a.id,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                }
            )

        cls.order_own = order(cls.own, cls.sp, 100.0)
        cls.order_other = order(cls.other, cls.sp2, 200.0)
        cls.order_nobody = order(cls.other, cls.env["res.users"], 50.0)
        cls.orders = cls.order_own | cls.order_other | cls.order_nobody

    def _workbook(self, action, user, data_only=True):
        return read_workbook(render_xlsx_action(self.env, action, user), data_only=data_only)

    def _sheet_rows(self, sheet):
        """Header and data rows of a sheet, and its total row."""
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        data = [row for row in rows[1:] if row[0] not in (None, "Total")]
        total = next((row for row in rows if row[0] == "Total"), None)
        return list(rows[0]), data, total

    def _attachment_count(self):
        return self.env["ir.attachment"].sudo().search_count([])


@tagged("post_install", "-at_install")
class TestAnalysisRoles(RolesCommon):
    def test_pipeline_analysis_per_role(self):
        expectations = {
            self.sp: self.order_own | self.order_nobody,
            self.sp2: self.order_other | self.order_nobody,
            self.mgr: self.orders,
            self.acc: self.orders,
        }
        for user, orders in expectations.items():
            with self.subTest(user=user.login):
                rows = (
                    self.env["crm.pipeline.report"]
                    .with_user(user)
                    .search([("order_id", "in", self.orders.ids)])
                )
                self.assertEqual(rows.order_id, orders)

    def test_no_pipeline_analysis_without_a_sales_role(self):
        # billing users see the card's figures but not the sales pipeline
        for user in (self.billing_only, self.plain):
            with self.subTest(user=user.login):
                for model in ("crm.pipeline.report", "crm.pipeline.stage.report"):
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(user).search([])

    def test_receivables_menu_per_role(self):
        sales_menu = self.env.ref("crm_extension.crm_receivable_report_menu")
        account_menu = self.env.ref("crm_extension.crm_receivable_report_menu_account")
        for user, visible in (
            (self.sp, {sales_menu}),
            (self.acc, {sales_menu, account_menu}),
            (self.billing_only, {account_menu}),
            (self.salesman, set()),
            (self.plain, set()),
        ):
            with self.subTest(user=user.login):
                menu_ids = self.env["ir.ui.menu"].with_user(user)._visible_menu_ids()
                shown = {menu for menu in (sales_menu, account_menu) if menu.id in menu_ids}
                self.assertEqual(shown, visible)


@tagged("post_install", "-at_install")
class TestDashboardRoles(RolesCommon):
    def _tiles(self, user, **scope):
        tiles = self.env["crm.dashboard"].with_user(user).get_tiles(**scope)
        return {tile["key"]: tile for tile in tiles}

    def _card_overdue_customers(self, user, owner):
        """The customers of ``owner`` whose card shows ``user`` an overdue amount."""
        partners = (self.own | self.other).filtered(lambda p: p.user_id == owner)
        return partners.with_user(user).filtered("crm_overdue_amount")

    def test_overdue_customers_tile_equals_the_cards(self):
        for user, owner, scope in (
            (self.sp, self.sp, {}),
            (self.sp2, self.sp2, {}),
            (self.mgr, self.sp, {"user_id": self.sp.id}),
            (self.acc, self.sp2, {"user_id": self.sp2.id}),
        ):
            with self.subTest(user=user.login, owner=owner.login):
                tile = self._tiles(user, **scope)["customers_overdue"]
                shown = self.env["res.partner"].with_user(user).search(tile["domain"])
                self.assertEqual(shown.ids, self._card_overdue_customers(user, owner).ids)
                self.assertEqual(tile["count"], 1)
                invoices = self._tiles(user, **scope)["due_this_week"]
                moves = self.env["account.move"].with_user(user).search(invoices["domain"])
                self.assertEqual(len(moves), invoices["count"])
                self.assertEqual(
                    set(moves.commercial_partner_id.user_id), {owner} if moves else set()
                )

    def test_no_receivable_tiles_without_the_cards_figures(self):
        tiles = self._tiles(self.salesman)
        self.assertNotIn("customers_overdue", tiles)
        self.assertNotIn("due_this_week", tiles)
        self.assertIn("open_pipeline", tiles)


@tagged("post_install", "-at_install")
class TestExportRoles(RolesCommon):
    def test_dashboard_export_has_the_receivables_of_its_scope(self):
        for user, scope, partners in (
            (self.sp, {}, self.own),
            (self.mgr, {"user_id": self.sp2.id}, self.other),
            (self.acc, {"user_id": self.sp.id}, self.own),
        ):
            with self.subTest(user=user.login):
                action = self.env["crm.dashboard"].with_user(user).action_export_xlsx(**scope)
                workbook = self._workbook(action, user)
                self.assertEqual(
                    workbook.sheetnames, ["Summary", "Orders", "Stages", "Receivables"]
                )
                header, data, _total = self._sheet_rows(workbook["Receivables"])
                self.assertEqual(header, RECEIVABLE_HEADER)
                self.assertEqual([row[0] for row in data], partners.mapped("name"))
                card = partners.with_user(user)
                self.assertAlmostEqual(data[0][4], card.crm_open_balance)

    def test_receivables_sheet_equals_independent_sql(self):
        action = self.env["crm.receivable.report"].with_user(self.acc).action_export_xlsx()
        workbook = self._workbook(action, self.acc)
        self.assertEqual(workbook.sheetnames, ["Receivables"])
        sheet = workbook["Receivables"]
        self.assertEqual(sheet.freeze_panes, "A4")
        self.assertIn("Filters:", sheet["A2"].value)
        header, data, total = self._sheet_rows(sheet)
        expected = self._independent_sql()
        by_name = {row[0]: row for row in data}
        self.assertEqual(set(by_name), {"Rec Own", "Rec Other"})
        # the header itself is checked against RECEIVABLE_HEADER in the test above
        fields_ = self.env["crm.receivable.report"]._fields
        columns = {name: header.index(fields_[name].string) for name in MEASURES}
        for partner in (self.own, self.other):
            for name, col in columns.items():
                with self.subTest(partner=partner.name, measure=name):
                    self.assertAlmostEqual(by_name[partner.name][col], expected[partner.id][name])
        # largest balance first, then the totals
        self.assertEqual([row[0] for row in data], ["Rec Other", "Rec Own"])
        for name, col in columns.items():
            self.assertAlmostEqual(total[col], sum(values[name] for values in expected.values()))
        self.assertIn("#,##0.00", sheet.cell(row=4, column=5).number_format)

    def _run_list_action(self, user, active_ids, active_domain):
        """The list's "Export to Excel" with the context the web client sends."""
        server_action = self.env.ref("crm_extension.crm_receivable_report_action_export_xlsx")
        action = run_list_action(server_action, user, active_ids, active_domain)
        return self._workbook(action, user)

    def test_receivables_export_applies_the_users_filters_and_scope(self):
        # the whole search selected: active_ids are its first web.active_ids_limit ids
        self.env["ir.config_parameter"].sudo().set_param("web.active_ids_limit", 1)
        domain = [("overdue_amount", ">", 0)]
        for user, names in ((self.sp, ["Rec Own"]), (self.mgr, ["Rec Other", "Rec Own"])):
            with self.subTest(user=user.login):
                Report = self.env["crm.receivable.report"].with_user(user)
                workbook = self._run_list_action(user, Report.search(domain, limit=1).ids, domain)
                _header, data, _total = self._sheet_rows(workbook["Receivables"])
                self.assertEqual([row[0] for row in data], names)
                self.assertEqual(workbook["Receivables"]["A2"].value, "Filters: Overdue > 0")

    def test_receivables_export_of_the_selected_rows(self):
        rows = self.env["crm.receivable.report"].with_user(self.mgr).search([])
        selected = rows.filtered(lambda row: row.partner_id == self.own)
        workbook = self._run_list_action(self.mgr, selected.ids, [])
        _header, data, _total = self._sheet_rows(workbook["Receivables"])
        self.assertEqual([row[0] for row in data], ["Rec Own"])
        self.assertEqual(workbook["Receivables"]["A2"].value, "Filters: 1 selected row")

    def test_receivables_total_formulas_cover_exactly_the_data_rows(self):
        action = self.env["crm.receivable.report"].with_user(self.acc).action_export_xlsx()
        sheet = self._workbook(action, self.acc, data_only=False)["Receivables"]
        cached = self._workbook(action, self.acc)["Receivables"]
        # two customers in rows 4-5, the total in row 6
        self.assertEqual(sheet["A6"].value, "Total")
        expected = self._independent_sql()
        fields_ = self.env["crm.receivable.report"]._fields
        header = [cell.value for cell in sheet[3]]
        for name in MEASURES:
            letter = openpyxl.utils.get_column_letter(header.index(fields_[name].string) + 1)
            with self.subTest(measure=name):
                self.assertEqual(sheet[f"{letter}6"].value, f"=SUBTOTAL(9,{letter}4:{letter}5)")
                self.assertAlmostEqual(
                    cached[f"{letter}6"].value,
                    sum(values[name] for values in expected.values()),
                )

    def test_no_receivables_in_exports_without_the_cards_figures(self):
        action = self.env["crm.dashboard"].with_user(self.salesman).action_export_xlsx()
        workbook = self._workbook(action, self.salesman)
        self.assertEqual(workbook.sheetnames, ["Summary", "Orders", "Stages"])
        before = self._attachment_count()
        for user in (self.salesman, self.plain):
            with self.subTest(user=user.login):
                with self.assertRaises(AccessError):
                    self.env["crm.receivable.report"].with_user(user).action_export_xlsx()
        self.assertEqual(self._attachment_count(), before, "no file was written")

    def test_salesperson_cannot_export_the_day_of_another(self):
        before = self._attachment_count()
        with self.assertRaises(AccessError):
            self.env["crm.dashboard"].with_user(self.sp).action_export_xlsx(user_id=self.sp2.id)
        self.assertEqual(self._attachment_count(), before, "no file was written")

"""The Excel export of the Activity Analysis: the workbook of the done activities the
user may see, through the analyses' report_xlsx machinery."""

from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import (
    ACTIVITIES_DONE_AT,
    ActivityReportCommon,
    read_workbook,
    render_xlsx_action,
    run_list_action,
)

TODAY = ACTIVITIES_DONE_AT.date()


@tagged("post_install", "-at_install")
class TestActivityReportXlsx(ActivityReportCommon):
    def _export(self, user, domain=None, filters_label=None, data_only=True):
        Report = self.env["crm.activity.report"].with_user(user)
        domain = [("id", "in", self.done.ids + self.open_call.ids)] + (domain or [])
        action = Report.action_export_xlsx(domain, filters_label)
        self.assertEqual(action["report_name"], "crm_extension.activity_xlsx")
        return read_workbook(render_xlsx_action(self.env, action, user), data_only=data_only)

    def _rows(self, sheet):
        """Header, data rows and total row of a sheet (header on row 3)."""
        rows = list(sheet.iter_rows(min_row=3, values_only=True))
        data = [row for row in rows[1:] if row[0] not in (None, "Total")]
        total = next((row for row in rows if row[0] == "Total"), None)
        return list(rows[0]), data, total

    def test_workbook_layout(self):
        workbook = self._export(self.sales_manager, filters_label="Done On: March 2026")
        self.assertEqual(workbook.sheetnames, ["Summary", "By Type", "Activities"])
        for sheet in workbook:
            with self.subTest(sheet=sheet.title):
                self.assertEqual(sheet.freeze_panes, "A4")
                self.assertEqual(sheet["A2"].value, "Filters: Done On: March 2026")
        header, _data, _total = self._rows(workbook["Summary"])
        self.assertEqual(
            header, ["Salesperson", "Done", "On Time", "Late", "On Time (%)", "Hours Late"]
        )

    def test_filters_in_words_without_facets(self):
        workbook = self._export(self.sales_manager, [("activity_category", "=", "phonecall")])
        self.assertIn("Category", workbook["Summary"]["A2"].value)

    def test_summary_per_salesperson_and_totals(self):
        _header, data, total = self._rows(self._export(self.sales_manager)["Summary"])
        by_user = {row[0]: row[1:] for row in data}
        done, on_time, late, rate, hours = by_user[self.salesman.name]
        self.assertEqual((done, on_time, late), (3, 1, 2))
        self.assertAlmostEqual(rate, 100 / 3)
        self.assertAlmostEqual(hours, 24.125)
        self.assertEqual(by_user[self.salesman_2.name][:4], (2, 2, 0, 100))
        self.assertIsNone(by_user[self.salesman_2.name][4], "no late activity")
        # the whole as the analysis defines it: on time ÷ done, hours over the late ones
        self.assertEqual(total[1:4], (5, 3, 2))
        self.assertAlmostEqual(total[4], 60.0)
        self.assertAlmostEqual(total[5], 24.125)

    def test_totals_are_formulas(self):
        sheet = self._export(self.sales_manager, data_only=False)["Summary"]
        _header, data, total = self._rows(sheet)
        self.assertEqual(total[1], f"=SUBTOTAL(9,B4:B{3 + len(data)})")
        self.assertTrue(str(total[4]).startswith("=IF("))

    def test_done_by_type(self):
        header, data, total = self._rows(self._export(self.sales_manager)["By Type"])
        types = header[1:-1]
        self.assertEqual(set(types), {"Call", "Visit", "To-Do"})
        self.assertEqual(header[-1], "Done")
        rows = {row[0]: dict(zip(types, row[1:-1], strict=True)) for row in data}
        self.assertEqual(rows[self.salesman.name], {"Call": 2, "Visit": 1, "To-Do": 0})
        self.assertEqual(rows[self.salesman_2.name], {"Call": 1, "Visit": 0, "To-Do": 1})
        self.assertEqual(total[-1], 5)

    def test_activities_sheet(self):
        header, data, total = self._rows(self._export(self.sales_manager)["Activities"])
        self.assertEqual(header[:4], ["Done On", "Salesperson", "Sales Team", "Activity Type"])
        self.assertEqual(len(data), 5, "the open call is not there")
        self.assertEqual({row[0].date() for row in data}, {TODAY})
        visit = next(row for row in data if row[3] == "Visit")
        self.assertEqual(visit[5], self.customer.display_name)
        self.assertEqual(visit[6], self.order.display_name)
        self.assertEqual(visit[8].date(), date(2026, 3, 2))
        self.assertAlmostEqual(visit[12], 48.0)
        self.assertEqual(total[10:12], (3, 2))

    def test_a_salesperson_exports_only_his_activities(self):
        workbook = self._export(self.salesman, [("user_id", "!=", self.salesman.id)])
        for name in ("Summary", "By Type", "Activities"):
            _header, data, _total = self._rows(workbook[name])
            self.assertFalse(data, name)
        workbook = self._export(self.salesman)
        _header, data, _total = self._rows(workbook["Summary"])
        self.assertEqual([row[0] for row in data], [self.salesman.name])
        _header, data, _total = self._rows(workbook["Activities"])
        self.assertEqual({row[1] for row in data}, {self.salesman.name})
        self.assertEqual(len(data), 3)

    def test_list_action_exports_the_selection(self):
        server_action = self.env.ref("crm_extension.crm_activity_report_action_export_xlsx")
        selection = (self.a1 | self.a3).ids
        action = run_list_action(
            server_action, self.sales_manager, selection, [("id", "in", self.done.ids)]
        )
        workbook = read_workbook(render_xlsx_action(self.env, action, self.sales_manager))
        _header, data, _total = self._rows(workbook["Activities"])
        self.assertEqual(len(data), 2)

    def test_no_export_without_a_sales_role(self):
        with self.assertRaises(AccessError):
            self.env["crm.activity.report"].with_user(self.plain).action_export_xlsx([])

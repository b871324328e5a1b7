"""Workbook totals are formulas over the rows, amounts carry their currency as the
currency writes it, stage times show in hours as well, and the Stage Analysis exports
its own workbook."""

from odoo.tests import tagged

from .common import (
    CrmPipelineReportCommon,
    read_workbook,
    render_xlsx_action,
    run_list_action,
)


@tagged("post_install", "-at_install")
class TestWorkbookTotals(CrmPipelineReportCommon):
    def _workbook(self, action, user, data_only=True):
        return read_workbook(render_xlsx_action(self.env, action, user), data_only=data_only)

    def _export(self, user, data_only=True):
        action = (
            self.env["crm.pipeline.report"]
            .with_user(user)
            .action_export_xlsx([("order_id", "in", self.all_orders.ids)])
        )
        return self._workbook(action, user, data_only=data_only)

    def _total_row(self, sheet):
        return next(row for row in sheet.iter_rows(min_row=4) if row[0].value == "Total")

    def test_summary_totals_are_formulas_with_the_analysis_values(self):
        formulas = self._total_row(self._export(self.sales_manager, data_only=False)["Summary"])
        values = self._total_row(self._export(self.sales_manager)["Summary"])
        last = formulas[0].row - 1
        for col in "BCDFGI":
            cell = formulas["ABCDEFGHI".index(col)]
            self.assertEqual(cell.value, f"=SUBTOTAL(9,{col}4:{col}{last})")
        row = formulas[0].row
        self.assertEqual(formulas[4].value, f"=IF(C{row}+D{row}=0,0,100*C{row}/(C{row}+D{row}))")
        self.assertEqual(formulas[7].value, f"=IF(C{row}=0,0,G{row}/C{row})")
        [(won, lost, revenue)] = (
            self.env["crm.pipeline.report"]
            .with_user(self.sales_manager)
            ._read_group(
                [("order_id", "in", self.all_orders.ids)],
                [],
                ["nbr_won:sum", "nbr_lost:sum", "revenue:sum"],
            )
        )
        self.assertEqual((values[2].value, values[3].value), (won, lost))
        self.assertAlmostEqual(values[4].value, 100.0 * won / (won + lost))
        self.assertAlmostEqual(values[7].value, revenue / won)

    def test_stages_totals_are_formulas_and_hours_are_shown(self):
        formulas = self._export(self.sales_manager, data_only=False)["Stages"]
        values = self._export(self.sales_manager)["Stages"]
        self.assertEqual(
            [c.value for c in values[3]][:7],
            [
                "Stage",
                "Entries",
                "Moved Forward",
                "Stage Conversion (%)",
                "Days in Stage",
                "Hours in Stage",
                "Left the Stage",
            ],
        )
        total = self._total_row(formulas)
        row, last = total[0].row, total[0].row - 1
        self.assertEqual(total[3].value, f"=IF(G{row}=0,0,100*C{row}/G{row})")
        self.assertEqual(
            total[4].value, f"=IF(G{row}=0,0,SUMPRODUCT(E4:E{last},G4:G{last})/G{row})"
        )
        self.assertEqual(total[5].value, f"=E{row}*24")
        self.assertEqual(total[6].value, f"=SUBTOTAL(9,G4:G{last})")
        for data in values.iter_rows(min_row=4, max_row=last, values_only=True):
            if data[4] is not None:
                self.assertAlmostEqual(data[5], data[4] * 24)
        # the cached totals are the formulas' results
        total_values = self._total_row(values)
        advanced, left = total_values[2].value, total_values[6].value
        self.assertAlmostEqual(total_values[3].value, 100.0 * advanced / left)
        rows = list(values.iter_rows(min_row=4, max_row=last, values_only=True))
        days = sum((r[4] or 0) * r[6] for r in rows) / sum(r[6] for r in rows)
        self.assertAlmostEqual(total_values[4].value, days)

    def test_amounts_show_the_currency_where_it_goes(self):
        currency = self.env.company.currency_id
        sheet = self._export(self.sales_manager)["Orders"]
        money = sheet["K4"].number_format
        if currency.position == "before":
            self.assertTrue(money.startswith(f"[${currency.symbol}]"), money)
        else:
            self.assertTrue(money.endswith(f"[${currency.symbol}]"), money)
        currency.position = "after" if currency.position == "before" else "before"
        money_after = self._export(self.sales_manager)["Orders"]["K4"].number_format
        self.assertNotEqual(money, money_after)


@tagged("post_install", "-at_install")
class TestStageAnalysisExport(CrmPipelineReportCommon):
    def _workbook(self, action, user):
        return read_workbook(render_xlsx_action(self.env, action, user))

    def _stage_rows(self, sheet):
        return {
            row[0]: row[1:3]
            for row in sheet.iter_rows(min_row=4, values_only=True)
            if row[0] not in (None, "Total")
        }

    def test_stage_analysis_exports_what_the_user_sees(self):
        domain = [("order_id", "in", self.all_orders.ids)]
        action = (
            self.env["crm.pipeline.stage.report"]
            .with_user(self.salesman)
            .action_export_xlsx(domain)
        )
        workbook = self._workbook(action, self.salesman)
        self.assertEqual(workbook.sheetnames, ["Stages"])
        self.assertIn("Filters:", workbook["Stages"]["A2"].value)
        # the same figures as the pipeline workbook's Stages sheet for the same user
        pipeline = self._workbook(
            self.env["crm.pipeline.report"].with_user(self.salesman).action_export_xlsx(domain),
            self.salesman,
        )
        self.assertEqual(self._stage_rows(workbook["Stages"]), self._stage_rows(pipeline["Stages"]))
        # the salesman's own orders only: O1, O2, O4, O6 entered "new", O1 and O2 "mid"
        self.assertEqual(self._stage_rows(workbook["Stages"])["R New"], (4, 2))

    def test_list_action_exports_the_selected_transitions(self):
        Report = self.env["crm.pipeline.stage.report"].sudo()
        selected = Report.search([("order_id", "=", self.orders["O1"].id)], order="id").ids
        server_action = self.env.ref("crm_extension.crm_pipeline_stage_report_action_export_xlsx")
        action = run_list_action(
            server_action, self.sales_manager, selected, [("order_id", "in", self.all_orders.ids)]
        )
        workbook = self._workbook(action, self.sales_manager)
        rows = self._stage_rows(workbook["Stages"])
        self.assertEqual(sum(entries for entries, _adv in rows.values()), len(selected))
        self.assertEqual(
            workbook["Stages"]["A2"].value,
            "Filters: 1 selected rows"
            if len(selected) == 1
            else f"Filters: {len(selected)} selected rows",
        )

import base64
import io

import openpyxl

from odoo.tests import tagged
from odoo.tools import SQL

from .common_reports import CrmPipelineReportCommon


@tagged("post_install", "-at_install")
class TestExportXlsx(CrmPipelineReportCommon):
    def _export(self, user, domain=None):
        Report = self.env["crm.pipeline.report"].with_user(user)
        domain = [("order_id", "in", self.all_orders.ids)] + (domain or [])
        action = Report.action_export_xlsx(domain)
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        attachment = self.env["ir.attachment"].with_user(user).browse(attachment_id)
        data = base64.b64decode(attachment.datas)
        return openpyxl.load_workbook(io.BytesIO(data), data_only=True)

    def _rows(self, sheet):
        """Data rows of a sheet: between the header (row 3) and the total row."""
        rows = [row for row in sheet.iter_rows(min_row=4, values_only=True)]
        return [row for row in rows if row[0] not in (None, "Total")], rows

    def test_workbook_layout(self):
        workbook = self._export(self.sale_manager)
        self.assertEqual(workbook.sheetnames, ["Summary", "Orders", "Stages"])
        orders = workbook["Orders"]
        self.assertEqual(orders.freeze_panes, "A4")
        self.assertEqual(orders["A3"].value, "Order Reference")
        self.assertIn("Filters:", orders["A2"].value)
        self.assertIn("order_id", orders["A2"].value)
        self.assertEqual(orders["B4"].number_format, "yyyy-mm-dd")
        self.assertIn("#,##0.00", orders["K4"].number_format)
        self.assertEqual(len(workbook["Summary"]._charts), 1)

    def test_orders_sheet_equals_sql_as_the_manager(self):
        workbook = self._export(self.sale_manager)
        data, all_rows = self._rows(workbook["Orders"])
        expected = self.env.execute_query(
            SQL(
                """
                SELECT so.name, so.amount_untaxed FROM sale_order so
                 WHERE so.id = ANY(%s) ORDER BY so.id
                """,
                self.all_orders.ids,
            )
        )
        self.assertEqual(
            [(row[0], row[10]) for row in data],
            [(name, float(amount)) for name, amount in expected],
        )
        total_row = all_rows[-1]
        self.assertEqual(total_row[0], "Total")
        self.assertAlmostEqual(total_row[10], sum(float(a) for _n, a in expected))
        # weighted column total equals the SQL weighted pipeline
        [(weighted,)] = self.env.execute_query(
            SQL(
                """
                SELECT SUM(so.amount_untaxed * st.probability / 100)
                  FROM sale_order so
                  JOIN crm_pipeline_stage st ON st.id = so.pipeline_stage_id
                 WHERE so.id = ANY(%s)
                   AND st.is_won IS NOT TRUE AND st.is_lost IS NOT TRUE
                """,
                self.all_orders.ids,
            )
        )
        self.assertAlmostEqual(total_row[11], float(weighted))

    def test_summary_sheet_equals_sql_per_stage(self):
        workbook = self._export(self.sale_manager)
        data, all_rows = self._rows(workbook["Summary"])
        by_stage = {row[0]: row for row in data}
        expected = self.env.execute_query(
            SQL(
                """
                SELECT st.name->>'en_US', COUNT(*),
                       COUNT(*) FILTER (WHERE st.is_won),
                       COUNT(*) FILTER (WHERE st.is_lost),
                       SUM(so.amount_untaxed)
                  FROM sale_order so
                  JOIN crm_pipeline_stage st ON st.id = so.pipeline_stage_id
                 WHERE so.id = ANY(%s)
                 GROUP BY st.name->>'en_US'
                """,
                self.all_orders.ids,
            )
        )
        self.assertEqual(len(by_stage), len(expected))
        for name, count, won, lost, amount in expected:
            row = by_stage[name]
            self.assertEqual(row[1:4], (count, won, lost))
            self.assertAlmostEqual(row[5], float(amount))
        total = next(row for row in all_rows if row[0] == "Total")
        self.assertEqual(total[1], 6)
        self.assertAlmostEqual(total[4], 100 / 3)  # conversion won ÷ closed

    def test_salesperson_exports_only_own_orders(self):
        workbook = self._export(self.salesman)
        data, _all = self._rows(workbook["Orders"])
        self.assertEqual(
            sorted(row[0] for row in data),
            sorted(self.orders[n].name for n in ("O1", "O2", "O4", "O6")),
        )
        summary, _all = self._rows(workbook["Summary"])
        self.assertEqual(sum(row[1] for row in summary), 4)
        stages, _all = self._rows(workbook["Stages"])
        # O1, O2, O4, O6 entered "new"; O1 and O2 entered "mid"
        entries = {row[0]: row[1] for row in stages}
        self.assertEqual(entries["R New"], 4)
        self.assertEqual(entries["R Mid"], 2)

    def test_export_applies_the_users_filters(self):
        workbook = self._export(self.sale_manager, [("nbr_won", "=", 1)])
        data, _all = self._rows(workbook["Orders"])
        self.assertEqual([row[0] for row in data], [self.orders["O1"].name])
        self.assertIn("nbr_won", workbook["Summary"]["A2"].value)

    def test_stages_sheet_gives_conversion_and_days(self):
        workbook = self._export(self.sale_manager)
        stages, _all = self._rows(workbook["Stages"])
        rows = {row[0]: row for row in stages}
        self.assertEqual(rows["R New"][1:3], (6, 3))
        self.assertAlmostEqual(rows["R New"][3], 75.0)
        self.assertAlmostEqual(rows["R New"][4], 2.0)
        self.assertAlmostEqual(rows["R Mid"][4], 6.0)

    def test_list_action_exports_the_selected_domain_as_the_user(self):
        server_action = self.env.ref("crm_extension.crm_pipeline_report_action_export_xlsx")
        domain = [("order_id", "in", self.all_orders.ids), ("nbr_open", "=", 1)]
        action = (
            server_action.with_user(self.salesman)
            .with_context(active_model="crm.pipeline.report", active_domain=domain)
            .run()
        )
        attachment_id = int(action["url"].split("/")[-1].split("?")[0])
        attachment = self.env["ir.attachment"].with_user(self.salesman).browse(attachment_id)
        workbook = openpyxl.load_workbook(
            io.BytesIO(base64.b64decode(attachment.datas)), data_only=True
        )
        data, _all = self._rows(workbook["Orders"])
        # open orders the salesman may see: O4 (his) and O6 (unassigned), not O3
        self.assertEqual(
            sorted(row[0] for row in data),
            sorted(self.orders[n].name for n in ("O4", "O6")),
        )

    def test_exports_older_than_a_day_are_vacuumed(self):
        def export():
            action = self.env["crm.pipeline.report"].with_user(self.salesman).action_export_xlsx()
            return self.env["ir.attachment"].browse(int(action["url"].split("/")[-1].split("?")[0]))

        old, fresh = export(), export()
        other = self.env["ir.attachment"].create(
            {"name": "old note.xlsx", "raw": b"x", "res_model": "res.partner"}
        )
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE ir_attachment SET create_date = now() - interval '25 hours' WHERE id = ANY(%s)",
            [(old | other).ids],
        )
        self.env["ir.attachment"].invalidate_model(["create_date"])
        removed = self.env["crm.pipeline.report"]._gc_xlsx_exports()
        self.assertEqual(removed, 1)
        self.assertFalse(old.exists())
        self.assertTrue(fresh.exists())
        self.assertTrue(other.exists(), "only our exports are removed")

from datetime import datetime, timedelta

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.crm_extension.tools.domain_words import describe_domain

from .common import (
    CrmPipelineReportCommon,
    read_workbook,
    render_xlsx_action,
    run_list_action,
)


@tagged("post_install", "-at_install")
class TestExportXlsx(CrmPipelineReportCommon):
    def _export(self, user, domain=None, data_only=True):
        Report = self.env["crm.pipeline.report"].with_user(user)
        domain = [("order_id", "in", self.all_orders.ids)] + (domain or [])
        action = Report.action_export_xlsx(domain)
        self.assertEqual(action["report_name"], "crm_extension.pipeline_xlsx")
        return read_workbook(render_xlsx_action(self.env, action, user), data_only=data_only)

    def _run_list_action(self, user, active_ids, active_domain):
        """The "Export to Excel" action as the list's Actions menu runs it."""
        server_action = self.env.ref("crm_extension.crm_pipeline_report_action_export_xlsx")
        action = run_list_action(server_action, user, active_ids, active_domain)
        return read_workbook(render_xlsx_action(self.env, action, user))

    def _report_ids(self, orders):
        return (
            self.env["crm.pipeline.report"]
            .sudo()
            .search([("order_id", "in", orders.ids)], order="id")
            .ids
        )

    def _rows(self, sheet):
        """Data rows of a sheet: between the header (row 3) and the total row."""
        rows = [row for row in sheet.iter_rows(min_row=4, values_only=True)]
        return [row for row in rows if row[0] not in (None, "Total")], rows

    def test_workbook_layout(self):
        workbook = self._export(self.sales_manager)
        self.assertEqual(workbook.sheetnames, ["Summary", "Orders", "Stages"])
        orders = workbook["Orders"]
        self.assertEqual(orders.freeze_panes, "A4")
        self.assertEqual(orders["A3"].value, "Order Reference")
        self.assertIn("Filters:", orders["A2"].value)
        # dates as Odoo writes them for the user's language (en_US: %m/%d/%Y)
        self.assertEqual(self.env["res.lang"]._lang_get("en_US").date_format, "%m/%d/%Y")
        self.assertEqual(orders["B4"].number_format, r"mm\/dd\/yyyy")
        self.assertIn("#,##0.00", orders["K4"].number_format)
        self.assertEqual(len(workbook["Summary"]._charts), 1)

    def test_orders_sheet_equals_sql_as_the_manager(self):
        workbook = self._export(self.sales_manager)
        data, all_rows = self._rows(workbook["Orders"])
        expected = self.env.execute_query(
            SQL(
                """
                SELECT so.name, so.amount_untaxed, so.create_date FROM sale_order so
                 WHERE so.id = ANY(%s) ORDER BY so.id
                """,
                self.all_orders.ids,
            )
        )
        self.assertEqual(
            [(row[0], row[10]) for row in data],
            [(name, float(amount)) for name, amount, _date in expected],
        )
        # "Created On": the creation datetime (UTC, as Odoo's own export), to the second
        for row, (_name, _amount, created) in zip(data, expected, strict=True):
            self.assertIsInstance(row[1], datetime)
            self.assertLess(abs(row[1] - created), timedelta(seconds=1))
        total_row = all_rows[-1]
        self.assertEqual(total_row[0], "Total")
        self.assertAlmostEqual(total_row[10], sum(float(a) for _n, a, _d in expected))
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
        workbook = self._export(self.sales_manager)
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
        workbook = self._export(self.sales_manager, [("nbr_won", "=", 1)])
        data, _all = self._rows(workbook["Orders"])
        self.assertEqual([row[0] for row in data], [self.orders["O1"].name])
        filters = workbook["Summary"]["A2"].value
        self.assertIn("Won is 1", filters)
        self.assertNotIn("nbr_won", filters)

    def test_stages_sheet_gives_conversion_and_days(self):
        workbook = self._export(self.sales_manager)
        stages, _all = self._rows(workbook["Stages"])
        rows = {row[0]: row for row in stages}
        self.assertEqual(rows["R New"][1:3], (6, 3))
        self.assertAlmostEqual(rows["R New"][3], 75.0)
        self.assertAlmostEqual(rows["R New"][4], 2.0)
        self.assertAlmostEqual(rows["R Mid"][4], 6.0)

    def test_list_action_exports_the_selected_rows(self):
        domain = [("order_id", "in", self.all_orders.ids)]
        selected = self._report_ids(self.orders["O1"] | self.orders["O2"] | self.orders["O4"])
        workbook = self._run_list_action(self.salesman, selected, domain)
        data, _all = self._rows(workbook["Orders"])
        self.assertEqual(
            sorted(row[0] for row in data),
            sorted(self.orders[n].name for n in ("O1", "O2", "O4")),
        )
        self.assertEqual(workbook["Orders"]["A2"].value, "Filters: 3 selected rows")

    def test_list_action_exports_the_search_when_the_whole_of_it_is_selected(self):
        """Whole search selected: active_ids are its first web.active_ids_limit ids."""
        self.env["ir.config_parameter"].sudo().set_param("web.active_ids_limit", 2)
        domain = [("order_id", "in", self.all_orders.ids), ("nbr_open", "=", 1)]
        first_ids = (
            self.env["crm.pipeline.report"].with_user(self.salesman).search(domain, limit=2).ids
        )
        workbook = self._run_list_action(self.salesman, first_ids, domain)
        data, _all = self._rows(workbook["Orders"])
        # open orders the salesman may see: O4 (his) and O6 (unassigned), not O3
        self.assertEqual(
            sorted(row[0] for row in data),
            sorted(self.orders[n].name for n in ("O4", "O6")),
        )
        self.assertNotIn("selected rows", workbook["Orders"]["A2"].value)
        # below the limit the same ids are a selection, searched as the user
        workbook = self._run_list_action(self.salesman, first_ids[:1], domain)
        data, _all = self._rows(workbook["Orders"])
        self.assertEqual(len(data), 1)

    def test_list_action_selection_keeps_the_users_scope(self):
        selected = self._report_ids(self.orders["O3"] | self.orders["O4"])
        workbook = self._run_list_action(self.salesman, selected, [])
        data, _all = self._rows(workbook["Orders"])
        self.assertEqual([row[0] for row in data], [self.orders["O4"].name])

    def test_export_is_a_streamed_report_that_stores_no_file(self):
        action = self.env["crm.pipeline.report"].with_user(self.salesman).action_export_xlsx()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "xlsx")
        report = self.env["report.crm_extension.pipeline_xlsx"]
        self.assertTrue(report.get_workbook_options()["constant_memory"])
        Attachment = self.env["ir.attachment"].sudo()
        before = Attachment.search_count([])
        workbook = read_workbook(render_xlsx_action(self.env, action, self.salesman))
        self.assertEqual(workbook.sheetnames, ["Summary", "Orders", "Stages"])
        self.assertEqual(Attachment.search_count([]), before, "no export kept in the filestore")

    def test_orders_total_formulas_cover_exactly_the_data_rows(self):
        formulas = self._export(self.sales_manager, data_only=False)["Orders"]
        cached = self._export(self.sales_manager)["Orders"]
        # six orders in rows 4-9, the total in row 10
        self.assertEqual(formulas["A10"].value, "Total")
        self.assertIsNone(formulas["A11"].value)
        sums = dict(
            zip(
                "KLM",
                self.env.execute_query(
                    SQL(
                        """
                        SELECT SUM(amount_untaxed), SUM(weighted_amount), SUM(revenue)
                          FROM (%s) report WHERE order_id = ANY(%s)
                        """,
                        self.env["crm.pipeline.report"]._table_query,
                        self.all_orders.ids,
                    )
                )[0],
                strict=True,
            )
        )
        for col, total in sums.items():
            with self.subTest(column=col):
                self.assertEqual(formulas[f"{col}10"].value, f"=SUBTOTAL(9,{col}4:{col}9)")
                self.assertAlmostEqual(cached[f"{col}10"].value, float(total))

    def test_totals_of_an_empty_export_are_zero_not_formulas(self):
        formulas = self._export(self.sales_manager, [("id", "=", 0)], data_only=False)["Orders"]
        self.assertEqual(formulas["A4"].value, "Total")
        for col in "KLM":
            self.assertEqual(formulas[f"{col}4"].value, 0)

    def test_stages_sheet_totals_equal_sql(self):
        workbook = self._export(self.sales_manager)
        stages, all_rows = self._rows(workbook["Stages"])
        total = next(row for row in all_rows if row[0] == "Total")
        self.assertEqual(all_rows.index(total), len(stages))
        [(entries, advanced, left, days)] = self.env.execute_query(
            SQL(
                """
                SELECT COUNT(*),
                       COUNT(*) FILTER (WHERE nst.is_lost IS NOT TRUE
                                        AND (nst.sequence, nst.id) > (st.sequence, st.id)),
                       COUNT(nst.id),
                       AVG(EXTRACT(EPOCH FROM next.date - log.date) / 86400)
                  FROM crm_pipeline_stage_log log
                  JOIN crm_pipeline_stage st ON st.id = log.stage_to_id
                  LEFT JOIN LATERAL (
                        SELECT n.date, n.stage_to_id FROM crm_pipeline_stage_log n
                         WHERE n.res_model = log.res_model AND n.res_id = log.res_id
                           AND (n.date, n.id) > (log.date, log.id)
                         ORDER BY n.date, n.id LIMIT 1
                  ) next ON TRUE
                  LEFT JOIN crm_pipeline_stage nst ON nst.id = next.stage_to_id
                 WHERE log.res_model = 'sale.order' AND log.res_id = ANY(%s)
                """,
                self.all_orders.ids,
            )
        )
        # 6 + 3 + 1 + 2 entries; forward: O1, O2, O3 to mid and O1 to won
        self.assertEqual((entries, advanced, left), (12, 4, 6))
        self.assertEqual(total[1:3], (entries, advanced))
        # the conversion of the stage analysis: forward ÷ entries that left their stage
        self.assertAlmostEqual(total[3], 100.0 * advanced / left)
        self.assertAlmostEqual(total[4], float(days))
        formulas = self._export(self.sales_manager, data_only=False)["Stages"]
        last = 3 + len(stages)
        self.assertEqual(formulas[f"B{last + 1}"].value, f"=SUBTOTAL(9,B4:B{last})")

    def test_filters_are_written_in_words(self):
        domain = [
            ("user_id", "=", self.salesman.id),
            "|",
            ("customer_class", "=", "A"),
            ("stage_id", "in", [self.stage_new.id, self.stage_mid.id]),
        ]
        filters = self._export(self.sales_manager, domain)["Summary"]["A2"].value
        self.assertIn(f"Salesperson is {self.salesman.name}", filters)
        self.assertIn(" and (Customer Class is A or Stage is in R New, R Mid)", filters)
        self.assertNotIn("user_id", filters)
        report = self.env["crm.pipeline.report"].with_user(self.sales_manager)
        text = describe_domain(
            report.with_context(tz="UTC").env,
            report,
            [
                ("lost_reason_id", "!=", False),
                ("state", "in", ["sale"]),
                ("date", ">=", "2026-03-01 00:00:00"),
            ],
        )
        self.assertRegex(
            text, r"^Lost Reason is set and Status is Sales Order and Created On >= 03/01/2026 "
        )
        self.assertEqual(describe_domain(report.env, report, []), "none")

from datetime import date

from xlsxwriter.utility import xl_rowcol_to_cell

from odoo import models

from .crm_report_xlsx_common import HEADER_ROW

# (field, kind) of the "Orders" sheet; labels come from the fields
ORDER_COLUMNS = [
    ("name", "text"),
    ("date", "date"),
    ("partner_id", "m2o"),
    ("customer_class", "text"),
    ("user_id", "m2o"),
    ("team_id", "m2o"),
    ("stage_id", "m2o"),
    ("lost_reason_id", "m2o"),
    ("source_id", "m2o"),
    ("campaign_id", "m2o"),
    ("amount_untaxed", "money"),
    ("weighted_amount", "money"),
    ("revenue", "money"),
    ("days_to_close", "float"),
]
# (field, aggregate, kind) of the "Summary" sheet, one row per stage
SUMMARY_MEASURES = [
    ("nbr_quotations", "nbr_quotations:sum", "int"),
    ("nbr_won", "nbr_won:sum", "int"),
    ("nbr_lost", "nbr_lost:sum", "int"),
    ("conversion_rate", "conversion_rate:avg", "percent"),
    ("amount_untaxed", "amount_untaxed:sum", "money"),
    ("revenue", "revenue:sum", "money"),
    ("average_order_value", "average_order_value:avg", "money"),
    ("weighted_amount", "weighted_amount:sum", "money"),
]
# (field, kind) of the "Plan vs Actual" sheet, one row per target of a salesperson
PLAN_COLUMNS = [
    ("month", "date"),
    ("user_id", "m2o"),
    ("team_id", "m2o"),
    ("amount", "money"),
    ("actual_amount", "money"),
    ("achievement", "percent"),
]
# Excel's day 0 in the 1900 date system (xlsxwriter's default)
EXCEL_DAY_ZERO = date(1899, 12, 30)


class CrmPipelineReport(models.Model):
    _name = "crm.pipeline.report"
    _inherit = ["crm.pipeline.report", "crm.xlsx.export.mixin"]
    _xlsx_report = "crm_extension.crm_pipeline_report_xlsx"


class ReportCrmPipelineXlsx(models.AbstractModel):
    """The Pipeline Analysis workbook of the orders the user may see: a summary per
    stage with its chart, the orders, the stage conversion of their transitions, and
    the receivables of ``data["receivable_domain"]`` for the users who may see the
    customer card's figures.

    Orders are streamed in batches (keyset pagination) into ``constant_memory``
    sheets: memory does not grow with the number of rows.
    """

    _name = "report.crm_extension.pipeline_xlsx"
    _inherit = ["report.crm_extension.pipeline_stage_xlsx", "report.crm_extension.receivable_xlsx"]
    _description = "Pipeline Analysis Workbook"

    def generate_xlsx_report(self, workbook, data, objs):
        self._write_pipeline_workbook(
            workbook,
            self._get_report_domain(data),
            self._get_receivable_domain(data),
            data,
        )

    def _get_receivable_domain(self, data):
        """The domain of the "Receivables" sheet (on ``crm.receivable.report``), or None
        for a workbook without one."""
        return (data or {}).get("receivable_domain")

    def _write_pipeline_workbook(self, workbook, domain, receivable_domain, data):
        """Write the sheets of the analysis of ``domain``; returns the number of order
        rows written."""
        Pipeline = self.env["crm.pipeline.report"]
        fmt = self._get_formats(workbook)
        filters_text = self._get_filters_text(data, Pipeline, domain)
        Receivable = self.env["crm.receivable.report"]
        with_receivables = receivable_domain is not None and Receivable.has_access("read")
        names = [
            (self.env._("Summary"), self.env._("Pipeline Analysis")),
            (self.env._("Orders"), self.env._("Pipeline Analysis: Orders")),
            (self.env._("Stages"), self.env._("Pipeline Analysis: Stage Conversion")),
        ]
        if with_receivables:
            names.append((self.env._("Receivables"), self.env._("Receivables Analysis")))
        # sheets are created in display order; constant_memory writes each row-wise
        sheets = [self._add_sheet(workbook, *name, filters_text, fmt) for name in names]
        self._write_summary_sheet(workbook, sheets[0], domain, fmt)
        count, user_ids = self._write_orders_sheet(sheets[1], domain, fmt)
        # the transitions of the exported orders
        stage_domain = [("order_id", "in", Pipeline._search(domain))] if domain else []
        self._write_stages_sheet(sheets[2], stage_domain, fmt)
        if with_receivables:
            self._write_receivables_sheet(sheets[3], receivable_domain, fmt)
        # the last sheet, added once the orders told whose targets it shows
        if targets := self._get_plan_targets(user_ids):
            plan_names = (
                self.env._("Plan vs Actual"),
                self.env._("Pipeline Analysis: Plan vs Actual"),
            )
            sheet = self._add_sheet(workbook, *plan_names, filters_text, fmt)
            self._write_plan_sheet(sheet, targets, fmt)
        return count

    def _get_plan_targets(self, user_ids):
        """The monthly targets the user may read of the salespeople ``user_ids`` (those
        of the exported orders), by month and salesperson: those that add up (a
        salesperson's target of the month covers his per-team ones), as My Day counts
        them, so that the totals count no deal twice."""
        Target = self.env["crm.sales.target"]
        if not Target.has_access("read") or not user_ids:
            return Target
        return Target.search(
            [("user_id", "in", list(user_ids))], order="month, user_id, team_id NULLS FIRST, id"
        )._get_adding_up()

    def _write_plan_sheet(self, sheet, targets, fmt):
        """One row per target with its actual (the won revenue of its month) and the
        achievement; totals of the targets and actuals, the achievement of the totals."""
        labels = self._get_labels(targets, [name for name, _kind in PLAN_COLUMNS])
        self._write_header(sheet, labels, fmt, widths={1: 24, 2: 20})
        row = HEADER_ROW
        total_amount = total_actual = 0.0
        for target in targets:
            row += 1
            sheet.write_number(row, 0, (target.month - EXCEL_DAY_ZERO).days, fmt["date"])
            sheet.write_string(row, 1, target.user_id.display_name or "")
            if target.team_id:
                sheet.write_string(row, 2, target.team_id.display_name)
            sheet.write_number(row, 3, target.amount, fmt["money"])
            sheet.write_number(row, 4, target.actual_amount, fmt["money"])
            sheet.write_number(row, 5, target.achievement, fmt["percent"])
            total_amount += target.amount
            total_actual += target.actual_amount
        self._write_totals_row(sheet, row, {3: total_amount, 4: total_actual}, fmt)
        total_row = row + 1
        amount_cell, actual_cell = (xl_rowcol_to_cell(total_row, col) for col in (3, 4))
        sheet.write_formula(
            total_row,
            5,
            f"=IF({amount_cell}=0,0,100*{actual_cell}/{amount_cell})",
            fmt["total_percent"],
            100.0 * total_actual / total_amount if total_amount else 0.0,
        )
        sheet.autofilter(HEADER_ROW, 0, row, len(PLAN_COLUMNS) - 1)

    def _write_summary_sheet(self, workbook, sheet, domain, fmt):
        row, groups, totals = self._write_group_rows(
            sheet,
            self.env["crm.pipeline.report"],
            "stage_id",
            SUMMARY_MEASURES,
            domain,
            fmt,
            empty_label=self.env._("No stage"),
        )
        total_row = row + 1
        # counts and amounts add up; conversion and average order value are formulas
        # over those totals (won ÷ closed, revenue ÷ won), as the analysis defines them
        quotations, won, lost, conversion, amount, revenue, average, weighted = totals
        self._write_totals_row(
            sheet,
            row,
            {
                1: quotations or 0,
                2: won or 0,
                3: lost or 0,
                5: float(amount or 0),
                6: float(revenue or 0),
                8: float(weighted or 0),
            },
            fmt,
        )
        won_cell, lost_cell, revenue_cell = (xl_rowcol_to_cell(total_row, col) for col in (2, 3, 6))
        sheet.write_formula(
            total_row,
            4,
            f"=IF({won_cell}+{lost_cell}=0,0,100*{won_cell}/({won_cell}+{lost_cell}))",
            fmt["total_percent"],
            conversion or 0,
        )
        sheet.write_formula(
            total_row,
            7,
            f"=IF({won_cell}=0,0,{revenue_cell}/{won_cell})",
            fmt["total_money"],
            average or 0,
        )
        if groups:
            self._insert_summary_chart(workbook, sheet, row, total_row)

    def _insert_summary_chart(self, workbook, sheet, last_row, total_row):
        """Revenue and weighted pipeline by stage, under the totals."""
        chart = workbook.add_chart({"type": "column"})
        revenue_col, weighted_col = 6, len(SUMMARY_MEASURES)
        for col in (revenue_col, weighted_col):
            chart.add_series(
                {
                    "name": [sheet.name, HEADER_ROW, col],
                    "categories": [sheet.name, HEADER_ROW + 1, 0, last_row, 0],
                    "values": [sheet.name, HEADER_ROW + 1, col, last_row, col],
                }
            )
        chart.set_title({"name": self.env._("Revenue and weighted pipeline by stage")})
        chart.set_legend({"position": "bottom"})
        sheet.insert_chart(
            xl_rowcol_to_cell(total_row + 2, 0), chart, {"x_scale": 1.6, "y_scale": 1.2}
        )

    def _write_orders_sheet(self, sheet, domain, fmt):
        """The orders of ``domain`` and their money totals; returns the number of rows
        and the ids of the orders' salespeople."""
        count, m2o_ids = self._write_rows_sheet(
            sheet,
            self.env["crm.pipeline.report"],
            ORDER_COLUMNS,
            domain,
            fmt,
            ("money",),
            widths={0: 14, 2: 28},
        )
        return count, m2o_ids["user_id"]


class ReportCrmMyDayXlsx(models.AbstractModel):
    """The workbook of My Day: the Pipeline Analysis workbook of the orders of the
    dashboard's scope (``data`` = user_id / team_id), with their customers'
    receivables. The scope is checked again here, as the user who downloads."""

    _name = "report.crm_extension.my_day_xlsx"
    _inherit = "report.crm_extension.pipeline_xlsx"
    _description = "My Day Workbook"

    def _get_scope_users(self, data):
        data = data or {}
        return self.env["crm.dashboard"]._get_scope_users(
            data.get("user_id") or None, data.get("team_id") or None
        )

    def _get_report_domain(self, data):
        return [("user_id", "in", self._get_scope_users(data).ids)]

    def _get_receivable_domain(self, data):
        return [("user_id", "in", self._get_scope_users(data).ids)]

    def _get_filters_text(self, data, model, domain):
        users = self._get_scope_users(data)
        return self.env._(
            "Filters: %(filters)s",
            filters=self.env._("Salesperson: %(users)s", users=", ".join(users.mapped("name"))),
        )

from odoo import models

from .crm_report_xlsx_common import HEADER_ROW

# (field, kind) of the "Receivables" sheet; labels come from the fields
RECEIVABLE_COLUMNS = [
    ("partner_id", "m2o"),
    ("user_id", "m2o"),
    ("customer_class", "text"),
    ("company_id", "m2o"),
    ("open_balance", "money"),
    ("overdue_amount", "money"),
    ("overdue_days", "int"),
    ("aging_not_due", "money"),
    ("aging_1_30", "money"),
    ("aging_31_60", "money"),
    ("aging_61_90", "money"),
    ("aging_90_plus", "money"),
    ("open_invoice_count", "int"),
]
# columns with a total: amounts and the invoice count (not the oldest age)
TOTAL_COLUMNS = [
    col
    for col, (name, kind) in enumerate(RECEIVABLE_COLUMNS)
    if kind == "money" or name == "open_invoice_count"
]


class CrmReceivableReport(models.Model):
    _name = "crm.receivable.report"
    _inherit = ["crm.receivable.report", "crm.xlsx.export.mixin"]
    _xlsx_report = "crm_extension.crm_receivable_report_xlsx"


class ReportCrmReceivableXlsx(models.AbstractModel):
    """The Receivables Analysis workbook: the customers whose card shows figures to
    the user, with the card's figures."""

    _name = "report.crm_extension.receivable_xlsx"
    _inherit = "report.crm_extension.xlsx_common"
    _description = "Receivables Analysis Workbook"

    def generate_xlsx_report(self, workbook, data, objs):
        self._generate_one_sheet(
            workbook,
            data,
            self.env["crm.receivable.report"],
            (self.env._("Receivables"), self.env._("Receivables Analysis")),
            self._write_receivables_sheet,
        )

    def _write_receivables_sheet(self, sheet, domain, fmt):
        """One row per customer and company of ``domain`` (searched as the user: only
        the customers whose card shows figures to them), largest balance first, and a
        total row.

        :returns: number of rows written
        """
        Receivable = self.env["crm.receivable.report"]
        labels = self._get_labels(Receivable, [name for name, _kind in RECEIVABLE_COLUMNS])
        self._write_header(sheet, labels, fmt, widths={0: 28, 1: 20})
        # one customer per row: a few thousand rows at most, fetched in one query
        query = Receivable._search(domain, order=Receivable._order)
        rows = self.env.execute_query(
            query.select(*self._get_column_sql(query.table, RECEIVABLE_COLUMNS))
        )
        plan = self._get_column_plan(sheet, RECEIVABLE_COLUMNS, fmt)
        names = self._get_m2o_names(Receivable, RECEIVABLE_COLUMNS, rows)
        row = self._write_batch(HEADER_ROW, rows, plan, names)
        totals = {}
        for col in TOTAL_COLUMNS:
            total = 0.0 if RECEIVABLE_COLUMNS[col][1] == "money" else 0
            for values in rows:
                total += values[col + 1] or 0
            totals[col] = total
        self._write_totals_row(sheet, row, totals, fmt)
        if rows:
            sheet.autofilter(HEADER_ROW, 0, row, len(RECEIVABLE_COLUMNS) - 1)
        return len(rows)

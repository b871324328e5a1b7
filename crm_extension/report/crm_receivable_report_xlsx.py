from odoo import api, fields, models
from odoo.tools import SQL

from .crm_pipeline_report_xlsx import HEADER_ROW

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
    _inherit = "crm.receivable.report"

    @api.model
    def action_export_xlsx(self, domain=None, filters_label=None):
        """Download the receivables of ``domain`` the user may see."""
        return self.env["crm.pipeline.report"]._xlsx_sheet_download(
            self,
            (self.env._("Receivables"), self.env._("Receivables Analysis")),
            domain or [],
            filters_label,
            self._xlsx_receivables_sheet,
            self.env._("receivables_analysis_%(date)s.xlsx", date=fields.Date.context_today(self)),
        )

    @api.model
    def action_export_xlsx_selection(self):
        """The "Export to Excel" server action of the list: the selected rows, or the
        current search when the whole of it is selected."""
        return self.action_export_xlsx(self.env["crm.pipeline.report"]._xlsx_active_domain())

    @api.model
    def _xlsx_receivables_sheet(self, sheet, domain, fmt):
        """One row per customer and company of ``domain`` (searched as the user: only
        the customers whose card shows figures to them), largest balance first, and a
        total row.

        :returns: number of rows written
        """
        Pipeline = self.env["crm.pipeline.report"]
        labels = [
            self._fields[name].get_description(self.env)["string"]
            for name, _kind in RECEIVABLE_COLUMNS
        ]
        Pipeline._xlsx_header(sheet, labels, fmt, widths={0: 28, 1: 20})
        # one customer per row: a few thousand rows at most, fetched in one query
        query = self._search(domain, order=self._order)
        rows = self.env.execute_query(
            query.select(
                SQL.identifier(query.table, "id"),
                *(SQL.identifier(query.table, name) for name, _kind in RECEIVABLE_COLUMNS),
            )
        )
        plan = Pipeline._xlsx_column_plan(sheet, RECEIVABLE_COLUMNS, fmt)
        names = Pipeline._xlsx_names(rows, RECEIVABLE_COLUMNS, model=self)
        row = Pipeline._xlsx_write_batch(HEADER_ROW, rows, plan, names)
        totals = {}
        for col in TOTAL_COLUMNS:
            total = 0.0 if RECEIVABLE_COLUMNS[col][1] == "money" else 0
            for values in rows:
                total += values[col + 1] or 0
            totals[col] = total
        Pipeline._xlsx_totals_row(sheet, row, totals, fmt)
        if rows:
            sheet.autofilter(HEADER_ROW, 0, row, len(RECEIVABLE_COLUMNS) - 1)
        return len(rows)

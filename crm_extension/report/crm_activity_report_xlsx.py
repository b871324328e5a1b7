from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

from odoo import models

from .crm_report_xlsx_common import HEADER_ROW

# (field, kind) of the "Activities" sheet; labels come from the fields
ACTIVITY_COLUMNS = [
    ("date_done", "date"),
    ("user_id", "m2o"),
    ("team_id", "m2o"),
    ("activity_type_id", "m2o"),
    ("summary", "text"),
    ("partner_id", "m2o"),
    ("order_id", "m2o"),
    ("stage_id", "m2o"),
    ("date_deadline", "date"),
    ("deadline_at", "date"),
    ("nbr_on_time", "int"),
    ("nbr_late", "int"),
    ("delay_hours", "float"),
]
# (field, aggregate, kind) of the "Summary" sheet, one row per salesperson
SUMMARY_MEASURES = [
    ("nbr_done", "nbr_done:sum", "int"),
    ("nbr_on_time", "nbr_on_time:sum", "int"),
    ("nbr_late", "nbr_late:sum", "int"),
    ("on_time_rate", "on_time_rate:avg", "percent"),
    ("delay_hours", "delay_hours:avg", "float"),
]


class CrmActivityReport(models.Model):
    _name = "crm.activity.report"
    _inherit = ["crm.activity.report", "crm.xlsx.export.mixin"]
    _xlsx_report = "crm_extension.crm_activity_report_xlsx"


class ReportCrmActivityXlsx(models.AbstractModel):
    """The Activity Analysis workbook of the done activities the user may see: a
    summary per salesperson, the activities done per salesperson and type, and the
    activities themselves, with the filters in words.

    Activities are streamed in batches (keyset pagination) into ``constant_memory``
    sheets: memory does not grow with the number of rows.
    """

    _name = "report.crm_extension.activity_xlsx"
    _inherit = "report.crm_extension.xlsx_common"
    _description = "Activity Analysis Workbook"

    def generate_xlsx_report(self, workbook, data, objs):
        Activity = self.env["crm.activity.report"]
        fmt = self._get_formats(workbook)
        domain = self._get_report_domain(data)
        filters_text = self._get_filters_text(data, Activity, domain)
        names = [
            (self.env._("Summary"), self.env._("Activity Analysis")),
            (self.env._("By Type"), self.env._("Activity Analysis: Done by Type")),
            (self.env._("Activities"), self.env._("Activity Analysis: Activities")),
        ]
        # sheets are created in display order; constant_memory writes each row-wise
        sheets = [self._add_sheet(workbook, *name, filters_text, fmt) for name in names]
        self._write_activity_summary_sheet(sheets[0], domain, fmt)
        self._write_activity_types_sheet(sheets[1], domain, fmt)
        self._write_activities_sheet(sheets[2], domain, fmt)

    def _write_activity_summary_sheet(self, sheet, domain, fmt):
        """Done, on time, late, on-time rate and hours late per salesperson, and the
        whole as the analysis defines it (on time ÷ done, hours averaged over the late
        activities)."""
        row, _groups, totals = self._write_group_rows(
            sheet,
            self.env["crm.activity.report"],
            "user_id",
            SUMMARY_MEASURES,
            domain,
            fmt,
            empty_label=self.env._("Unassigned"),
            # an average over no row (no late activity) is left blank
            no_value=None,
        )
        done, on_time, late, rate, hours = totals
        self._write_totals_row(sheet, row, {1: done or 0, 2: on_time or 0, 3: late or 0}, fmt)
        if row == HEADER_ROW:
            return
        total_row = row + 1
        done_cell, on_time_cell, late_cell = (
            xl_rowcol_to_cell(total_row, col) for col in (1, 2, 3)
        )
        hours_range, late_range = (xl_range(HEADER_ROW + 1, col, row, col) for col in (5, 3))
        sheet.write_formula(
            total_row,
            4,
            f"=IF({done_cell}=0,0,100*{on_time_cell}/{done_cell})",
            fmt["total_percent"],
            rate or 0,
        )
        sheet.write_formula(
            total_row,
            5,
            f"=IF({late_cell}=0,0,SUMPRODUCT({hours_range},{late_range})/{late_cell})",
            fmt["total_float"],
            hours or 0,
        )

    def _write_activity_types_sheet(self, sheet, domain, fmt):
        """The pivot of the analysis: activities done per salesperson (rows) and type
        (columns), with totals."""
        Activity = self.env["crm.activity.report"]
        groups = Activity._read_group(
            domain, ["user_id", "activity_type_id"], ["nbr_done:sum"], order="user_id"
        )
        types = sorted(
            {activity_type for _user, activity_type, _done in groups},
            key=lambda activity_type: (activity_type.sequence, activity_type.id),
        )
        users = list(dict.fromkeys(user for user, _type, _done in groups))
        done = {(user, activity_type): count for user, activity_type, count in groups}
        labels = self._get_labels(Activity, ["user_id"]) + [
            activity_type.display_name or self.env._("No type") for activity_type in types
        ]
        labels.append(self._get_labels(Activity, ["nbr_done"])[0])
        self._write_header(sheet, labels, fmt, widths={0: 24})
        totals = dict.fromkeys(range(1, len(types) + 2), 0)
        row = HEADER_ROW
        for user in users:
            row += 1
            sheet.write_string(row, 0, user.display_name or self.env._("Unassigned"))
            for col, activity_type in enumerate(types, 1):
                count = done.get((user, activity_type), 0)
                sheet.write_number(row, col, count, fmt["int"])
                totals[col] += count
            user_total = sum(done.get((user, activity_type), 0) for activity_type in types)
            sheet.write_number(row, len(types) + 1, user_total, fmt["int"])
            totals[len(types) + 1] += user_total
        self._write_totals_row(sheet, row, totals, fmt)

    def _write_activities_sheet(self, sheet, domain, fmt):
        """The activities of ``domain``, with the totals of the counts."""
        self._write_rows_sheet(
            sheet,
            self.env["crm.activity.report"],
            ACTIVITY_COLUMNS,
            domain,
            fmt,
            ("int",),
            widths={4: 28, 5: 28},
        )

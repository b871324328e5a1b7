from xlsxwriter.utility import xl_range, xl_rowcol_to_cell

from odoo import models

from .crm_report_xlsx_common import HEADER_ROW


class CrmPipelineStageReport(models.Model):
    _name = "crm.pipeline.stage.report"
    _inherit = ["crm.pipeline.stage.report", "crm.xlsx.export.mixin"]
    _xlsx_report = "crm_extension.crm_pipeline_stage_report_xlsx"


class ReportCrmPipelineStageXlsx(models.AbstractModel):
    """The Stage Analysis workbook: stage-to-stage conversion and time in stage of
    the transitions the user may see, with the filters in words."""

    _name = "report.crm_extension.pipeline_stage_xlsx"
    _inherit = "report.crm_extension.xlsx_common"
    _description = "Stage Analysis Workbook"

    def generate_xlsx_report(self, workbook, data, objs):
        self._generate_one_sheet(
            workbook,
            data,
            self.env["crm.pipeline.stage.report"],
            (self.env._("Stages"), self.env._("Stage Analysis")),
            self._write_stages_sheet,
        )

    def _write_stages_sheet(self, sheet, stage_domain, fmt):
        """Stage-to-stage conversion and time in stage of the transitions of
        ``stage_domain`` (on ``crm.pipeline.stage.report``), a totals row of formulas."""
        StageReport = self.env["crm.pipeline.stage.report"]
        labels = self._get_labels(
            StageReport,
            ("stage_id", "nbr_entries", "nbr_advanced", "conversion_rate", "days_in_stage"),
        ) + [self.env._("Hours in Stage"), self.env._("Left the Stage")]
        self._write_header(sheet, labels, fmt, widths={0: 24})
        aggregates = [
            "nbr_entries:sum",
            "nbr_advanced:sum",
            "conversion_rate:avg",
            "days_in_stage:avg",
            # the entries that left their stage: those the conversion and days count
            "conversion_rate:count",
        ]
        groups = StageReport._read_group(stage_domain, ["stage_id"], aggregates, order="stage_id")
        row = HEADER_ROW
        for stage, entries, advanced, conversion, days, left in groups:
            row += 1
            sheet.write_string(row, 0, stage.display_name)
            sheet.write_number(row, 1, entries or 0, fmt["int"])
            sheet.write_number(row, 2, advanced or 0, fmt["int"])
            if conversion is not None:
                sheet.write_number(row, 3, conversion, fmt["percent"])
            if days is not None:
                sheet.write_number(row, 4, days, fmt["float"])
                # a fresh pipeline spends hours, not days, in a stage
                sheet.write_number(row, 5, days * 24, fmt["float"])
            sheet.write_number(row, 6, left or 0, fmt["int"])
        # the whole, as the stage analysis defines it: moved forward ÷ entries that
        # left their stage, and the days averaged over those entries
        [(entries, advanced, conversion, days, left)] = StageReport._read_group(
            stage_domain, [], aggregates
        )
        self._write_totals_row(sheet, row, {1: entries or 0, 2: advanced or 0, 6: left or 0}, fmt)
        if row == HEADER_ROW:
            return
        total_row = row + 1
        advanced_cell, left_cell = (xl_rowcol_to_cell(total_row, col) for col in (2, 6))
        days_range, left_range = (xl_range(HEADER_ROW + 1, col, row, col) for col in (4, 6))
        sheet.write_formula(
            total_row,
            3,
            f"=IF({left_cell}=0,0,100*{advanced_cell}/{left_cell})",
            fmt["total_percent"],
            conversion or 0,
        )
        sheet.write_formula(
            total_row,
            4,
            f"=IF({left_cell}=0,0,SUMPRODUCT({days_range},{left_range})/{left_cell})",
            fmt["total_float"],
            days or 0,
        )
        sheet.write_formula(
            total_row,
            5,
            f"={xl_rowcol_to_cell(total_row, 4)}*24",
            fmt["total_float"],
            (days or 0) * 24,
        )

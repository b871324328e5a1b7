from unittest.mock import patch

from odoo import fields
from odoo.tests import HttpCase, tagged

from odoo.addons.crm_extension.report.crm_pipeline_report_xlsx import ReportCrmPipelineXlsx

from .common import CrmCommon, read_workbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@tagged("post_install", "-at_install")
class TestExportXlsxTour(CrmCommon, HttpCase):
    def test_export_from_the_cog_menu_of_the_pivot(self):
        """The CRM manager's "Export to Excel" in the cog menu downloads the workbook of
        the search through report_xlsx's /report/download; the workbook written there is
        read back here."""
        written = []
        generate = ReportCrmPipelineXlsx.generate_xlsx_report

        def record(report, workbook, data, objs):
            # the real report runs; keep the file it writes into (a BytesIO)
            written.append(workbook.filename)
            return generate(report, workbook, data, objs)

        Attachment = self.env["ir.attachment"]
        xlsx = [("mimetype", "=", XLSX_MIMETYPE)]
        before = Attachment.search_count(xlsx)
        with patch.object(ReportCrmPipelineXlsx, "generate_xlsx_report", record):
            self.start_tour(
                "/odoo/action-crm_extension.crm_pipeline_report_action",
                "crm_extension_export_xlsx",
                login=self.mgr.login,
            )
        self.assertEqual(len(written), 1)
        self.assertEqual(Attachment.search_count(xlsx), before, "nothing stored")
        workbook = read_workbook(written[0].getvalue())
        self.assertEqual(workbook.sheetnames, ["Summary", "Orders", "Stages"])
        # the facet of the action's default filter (this year and the last), as the user
        # saw it
        year = fields.Date.today().year
        self.assertEqual(workbook["Summary"]["A2"].value, f"Filters: Created On: {year - 1}/{year}")

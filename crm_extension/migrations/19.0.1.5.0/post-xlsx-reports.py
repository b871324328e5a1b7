"""19.0.1.5.0: the Excel workbooks are reports (OCA report_xlsx), streamed to the browser.

Until now each export was stored as an attachment of ``crm.pipeline.report`` and a daily
cleanup removed it after a day. Nothing is stored any more and the cleanup is gone: drop
the exports left in the filestore.
"""

from odoo import SUPERUSER_ID, api

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["ir.attachment"].search(
        [
            ("res_model", "=", "crm.pipeline.report"),
            ("res_id", "in", (0, False)),
            ("mimetype", "=", XLSX_MIMETYPE),
        ]
    ).unlink()

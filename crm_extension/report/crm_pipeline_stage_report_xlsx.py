from odoo import api, fields, models


class CrmPipelineStageReport(models.Model):
    _inherit = "crm.pipeline.stage.report"

    @api.model
    def action_export_xlsx(self, domain=None, filters_label=None):
        """Download the stage conversion of the transitions of ``domain`` the user may
        see: the pipeline workbook's "Stages" sheet, with the filters in words."""
        domain = domain or []
        Pipeline = self.env["crm.pipeline.report"]

        def write(fileobj):
            workbook, fmt = Pipeline._xlsx_workbook(fileobj)
            sheet = Pipeline._xlsx_sheet(
                workbook,
                self.env._("Stages"),
                self.env._("Stage Analysis"),
                self.env._(
                    "Filters: %(filters)s",
                    filters=filters_label or Pipeline._xlsx_describe(domain, model=self),
                ),
                fmt,
            )
            Pipeline._xlsx_stages_sheet(sheet, domain, fmt)
            workbook.close()

        return Pipeline._xlsx_download(
            write,
            self.env._("stage_analysis_%(date)s.xlsx", date=fields.Date.context_today(self)),
        )

    @api.model
    def action_export_xlsx_selection(self):
        """The list's "Export to Excel": the selected rows, or the whole search."""
        return self.action_export_xlsx(self.env["crm.pipeline.report"]._xlsx_active_domain())

from odoo import api, fields, models


class CrmPipelineStageReport(models.Model):
    _inherit = "crm.pipeline.stage.report"

    @api.model
    def action_export_xlsx(self, domain=None, filters_label=None):
        """Download the stage conversion of the transitions of ``domain`` the user may
        see: the pipeline workbook's "Stages" sheet, with the filters in words."""
        Pipeline = self.env["crm.pipeline.report"]
        return Pipeline._xlsx_sheet_download(
            self,
            (self.env._("Stages"), self.env._("Stage Analysis")),
            domain or [],
            filters_label,
            Pipeline._xlsx_stages_sheet,
            self.env._("stage_analysis_%(date)s.xlsx", date=fields.Date.context_today(self)),
        )

    @api.model
    def action_export_xlsx_selection(self):
        """The list's "Export to Excel": the selected rows, or the whole search."""
        return self.action_export_xlsx(self.env["crm.pipeline.report"]._xlsx_active_domain())

from odoo import api, models


class CrmXlsxExportMixin(models.AbstractModel):
    """ "Export to Excel" of an analysis: the action of its workbook report
    (``_xlsx_report``, an ``ir.actions.report`` of type xlsx) for a search.

    The cog menu item calls ``action_export_xlsx`` with the search and its facets in
    words; the list's server action calls ``action_export_xlsx_selection``.
    """

    _name = "crm.xlsx.export.mixin"
    _description = "Excel Export of an Analysis"
    _xlsx_report = None  # xml id of the workbook report

    @api.model
    def action_export_xlsx(self, domain=None, filters_label=None):
        """The download of the workbook of the rows of ``domain`` the user may see."""
        # refuse now, not in the download: the report reads as the user all the same
        self.check_access("read")
        report = self.env.ref(self._xlsx_report)
        data = self._prepare_xlsx_report_data(domain, filters_label)
        return report.report_action(None, data=data, config=False)

    @api.model
    def action_export_xlsx_selection(self):
        """The "Export to Excel" server action of the list: the selected rows, or the
        current search when the whole of it is selected (see ``_get_xlsx_active_domain``)."""
        return self.action_export_xlsx(self._get_xlsx_active_domain())

    @api.model
    def _prepare_xlsx_report_data(self, domain, filters_label):
        """The ``data`` of the report action: what the workbook is of."""
        return {"domain": list(domain or []), "filters_label": filters_label or False}

    @api.model
    def _get_xlsx_active_domain(self):
        """The domain of the rows a server action of the list applies to.

        The web client sends the search (``active_domain``) and the selected ids
        (``active_ids``); when the whole search is selected, ``active_ids`` are its
        first ``web.active_ids_limit`` ids. The selection is exported, unless it reached
        that limit: then the search is, without the truncation.
        """
        context = self.env.context
        active_ids = context.get("active_ids") or []
        active_domain = context.get("active_domain")
        # sudo: a technical setting the web client reads for every user (ir.http)
        limit = int(
            self.env["ir.config_parameter"].sudo().get_param("web.active_ids_limit", "20000")
        )
        if active_domain is not None and (not active_ids or len(active_ids) >= limit):
            return active_domain
        return [("id", "in", list(active_ids))]

import { _t } from "@web/core/l10n/translation";
import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { registry } from "@web/core/registry";
import { STATIC_ACTIONS_GROUP_NUMBER } from "@web/search/action_menus/action_menus";

import { Component } from "@odoo/owl";

/** The analyses whose export is offered, by model. */
const EXPORTABLE_MODELS = [
    "crm.activity.report",
    "crm.pipeline.report",
    "crm.pipeline.stage.report",
    "crm.receivable.report",
];

/**
 * The search as the user sees it: one "title: value or value" per facet (group-bys
 * do not change what is exported, they are left out).
 *
 * @param {Object[]} facets the search model's facets
 * @returns {string}
 */
export function describeFacets(facets) {
    return facets
        .filter((facet) => facet.type !== "groupBy")
        .map((facet) => {
            const values = facet.values.join(` ${facet.separator || _t("or")} `);
            return facet.title ? `${facet.title}: ${values}` : values;
        })
        .join(_t(" and "));
}

/**
 * "Export to Excel" in the cog menu of the analyses: the workbook of the current
 * search, with the filters written as the facets show them.
 */
export class CrmExportXlsx extends Component {
    static template = "crm_extension.ExportXlsx";
    static components = { DropdownItem };
    static props = {};

    async onExport() {
        // the services of the env, not useService's: the item is unmounted as soon as
        // the dropdown closes, and the download must still happen then
        const { action, orm, ui } = this.env.services;
        const searchModel = this.env.searchModel;
        const label = describeFacets(searchModel.facets);
        ui.block();
        try {
            // the workbook's report action (report_xlsx), downloaded by its handler
            const report = await orm.call(searchModel.resModel, "action_export_xlsx", [], {
                domain: searchModel.domain,
                filters_label: label || false,
            });
            await action.doAction(report);
        } finally {
            ui.unblock();
        }
    }
}

export const crmExportXlsxItem = {
    Component: CrmExportXlsx,
    groupNumber: STATIC_ACTIONS_GROUP_NUMBER,
    isDisplayed: (env) =>
        EXPORTABLE_MODELS.includes(env.searchModel?.resModel) &&
        ["list", "pivot", "graph"].includes(env.config.viewType) &&
        // with a selection, the list's "Export to Excel" action applies to it
        !(env.config.viewType === "list" && env.model?.root?.selection.length),
};

registry.category("cogMenu").add("crm-extension-export-xlsx", crmExportXlsxItem, { sequence: 20 });

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_extension_export_xlsx", {
    steps: () => [
        {
            content: "The analysis opens in its pivot view with its default filter",
            trigger: ".o_pivot_view .o_searchview_facet:contains('Created On')",
        },
        {
            content: "Open the cog menu",
            trigger: ".o_cp_action_menus i.fa-cog",
            run: "click",
        },
        {
            content: "Export to Excel",
            trigger: ".o-dropdown--menu .o_crm_export_xlsx",
            run: "click",
        },
        {
            // blocked from the click until report_xlsx's download is over
            content: "The export is done when the screen is no longer blocked",
            trigger: "body:not(:has(.o_blockUI)) .o_pivot_view:not(:has(.o-dropdown--menu))",
        },
    ],
});

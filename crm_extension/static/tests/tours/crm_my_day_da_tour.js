import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

/**
 * A Danish salesperson (tests/test_i18n_tour.py) opens My Day from the Sales menu and
 * reads it in Danish: the menu, the breadcrumb, the tiles (Python), the export button
 * (JavaScript) and the screen a tile opens.
 */
registry.category("web_tour.tours").add("crm_extension_my_day_da", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Sales app",
            trigger: ".o_app[data-menu-xmlid='sale.sale_menu_root']",
            run: "click",
        },
        {
            content: "The menu says Min dag",
            trigger: "[data-menu-xmlid='crm_extension.crm_dashboard_menu']:contains('Min dag')",
            run: "click",
        },
        {
            content: "The breadcrumb says Min dag",
            trigger: ".o_breadcrumb .o_last_breadcrumb_item:contains('Min dag')",
        },
        {
            content: "The open pipeline tile is in Danish",
            trigger: ".o_crm_my_day_tile_open_pipeline:contains('Min åbne pipeline')",
        },
        {
            content: "The overdue activities tile is in Danish",
            trigger: ".o_crm_my_day_tiles:contains('Forfaldne aktiviteter')",
        },
        {
            content: "The export button is in Danish",
            trigger: "button.o_crm_my_day_export:contains('Eksportér til Excel')",
        },
        {
            content: "Open the quotations waiting for the customer",
            trigger: ".o_crm_my_day_tile_waiting_customer:contains('Tilbud, der venter på kunden')",
            run: "click",
        },
        {
            content: "The list it opens is named in Danish",
            trigger: ".o_breadcrumb .o_last_breadcrumb_item:contains('Tilbud, der venter på kunden')",
        },
        {
            content: "The list shows the Danish salesperson's quotation",
            trigger: ".o_list_view .o_data_row:contains('Dansk Kunde')",
        },
    ],
});

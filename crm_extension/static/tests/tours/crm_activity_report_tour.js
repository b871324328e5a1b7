import { registry } from "@web/core/registry";
import { openMyDay } from "@crm_extension/../tests/tours/crm_tour_steps";

/**
 * Seeded by tests/test_activity_report_tour.py: "Activity Rep" (a CRM salesperson) made
 * two calls and did one to-do today; "Activity Rep Two" made one call today.
 */
registry.category("web_tour.tours").add("crm_extension_activity_report", {
    url: "/odoo",
    steps: () => [
        ...openMyDay(),
        {
            content: "The calls made today: the rep's two calls, not the to-do",
            trigger: ".o_crm_my_day_tile_calls_made .o_crm_my_day_count:text(2)",
        },
        {
            content: "This week's calls in its hint",
            trigger: ".o_crm_my_day_tile_calls_made .o_crm_my_day_hint:contains('2 this week')",
        },
        {
            content: "Open the calls made today",
            trigger: ".o_crm_my_day_tile_calls_made",
            run: "click",
        },
        {
            content: "The Activity Analysis lists the two calls",
            trigger: ".o_list_view .o_data_row:contains('Activity call 2')",
            run() {
                const rows = document.querySelectorAll(".o_list_view .o_data_row");
                if (rows.length !== 2) {
                    throw new Error(`${rows.length} rows instead of the 2 calls`);
                }
            },
        },
        {
            content: "Open Sales › Reporting",
            trigger: "[data-menu-xmlid='sale.menu_sale_report']",
            run: "click",
        },
        {
            content: "Open the Activity Analysis",
            trigger: "[data-menu-xmlid='crm_extension.crm_activity_report_menu']",
            run: "click",
        },
        {
            content: "The pivot of this month, per salesperson: only the rep's own",
            trigger: ".o_pivot_view .o_searchview_facet:contains('This Month')",
        },
        {
            content: "The rep's row counts his three activities done",
            trigger: ".o_pivot tbody tr:has(th:contains('Activity Rep')) td:contains('3')",
        },
        {
            content: "No row of the other rep",
            trigger: ".o_pivot:not(:has(th:contains('Activity Rep Two')))",
        },
    ],
});

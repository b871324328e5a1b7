import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_utils";

const column = (name) => `.o_kanban_group:has(.o_column_title:contains('${name}'))`;

registry.category("web_tour.tours").add("crm_extension_request_quick_create", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open Sales",
            trigger: ".o_app[data-menu-xmlid='sale.sale_menu_root']",
            run: "click",
        },
        {
            content: "Open the Orders menu",
            trigger: ".o_menu_sections button[data-menu-xmlid='sale.sale_order_menu']",
            run: "click",
        },
        {
            content: "Open the Order Pipeline",
            trigger: "[data-menu-xmlid='crm_extension.sale_order_menu_pipeline']",
            run: "click",
        },
        {
            content: "Only the first column offers the quick create",
            trigger: `${column("Measurements")}:not(:has(.o_kanban_quick_add))`,
        },
        {
            content: "A call comes in: New",
            trigger: `${column("First call")} .o_kanban_quick_add`,
            run: "click",
        },
        {
            content: "The caller's name",
            trigger: ".o_kanban_quick_create [name='crm_request_contact_name'] input",
            run: "edit Walk-in Wendy",
        },
        {
            content: "The caller's phone",
            trigger: ".o_kanban_quick_create [name='crm_request_phone'] input",
            run: "edit +32 470 11 22 33",
        },
        {
            content: "Add the request",
            trigger: ".o_kanban_quick_create .o_kanban_add",
            run: "click",
        },
        {
            content: "The deal is in the first call column",
            trigger: `${column("First call")} .o_kanban_record:contains('Walk-in Wendy')`,
        },
    ],
});

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_extension_my_day", {
    steps: () => [
        {
            content: "The dashboard shows the open pipeline tile",
            trigger: ".o_crm_my_day_tile_open_pipeline",
        },
        {
            content: "Open the quotations waiting for the customer",
            trigger: ".o_crm_my_day_tile_waiting_customer",
            run: "click",
        },
        {
            content: "The matching list opens",
            trigger: ".o_list_view, .o_view_nocontent",
        },
        {
            content: "Its breadcrumb names the tile",
            trigger: ".o_breadcrumb:contains('Quotations waiting for the customer')",
        },
    ],
});

import { registry } from "@web/core/registry";
import { column, openOrderPipeline } from "@crm_extension/../tests/tours/crm_tour_steps";


registry.category("web_tour.tours").add("crm_extension_request_quick_create", {
    steps: () => [
        ...openOrderPipeline(),
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

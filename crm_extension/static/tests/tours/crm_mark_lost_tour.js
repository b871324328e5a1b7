import { registry } from "@web/core/registry";
import { column, openOrderPipeline } from "@crm_extension/../tests/tours/crm_tour_steps";

const card = ".o_kanban_record:contains('Lost Tour Kitchens')";

registry.category("web_tour.tours").add("crm_extension_mark_lost_by_drag", {
    steps: () => [
        ...openOrderPipeline(),
        {
            content: "The deal starts in the first column",
            trigger: `${column("Lost Tour New")} ${card}`,
        },
        {
            content: "Drag the deal to the lost column",
            trigger: card,
            run: `drag_and_drop (${column("Lost Tour Lost")})`,
        },
        {
            content: "The lost reason dialog opens at once, no warning before it",
            trigger: ".modal .o_form_view div[name='lost_reason_id'] input",
            run() {
                if (document.querySelector(".o_error_dialog, .modal .o_dialog_warning")) {
                    throw new Error("A warning dialog came before the lost reason");
                }
            },
        },
        {
            content: "Choose the reason",
            trigger: ".modal div[name='lost_reason_id'] input",
            run: "edit Lost Tour Reason",
        },
        {
            content: "Pick it in the dropdown",
            trigger: ".o-autocomplete--dropdown-item:contains('Lost Tour Reason')",
            run: "click",
        },
        {
            content: "Mark as lost",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The board shows the deal in the lost column without a reload",
            trigger: `${column("Lost Tour Lost")} ${card}`,
        },
        {
            content: "and no longer in the first one",
            trigger: `${column("Lost Tour New")}:not(:has(${card}))`,
        },
    ],
});

import { registry } from "@web/core/registry";
import { column, openOrderPipeline } from "@crm_extension/../tests/tours/crm_tour_steps";

const card = ".o_kanban_record:contains('Tour Kitchens')";

registry.category("web_tour.tours").add("crm_extension_order_pipeline", {
    steps: () => [
        ...openOrderPipeline(),
        {
            content: "The deal starts in the first call column",
            trigger: `${column("Tour First Call")} ${card}`,
        },
        {
            content: "Drag the deal to the Measurements column",
            trigger: card,
            run: `drag_and_drop (${column("Tour Measurements")})`,
        },
        {
            content: "The card is now in Measurements",
            trigger: `${column("Tour Measurements")} ${card}`,
        },
        {
            content: "Open the deal",
            trigger: `${column("Tour Measurements")} ${card} .fw-bold`,
            run: "click",
        },
        {
            content: "The visit scheduled by the stage is in the chatter",
            trigger: ".o-mail-Chatter .o-mail-Activity:contains('Tour site visit')",
        },
    ],
});

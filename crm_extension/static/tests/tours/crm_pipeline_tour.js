import { registry } from "@web/core/registry";

const card = ".o_kanban_record:contains('Tour Kitchens')";
const column = (name) => `.o_kanban_group:has(.o_column_title:contains('${name}'))`;

registry.category("web_tour.tours").add("crm_extension_order_pipeline", {
    steps: () => [
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

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
            content: "Open the activities of the deal",
            trigger: `${column("Tour Measurements")} ${card} .o-mail-ActivityButton`,
            run: "click",
        },
        {
            content: "The visit scheduled by the stage is there",
            trigger: ".o-mail-ActivityListPopover:contains('Tour site visit')",
        },
    ],
});

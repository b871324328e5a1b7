import { registry } from "@web/core/registry";
import { column, openOrderPipeline } from "@crm_extension/../tests/tours/crm_tour_steps";

const form = "form.o_crm_request_form";
const card = ".o_kanban_record:contains('Tour Bakery')";

/** A visitor, not logged in, leaves a request on the team's public page. */
registry.category("web_tour.tours").add("crm_extension_request_web_form", {
    steps: () => [
        {
            content: "Give a name",
            trigger: `${form} input[name='contact_name']`,
            run: "edit Ann Tour",
        },
        {
            content: "Give the company",
            trigger: `${form} input[name='company_name']`,
            run: "edit Tour Bakery",
        },
        {
            content: "Give an e-mail",
            trigger: `${form} input[name='email']`,
            run: "edit ann@tour-bakery.example",
        },
        {
            content: "Give a phone",
            trigger: `${form} input[name='phone']`,
            run: "edit +32 470 55 66 77",
        },
        {
            content: "Say what is needed",
            trigger: `${form} textarea[name='message']`,
            run: "edit A bread oven for the new shop.",
        },
        {
            content: "Send the request",
            trigger: `${form} button.o_crm_request_submit`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The visitor is thanked",
            trigger: ".o_crm_request_thanks:contains('Thank you!')",
        },
    ],
});

/** The salesperson whose turn it was finds the deal in the first column of the Order
 * Pipeline, starting from the menu. */
registry.category("web_tour.tours").add("crm_extension_request_first_call", {
    steps: () => [
        ...openOrderPipeline(),
        {
            content: "The request's deal waits in First call",
            trigger: `${column("First call")} ${card}`,
        },
        {
            content: "Open the deal",
            trigger: `${column("First call")} ${card} .fw-bold`,
            run: "click",
        },
        {
            content: "The request is in the deal's chatter",
            trigger: ".o-mail-Chatter .o-mail-Message:contains('A bread oven for the new shop.')",
        },
        {
            content: "And the call back is planned",
            trigger: ".o-mail-Chatter .o-mail-Activity:contains('Call the client back')",
        },
    ],
});

import { registry } from "@web/core/registry";

const deal = ".o_kanban_record:contains('Bridge Tour Kitchens')";
const badge = (label) => `.o_form_view .o_field_widget[name=accounting_state]:contains('${label}')`;

registry.category("web_tour.tours").add("crm_extension_bridge_send", {
    steps: () => [
        {
            content: "Open the deal from the order pipeline",
            trigger: `${deal} .fw-bold`,
            run: "click",
        },
        {
            content: "Send it to accounting",
            trigger: ".o_form_view button[name=action_send_to_accounting]",
            run: "click",
        },
        {
            content: "The deal is now with accounting",
            trigger: badge("Sent to Accounting"),
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_bridge_invoice", {
    steps: () => [
        {
            content: "The sales journal card counts the quotation waiting for an invoice",
            trigger: ".o_kanban_record a[name=action_crm_quotes_to_invoice]:contains('1 Quotations to Invoice')",
            run: "click",
        },
        {
            content: "Select the quotation in the queue",
            trigger: ".o_list_view .o_data_row:contains('Bridge Tour Kitchens') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Create its invoice",
            trigger: "button[name=action_accounting_create_invoice]",
            run: "click",
        },
        {
            content: "Accounting is told a draft was created, with a link to it",
            trigger: ".o_notification:contains('Draft invoices created') a[href*='action_move_out_invoice_type']",
        },
        {
            content: "The quote stays in the queue, its draft waiting to be posted",
            trigger: ".o_list_view .o_data_row:contains('Bridge Tour Kitchens') .o_field_widget[name=accounting_state]:contains('Draft Invoice')",
        },
        {
            content: "Select it again",
            trigger: ".o_list_view .o_data_row:contains('Bridge Tour Kitchens') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Post its invoice",
            trigger: "button[name=action_accounting_post_invoices]",
            run: "click",
        },
        {
            content: "Accounting is told it is done",
            trigger: ".o_notification:contains('Posted')",
        },
        {
            content: "and the quotation has left the queue",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Bridge Tour Kitchens')))",
        },
    ],
});

registry.category("web_tour.tours").add("crm_extension_bridge_deal_invoiced", {
    steps: () => [
        {
            content: "The deal card says it is invoiced",
            trigger: `${deal}:contains('Invoiced') .fw-bold`,
            run: "click",
        },
        {
            content: "and so does the deal",
            trigger: badge("Invoiced"),
        },
    ],
});

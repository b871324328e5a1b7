import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_extension_customer_card", {
    steps: () => [
        {
            content: "The card shows the open balance",
            trigger: ".o_form_view button[name=action_crm_balance] .o_stat_text:contains('Balance')",
        },
        {
            content: "Open the receivable items making up the balance",
            trigger: ".o_form_view button[name=action_crm_balance]",
            run: "click",
        },
        {
            content: "The list says what it is",
            trigger: ".o_breadcrumb:contains('Balance of Card Tour Customer')",
        },
        {
            content: "The open item of the invoice (250) is listed",
            trigger: ".o_list_view .o_data_row:contains('250.00')",
        },
        {
            content: "and only it",
            trigger: ".o_list_view:not(:has(.o_data_row:nth-child(2)))",
        },
        {
            content: "Back to the card",
            trigger: ".o_breadcrumb .o_back_button a, .o_breadcrumb li.breadcrumb-item:first-child a",
            run: "click",
        },
        {
            content: "Open the customer's open invoices",
            trigger: ".o_form_view button[name=action_crm_open_invoices]:contains('Open Invoices')",
            run: "click",
        },
        {
            content: "The list says what it is",
            trigger: ".o_breadcrumb:contains('Open Invoices of Card Tour Customer')",
        },
        {
            content: "The invoice of the customer (250) is listed",
            trigger: ".o_list_view .o_data_row:contains('250.00')",
        },
        {
            content: "and only it",
            trigger: ".o_list_view:not(:has(.o_data_row:nth-child(2)))",
        },
    ],
});

import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("crm_extension_customer_card", {
    steps: () => [
        {
            content: "The card shows the open balance",
            trigger: ".o_form_view button[name=action_crm_open_invoices] .o_stat_text:contains('Balance')",
        },
        {
            content: "Open the customer's open invoices",
            trigger: ".o_form_view button[name=action_crm_open_invoices]:contains('Open Invoices')",
            run: "click",
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

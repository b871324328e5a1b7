import { registry } from "@web/core/registry";
import { openCustomerPipeline } from "@crm_extension/../tests/tours/crm_tour_steps";
import { inputFiles } from "@web/../tests/utils";

// a client base as a company exports it: a customer already in Odoo (Tour Baltic
// Stone, found by its e-mail), a new one with its stage and owner, and its buyer
const CLIENTS = [
    "Name,Email,Phone,Company,Role,Stage,Owner",
    "Tour Baltic Stone AB,hello@tourbaltic.example,,,,,",
    "Tour Nordic Tiles,info@tournordic.example,+45 33 12 34 56,,,Proposal,crm_sp",
    "Tour Lars Holm,lars@tournordic.example,,Tour Nordic Tiles,Buyer,,",
].join("\n");

registry.category("web_tour.tours").add("crm_extension_customer_import", {
    steps: () => [
        ...openCustomerPipeline(),
        {
            content: "The Customer Pipeline is shown",
            trigger: ".o_kanban_view .o_kanban_record:contains('Tour Baltic Stone')",
        },
        {
            content: "Open the cog menu",
            trigger: ".o_cp_action_menus i.fa-cog",
            run: "click",
        },
        {
            content: "Import Customers",
            trigger: ".o-dropdown--menu .o_crm_customer_import",
            run: "click",
        },
        {
            content: "Find existing customers by e-mail first",
            trigger: ".modal .o_field_widget[name=match_keys] label:contains('E-mail, then phone')",
            run: "click",
        },
        {
            content: "Go on to the file",
            trigger: ".modal button[name=action_open_import]",
            run: "click",
        },
        {
            content: "Upload the client base",
            trigger: ".o_control_panel .o_import_file",
            async run() {
                const file = new File([CLIENTS], "clients.csv", { type: "text/csv" });
                await inputFiles(".o_control_panel .o_file_input input[type=file]", [file]);
            },
        },
        {
            content: "The columns are mapped to the customer's fields",
            trigger: ".o_import_data_content:contains('Related Company'):contains('Customer Stage'):contains('Salesperson')",
        },
        {
            content: "Test the import",
            trigger: ".o_control_panel button:contains('Test')",
            run: "click",
        },
        {
            content: "The test finds nothing wrong",
            trigger: ".o_import_action:contains('Everything seems valid.')",
        },
        {
            content: "Import",
            trigger: ".o_control_panel button.btn-primary:contains('Import')",
            run: "click",
        },
        {
            content: "The new customer is in the pipeline, in its stage",
            trigger: ".o_kanban_group:has(.o_column_title:contains('Proposal')) .o_kanban_record:contains('Tour Nordic Tiles')",
        },
        {
            content: "and the existing one, renamed, not twinned",
            trigger: ".o_kanban_record:contains('Tour Baltic Stone AB')",
        },
    ],
});

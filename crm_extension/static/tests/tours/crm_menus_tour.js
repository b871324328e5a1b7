import { registry } from "@web/core/registry";
import { openMenu } from "@crm_extension/../tests/tours/crm_tour_steps";

/**
 * Each role opens, from the menu, every screen the README gives it and sees it load.
 * A menu path is [app xmlid, section xmlid (or null for a section without children),
 * item xmlid]; the screen is recognised by its breadcrumb and a view element.
 */

function screen(title, element) {
    return [
        {
            content: `The screen ${title} is shown`,
            trigger: `.o_breadcrumb .o_last_breadcrumb_item:contains('${title}')`,
        },
        {
            content: `${title} shows its ${element}`,
            trigger: element,
        },
    ];
}

const SALES = [
    [["sale.sale_menu_root", null, "crm_extension.crm_dashboard_menu"], "My Day", ".o_crm_my_day_tiles"],
    [
        ["sale.sale_menu_root", "sale.sale_order_menu", "crm_extension.sale_order_menu_pipeline"],
        "Order Pipeline",
        ".o_kanban_renderer",
    ],
    [
        ["sale.sale_menu_root", "sale.sale_order_menu", "crm_extension.res_partner_menu_pipeline_sale"],
        "Customer Pipeline",
        ".o_kanban_renderer",
    ],
    [
        ["sale.sale_menu_root", "sale.menu_sale_report", "crm_extension.crm_pipeline_report_menu"],
        "Pipeline Analysis",
        ".o_pivot",
    ],
    [
        ["sale.sale_menu_root", "sale.menu_sale_report", "crm_extension.crm_pipeline_stage_report_menu"],
        "Stage Analysis",
        ".o_view_controller",
    ],
    [
        ["sale.sale_menu_root", "sale.menu_sale_report", "crm_extension.crm_receivable_report_menu"],
        "Receivables Analysis",
        ".o_view_controller",
    ],
    [
        ["sale.sale_menu_root", "sale.menu_sale_report", "crm_extension.crm_sales_target_report_menu"],
        "Plan vs Actual",
        ".o_pivot",
    ],
    [
        ["sale.sale_menu_root", "sale.menu_sale_report", "crm_extension.crm_activity_report_menu"],
        "Activity Analysis",
        ".o_pivot",
    ],
    [
        ["sale.sale_menu_root", "sale.menu_sale_report", "crm_extension.crm_pipeline_report_menu_requests"],
        "Requests by Source",
        ".o_pivot",
    ],
    [
        ["sale.sale_menu_root", "sale.sale_order_menu", "crm_extension.crm_request_menu"],
        "Requests",
        ".o_list_view",
    ],
    [
        ["contacts.menu_contacts", null, "crm_extension.res_partner_menu_pipeline"],
        "Customer Pipeline",
        ".o_kanban_renderer",
    ],
];
const ACCOUNTING = [
    [
        ["account.menu_finance", "account.menu_finance_receivables", "crm_extension.sale_order_menu_accounting_queue"],
        "Quotations to Invoice",
        ".o_list_view",
    ],
    [
        ["account.menu_finance", null, "account.menu_board_journal_1"],
        "Dashboard",
        ".o_kanban_renderer .o_kanban_record:contains('Quotations to Invoice')",
    ],
    [
        ["account.menu_finance", "account.menu_finance_reports", "crm_extension.crm_receivable_report_menu_account"],
        "Receivables Analysis",
        ".o_view_controller",
    ],
];
const MANAGEMENT = [
    [
        ["sale.sale_menu_root", "sale.sale_order_menu", "crm_extension.crm_sales_target_menu"],
        "Sales Targets",
        ".o_list_view",
    ],
];
const CONFIGURATION = [
    [
        ["sale.sale_menu_root", "sale.menu_sale_config", "crm_extension.crm_pipeline_stage_menu"],
        "Pipeline Stages",
        ".o_list_view",
    ],
    [
        ["sale.sale_menu_root", "sale.menu_sale_config", "crm_extension.crm_pipeline_lost_reason_menu"],
        "Lost Reasons",
        ".o_list_view",
    ],
    [
        ["sale.sale_menu_root", "sale.menu_sale_config", "crm_extension.crm_pipeline_stage_log_menu"],
        "Stage Transitions",
        ".o_list_view",
    ],
];

function visit(screens) {
    return screens.flatMap(([path, title, element]) => [...openMenu(...path), ...screen(title, element)]);
}

registry.category("web_tour.tours").add("crm_extension_menus_salesperson", {
    url: "/odoo",
    steps: () => visit(SALES),
});
registry.category("web_tour.tours").add("crm_extension_menus_manager", {
    url: "/odoo",
    steps: () => visit([...SALES, ...MANAGEMENT]),
});
registry.category("web_tour.tours").add("crm_extension_menus_accountant", {
    url: "/odoo",
    steps: () => visit([...SALES, ...ACCOUNTING]),
});
registry.category("web_tour.tours").add("crm_extension_menus_admin", {
    url: "/odoo",
    steps: () => visit([...SALES, ...CONFIGURATION]),
});

import { registry } from "@web/core/registry";
import { ORDERS_MENU, SALES_APP, openMenu } from "@crm_extension/../tests/tours/crm_tour_steps";

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

/** A screen of the Sales app: its section (null for the top bar) and our menu item. */
const sales = (section, item, title, element) => [
    [SALES_APP, section, `crm_extension.${item}`],
    title,
    element,
];
const REPORTS = "sale.menu_sale_report";
const CONFIG = "sale.menu_sale_config";

const SALES = [
    sales(null, "crm_dashboard_menu", "My Day", ".o_crm_my_day_tiles"),
    sales(ORDERS_MENU, "sale_order_menu_pipeline", "Order Pipeline", ".o_kanban_renderer"),
    sales(ORDERS_MENU, "res_partner_menu_pipeline_sale", "Customer Pipeline", ".o_kanban_renderer"),
    sales(REPORTS, "crm_pipeline_report_menu", "Pipeline Analysis", ".o_pivot"),
    sales(REPORTS, "crm_pipeline_stage_report_menu", "Stage Analysis", ".o_view_controller"),
    sales(REPORTS, "crm_receivable_report_menu", "Receivables Analysis", ".o_view_controller"),
    sales(REPORTS, "crm_sales_target_report_menu", "Plan vs Actual", ".o_pivot"),
    sales(REPORTS, "crm_activity_report_menu", "Activity Analysis", ".o_pivot"),
    sales(REPORTS, "crm_pipeline_report_menu_requests", "Requests by Source", ".o_pivot"),
    sales(ORDERS_MENU, "crm_request_menu", "Requests", ".o_list_view"),
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
const MANAGEMENT = [sales(ORDERS_MENU, "crm_sales_target_menu", "Sales Targets", ".o_list_view")];
const CONFIGURATION = [
    sales(CONFIG, "crm_pipeline_stage_menu", "Pipeline Stages", ".o_list_view"),
    sales(CONFIG, "crm_pipeline_lost_reason_menu", "Lost Reasons", ".o_list_view"),
    sales(CONFIG, "crm_pipeline_stage_log_menu", "Stage Transitions", ".o_list_view"),
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

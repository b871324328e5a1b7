import { stepUtils } from "@web_tour/tour_utils";

/**
 * Steps shared by the tours: every tour starts on the home screen and reaches its screen
 * through the menus, as a user does.
 */

export const SALES_APP = "sale.sale_menu_root";
export const ORDERS_MENU = "sale.sale_order_menu";

/** From the home screen to the menu item ``item``: its app, then its section (a top
 * menu with children, or null for an item of the top bar itself). */
export function openMenu(app, section, item) {
    const steps = [
        stepUtils.showAppsMenuItem(),
        {
            content: `Open the app ${app}`,
            trigger: `.o_app[data-menu-xmlid='${app}']`,
            run: "click",
        },
    ];
    if (section) {
        steps.push({
            content: `Open the menu ${section}`,
            trigger: `.o_menu_sections button[data-menu-xmlid='${section}']`,
            run: "click",
        });
    }
    steps.push({
        content: `Open ${item}`,
        trigger: `[data-menu-xmlid='${item}']`,
        run: "click",
    });
    return steps;
}

/** Sales › Orders › Order Pipeline. */
export function openOrderPipeline() {
    return openMenu(SALES_APP, ORDERS_MENU, "crm_extension.sale_order_menu_pipeline");
}

/** Sales › Orders › Customer Pipeline. */
export function openCustomerPipeline() {
    return openMenu(SALES_APP, ORDERS_MENU, "crm_extension.res_partner_menu_pipeline_sale");
}

/** Sales › My Day. */
export function openMyDay() {
    return openMenu(SALES_APP, null, "crm_extension.crm_dashboard_menu");
}

/** A kanban column by its title. */
export const column = (name) => `.o_kanban_group:has(.o_column_title:contains('${name}'))`;

import { DropdownItem } from "@web/core/dropdown/dropdown_item";
import { registry } from "@web/core/registry";
import { STATIC_ACTIONS_GROUP_NUMBER } from "@web/search/action_menus/action_menus";

import { Component } from "@odoo/owl";

/**
 * "Import Customers" in the cog menu of the Customer Pipeline (the action whose context
 * carries the match keys of the client base import): how rows find existing customers,
 * then Odoo's own import screen.
 */
export class CrmCustomerImport extends Component {
    static template = "crm_extension.CustomerImport";
    static components = { DropdownItem };
    static props = {};

    onSelected() {
        this.env.services.action.doAction("crm_extension.crm_customer_import_wizard_action");
    }
}

export const crmCustomerImportItem = {
    Component: CrmCustomerImport,
    groupNumber: STATIC_ACTIONS_GROUP_NUMBER,
    isDisplayed: (env) =>
        env.searchModel?.resModel === "res.partner" &&
        Array.isArray(env.searchModel.context?.crm_customer_import_keys) &&
        ["kanban", "list"].includes(env.config.viewType),
};

registry.category("cogMenu").add("crm-extension-customer-import", crmCustomerImportItem, {
    sequence: 2,
});

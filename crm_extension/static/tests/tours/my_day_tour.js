import { registry } from "@web/core/registry";
import { openMyDay } from "@crm_extension/../tests/tours/crm_tour_steps";

/**
 * The figures are seeded by tests/test_dashboard_tour.py (TestDashboardTour): "My Day Rep"
 * (the fixture tree's salesperson) has sent three quotations (clients A, B and C) and has
 * one draft; "My Day Rep Two" has sent two; both are in "My Day Team", led by the CRM
 * manager.
 */

const WAITING = ".o_crm_my_day_tile_waiting_customer";

function waitingCount(count) {
    return {
        content: `The quotations waiting for the customer tile shows ${count}`,
        trigger: `${WAITING} .o_crm_my_day_count:text(${count})`,
    };
}

function selectScope(label) {
    return {
        content: `Switch the dashboard to ${label}`,
        trigger: "select.o_crm_my_day_scope",
        async run(helpers) {
            const option = [...this.anchor.options].find((o) => o.textContent.trim() === label);
            if (!option) {
                throw new Error(`No scope named ${label}`);
            }
            await helpers.select(option.value);
        },
    };
}

/** The list shows exactly the quotations of ``clients``, by customer name. */
function listShows(clients) {
    return [
        ...clients.map((client) => ({
            content: `The list shows the quotation of ${client}`,
            trigger: `.o_list_view .o_data_row:contains('${client}')`,
        })),
        {
            content: `The list shows ${clients.length} quotations and no other`,
            trigger: ".o_list_view .o_data_row",
            run() {
                const rows = [...document.querySelectorAll(".o_list_view .o_data_row")];
                const names = rows.map((row) => row.textContent);
                const unexpected = names.filter((text) => !clients.some((c) => text.includes(c)));
                if (rows.length !== clients.length || unexpected.length) {
                    throw new Error(`Unexpected rows: ${names.join(" | ")}`);
                }
            },
        },
    ];
}

function openWaitingTile() {
    return [
        {
            content: "Open the quotations waiting for the customer",
            trigger: WAITING,
            run: "click",
        },
        {
            content: "Its breadcrumb names the tile",
            trigger: ".o_breadcrumb:contains('Quotations waiting for the customer')",
        },
    ];
}

registry.category("web_tour.tours").add("crm_extension_my_day", {
    url: "/odoo",
    steps: () => [
        ...openMyDay(),
        {
            content: "The dashboard shows the open pipeline tile",
            trigger: ".o_crm_my_day_tile_open_pipeline",
        },
        {
            content: "A salesperson has no scope selector",
            trigger: ".o_crm_my_day_header:not(:has(.o_crm_my_day_scope))",
        },
        waitingCount(3),
        ...openWaitingTile(),
        ...listShows(["My Day Client A", "My Day Client B", "My Day Client C"]),
    ],
});

registry.category("web_tour.tours").add("crm_extension_my_day_manager", {
    url: "/odoo",
    steps: () => [
        ...openMyDay(),
        // the leader of "My Day Team" opens on the team
        waitingCount(5),
        selectScope("Me"),
        waitingCount(0),
        selectScope("My Day Rep"),
        waitingCount(3),
        selectScope("My Day Rep Two"),
        waitingCount(2),
        selectScope("Team My Day Team"),
        waitingCount(5),
        ...openWaitingTile(),
        ...listShows([
            "My Day Client A",
            "My Day Client B",
            "My Day Client C",
            "My Day Client of Two",
            "My Day Client of Two Bis",
        ]),
    ],
});

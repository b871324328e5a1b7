import { registry } from "@web/core/registry";
import { column, openOrderPipeline } from "@crm_extension/../tests/tours/crm_tour_steps";

const card = ".o_kanban_record:contains('Appt Tour Glass')";
const dialog = ".modal .o_form_view div[name='appointment'] input";

/** A salesperson drops a deal on a stage that asks for the appointment: discarded, the
 * card stays; given, the card moves. Started from the menu. */
registry.category("web_tour.tours").add("crm_extension_pipeline_appointment", {
    steps: () => [
        ...openOrderPipeline(),
        {
            content: "The deal starts in the first column",
            trigger: `${column("Appt Tour New")} ${card}`,
        },
        {
            content: "Drag the deal to the appointment column",
            trigger: card,
            run: `drag_and_drop (${column("Appt Tour Measure")})`,
        },
        {
            content: "The appointment dialog opens at once, no warning before it",
            trigger: dialog,
            run() {
                if (document.querySelector(".o_error_dialog, .modal .o_dialog_warning")) {
                    throw new Error("A warning dialog came before the appointment");
                }
            },
        },
        {
            content: "Discard it",
            trigger: ".modal .modal-footer button.btn-secondary",
            run: "click",
        },
        {
            content: "The card stays where it was",
            trigger: `body:not(:has(.modal)) ${column("Appt Tour New")} ${card}`,
        },
        {
            content: "and is not in the appointment column",
            trigger: `${column("Appt Tour Measure")}:not(:has(${card}))`,
        },
        {
            content: "Drag the deal to the appointment column again",
            trigger: card,
            run: `drag_and_drop (${column("Appt Tour Measure")})`,
        },
        {
            content: "Give the date and time",
            trigger: dialog,
            run: "edit 12/10/2035 10:00:00 && press Enter",
        },
        {
            content: "Add a note",
            trigger: ".modal div[name='note'] textarea",
            run: "edit Ring at the back door",
        },
        {
            content: "Confirm",
            trigger: ".modal button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The board shows the deal in the appointment column without a reload",
            trigger: `body:not(:has(.modal)) ${column("Appt Tour Measure")} ${card}`,
        },
        {
            content: "and no longer in the first one",
            trigger: `${column("Appt Tour New")}:not(:has(${card}))`,
        },
        {
            content: "Open the deal",
            trigger: `${column("Appt Tour Measure")} ${card} .fw-bold`,
            run: "click",
        },
        {
            content: "The form shows the appointment and offers to change it",
            trigger: ".o_form_view div[name='pipeline_appointment']:contains('2035')",
        },
        {
            content: "The button is Change Appointment, not Set Appointment",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_set_appointment']:contains('Change Appointment')",
        },
    ],
});

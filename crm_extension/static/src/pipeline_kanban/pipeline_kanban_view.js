import { onWillStart } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { RottingKanbanRenderer } from "@mail/js/rotting_mixin/rotting_kanban_renderer";
import { rottingKanbanView } from "@mail/js/rotting_mixin/rotting_kanban_view";
import { KanbanHeader } from "@web/views/kanban/kanban_header";

/**
 * A new card of the pipeline boards is a request (a call, a walk-in): it starts in the
 * first column, so only that column offers the quick create.
 */
export class CrmPipelineKanbanHeader extends KanbanHeader {
    canQuickCreate() {
        return super.canQuickCreate() && this.props.list.groups[0]?.id === this.props.group.id;
    }
}

/**
 * The pipeline boards: dropping a card on a lost stage asks for the lost reason at once
 * (the dialog of "Mark as Lost"), on a stage that asks for an appointment for its date and
 * time (the appointment dialog), and the board shows the card in that stage as soon as
 * the dialog is confirmed (discarded: the card stays where it was); dropping it anywhere
 * else moves it as usual.
 */
export class CrmPipelineKanbanRenderer extends RottingKanbanRenderer {
    static components = { ...RottingKanbanRenderer.components, KanbanHeader: CrmPipelineKanbanHeader };

    setup() {
        super.setup();
        this.action = useService("action");
        this.orm = useService("orm");
        this.lostStageIds = new Set();
        this.appointmentStageIds = new Set();
        onWillStart(async () => {
            const stages = await this.orm.searchRead(
                "crm.pipeline.stage",
                ["|", ["is_lost", "=", true], ["appointment_required", "=", true]],
                ["is_lost", "appointment_required"]
            );
            this.lostStageIds = new Set(stages.filter((s) => s.is_lost).map((s) => s.id));
            this.appointmentStageIds = new Set(
                stages.filter((s) => !s.is_lost && s.appointment_required).map((s) => s.id)
            );
        });
    }

    /** The dialog a drop on ``stageId`` opens before the move, if any. */
    getDropDialog(stageId) {
        if (this.lostStageIds.has(stageId)) {
            return { name: _t("Lost Reason"), res_model: "crm.pipeline.lost.wizard" };
        }
        if (this.appointmentStageIds.has(stageId)) {
            return { name: _t("Appointment"), res_model: "crm.pipeline.appointment.wizard" };
        }
        return null;
    }

    async sortRecordDrop(dataRecordId, dataGroupId, params) {
        const list = this.props.list;
        const target = list.isGrouped && list.groups.find((g) => g.id === params.parent?.dataset.id);
        const dialog = target && target.id !== dataGroupId && this.getDropDialog(target.serverValue);
        if (!dialog) {
            return super.sortRecordDrop(dataRecordId, dataGroupId, params);
        }
        const source = list.groups.find((g) => g.id === dataGroupId);
        const record = source?.list.records.find((r) => r.id === dataRecordId);
        if (!record) {
            return;
        }
        await this.action.doAction(
            {
                type: "ir.actions.act_window",
                ...dialog,
                views: [[false, "form"]],
                target: "new",
                context: {
                    default_res_model: list.resModel,
                    default_res_ids: [record.resId],
                    default_stage_id: target.serverValue,
                },
            },
            { onClose: () => list.model.load() }
        );
    }
}

export const crmPipelineKanbanView = {
    ...rottingKanbanView,
    Renderer: CrmPipelineKanbanRenderer,
};

registry.category("views").add("crm_pipeline_kanban", crmPipelineKanbanView);

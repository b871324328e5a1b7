import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";
import { Layout } from "@web/search/layout";
import { standardActionServiceProps } from "@web/webclient/actions/action_service";

/**
 * "My day": one tile per figure of the salesperson's day; each opens its list.
 * Managers can switch to another salesperson or a team.
 */
export class MyDay extends Component {
    static template = "crm_extension.MyDay";
    static components = { Layout };
    static props = { ...standardActionServiceProps };

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ tiles: [], scopes: [], scopeKey: "me" });
        this.display = { controlPanel: { layoutActions: true } };
        onWillStart(async () => {
            this.state.scopes = await this.orm.call("crm.dashboard", "get_scopes", []);
            this.state.scopeKey = this.state.scopes.find((s) => s.default)?.key || "me";
            await this.loadTiles();
        });
    }

    get currentScope() {
        return this.state.scopes.find((s) => s.key === this.state.scopeKey) || {};
    }

    async loadTiles() {
        const { user_id, team_id } = this.currentScope;
        this.state.tiles = await this.orm.call("crm.dashboard", "get_tiles", [], {
            user_id: user_id || false,
            team_id: team_id || false,
        });
    }

    async onScopeChange(ev) {
        this.state.scopeKey = ev.target.value;
        await this.loadTiles();
    }

    openTile(tile) {
        this.action.doAction({
            type: "ir.actions.act_window",
            name: tile.label,
            res_model: tile.res_model,
            domain: tile.domain,
            views: tile.views || tile.view_mode.split(",").map((mode) => [false, mode]),
            target: "current",
        });
    }

    async exportXlsx() {
        const { user_id, team_id } = this.currentScope;
        const action = await this.orm.call("crm.dashboard", "action_export_xlsx", [], {
            user_id: user_id || false,
            team_id: team_id || false,
        });
        await this.action.doAction(action);
    }

    get exportLabel() {
        return _t("Export to Excel");
    }
}

registry.category("actions").add("crm_extension.my_day", MyDay);

import math
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_amount


class CrmDashboard(models.AbstractModel):
    """Figures of the "My day" dashboard, per user or per team.

    Each tile is one ``search_count`` or ``_read_group`` run as the current user (the
    record rules decide what is counted), so the dashboard costs a fixed number of
    queries whatever the number of records. Each tile has its method,
    ``_get_tile_<key>(users)``, listed in order by ``_get_tile_keys``: another module
    adds a tile by extending both.
    """

    _name = "crm.dashboard"
    _description = "My Day Dashboard"

    # ---------------------------------------------------------------- tiles
    @api.model
    def get_tiles(self, user_id=None, team_id=None):
        """The tiles of the dashboard: label, figures and the window action it opens."""
        users = self._get_scope_users(user_id, team_id)
        tiles = (getattr(self, f"_get_tile_{key}")(users) for key in self._get_tile_keys())
        return [tile for tile in tiles if tile]

    @api.model
    def _get_tile_keys(self):
        """The tiles in display order; ``_get_tile_<key>(users)`` gives each (or None
        when the user may not see it)."""
        return [
            "requests_waiting",
            "new_contacts",
            "new_customers",
            "open_pipeline",
            "waiting_customer",
            "waiting_accounting",
            "rejected",
            "activities_today",
            "activities_overdue",
            "activities_sla_breached",
            "customers_overdue",
            "due_this_week",
        ]

    @api.model
    def _prepare_tile_vals(
        self, key, label, model, domain, amount=None, danger=False, view_mode=None, views=None
    ):
        """A tile counting the records of ``model`` in ``domain`` as the user, and the
        list of them it opens."""
        return {
            "key": key,
            "label": label,
            "count": self.env[model].search_count(domain),
            "amount": amount,
            "amount_display": amount is not None
            and format_amount(self.env, amount, self.env.company.currency_id),
            "danger": danger,
            "res_model": model,
            "domain": domain,
            "view_mode": view_mode or "list,form",
            # [[view id or False, type]] when the tile has views of its own
            "views": views,
            # a line under the count (e.g. the time left), set by the tile's method
            "hint": False,
        }

    @api.model
    def _get_week_start(self):
        today = fields.Date.context_today(self)
        return today - timedelta(days=today.weekday())

    @api.model
    def _may_see_receivables(self):
        """Receivables only for who may see the customer card's figures: the
        receivables analysis has the card's numbers and visibility."""
        return self.env["crm.receivable.report"].has_access("read")

    @api.model
    def _get_tile_requests_waiting(self, users):
        """Requests whose deal still waits for its first call, and the time left to
        the soonest call back (the exact due time of the stage's entry activity)."""
        if not self.env["crm.request"].has_access("read"):
            return None
        domain = [("user_id", "in", users.ids), ("state", "=", "new")]
        tile = self._prepare_tile_vals(
            "requests_waiting",
            self.env._("New requests waiting for a first call"),
            "crm.request",
            domain,
        )
        calls = [
            ("res_model", "=", "sale.order"),
            ("res_id", "in", self.env["crm.request"].search(domain).order_id.ids),
            ("crm_stage_current", "=", True),
            ("crm_deadline", "!=", False),
        ]
        now = fields.Datetime.now()
        late_domain = [*calls, ("crm_deadline", "<", fields.Datetime.to_string(now))]
        late = self.env["mail.activity"].search_count(late_domain)
        [(soonest,)] = self.env["mail.activity"]._read_group(calls, [], ["crm_deadline:min"])
        if late:
            tile["danger"] = True
            tile["hint"] = self.env._("%(count)s past the call-back time", count=late)
        elif soonest:
            minutes = max(1, math.ceil((soonest - now).total_seconds() / 60))
            hours, minutes = divmod(minutes, 60)
            left = (
                self.env._("%(hours)s h %(minutes)s min", hours=hours, minutes=f"{minutes:02d}")
                if hours
                else self.env._("%(minutes)s min", minutes=minutes)
            )
            tile["hint"] = self.env._("Next call back within %(time)s", time=left)
        return tile

    @api.model
    def _get_tile_new_contacts(self, users):
        week_start = fields.Datetime.to_datetime(self._get_week_start())
        domain = [("user_id", "in", users.ids), ("create_date", ">=", week_start)]
        return self._prepare_tile_vals(
            "new_contacts",
            self.env._("New contacts this week"),
            "res.partner",
            domain,
        )

    @api.model
    def _get_tile_new_customers(self, users):
        week_start = fields.Datetime.to_datetime(self._get_week_start())
        domain = [
            ("user_id", "in", users.ids),
            ("create_date", ">=", week_start),
            ("customer_rank", ">", 0),
        ]
        return self._prepare_tile_vals(
            "new_customers", self.env._("New customers this week"), "res.partner", domain
        )

    @api.model
    def _get_tile_open_pipeline(self, users):
        open_domain = [
            ("user_id", "in", users.ids),
            ("state", "!=", "cancel"),
            ("pipeline_stage_id.is_won", "=", False),
            ("pipeline_stage_id.is_lost", "=", False),
        ]
        # the pipeline analysis' own weighted amount (company currency, stage probability)
        [(weighted,)] = self.env["crm.pipeline.report"]._read_group(
            [("order_id", "in", self.env["sale.order"]._search(open_domain))],
            [],
            ["weighted_amount:sum"],
        )
        return self._prepare_tile_vals(
            "open_pipeline",
            self.env._("My open pipeline"),
            "sale.order",
            open_domain,
            amount=weighted or 0.0,
            view_mode="kanban,list,form",
        )

    @api.model
    def _get_tile_waiting_customer(self, users):
        domain = [("user_id", "in", users.ids), ("state", "=", "sent")]
        return self._prepare_tile_vals(
            "waiting_customer",
            self.env._("Quotations waiting for the customer"),
            "sale.order",
            domain,
        )

    @api.model
    def _get_tile_waiting_accounting(self, users):
        # a draft invoice waits for accounting too (to be posted)
        domain = [("user_id", "in", users.ids), ("accounting_state", "in", ("requested", "draft"))]
        return self._prepare_tile_vals(
            "waiting_accounting",
            self.env._("Quotations waiting for accounting"),
            "sale.order",
            domain,
        )

    @api.model
    def _get_tile_rejected(self, users):
        domain = [("user_id", "in", users.ids), ("accounting_state", "=", "rejected")]
        return self._prepare_tile_vals(
            "rejected",
            self.env._("Quotations rejected by accounting"),
            "sale.order",
            domain,
            danger=True,
        )

    @api.model
    def _get_tile_activities_today(self, users):
        today = fields.Date.context_today(self)
        domain = [("user_id", "in", users.ids), ("date_deadline", "=", today)]
        return self._prepare_tile_vals(
            "activities_today",
            self.env._("Activities due today"),
            "mail.activity",
            domain,
        )

    @api.model
    def _get_tile_activities_overdue(self, users):
        # Odoo's overdue: due before today, in the user's timezone
        today = fields.Date.context_today(self)
        domain = [("user_id", "in", users.ids), ("date_deadline", "<", today)]
        return self._prepare_tile_vals(
            "activities_overdue",
            self.env._("Overdue activities"),
            "mail.activity",
            domain,
            danger=True,
        )

    @api.model
    def _get_tile_activities_sla_breached(self, users):
        # stage-entry activities past their exact due time (possibly today), on records
        # still in the stage that scheduled them; the moment is fixed in the domain, so
        # that the list shows what was counted
        sla_domain = [
            ("user_id", "in", users.ids),
            ("crm_deadline", "<", fields.Datetime.to_string(fields.Datetime.now())),
            ("crm_stage_current", "=", True),
        ]
        return self._prepare_tile_vals(
            "activities_sla_breached",
            self.env._("Stage SLAs breached"),
            "mail.activity",
            sla_domain,
            danger=True,
            views=[
                [self.env.ref("crm_extension.mail_activity_view_list_stage_sla").id, "list"],
                [False, "form"],
            ],
        )

    @api.model
    def _get_tile_customers_overdue(self, users):
        if not self._may_see_receivables():
            return None
        # the card's overdue amount is the sum over its companies' rows
        late_customers = [
            partner.id
            for (partner,) in self.env["crm.receivable.report"]._read_group(
                [("user_id", "in", users.ids)],
                ["partner_id"],
                having=[("overdue_amount:sum", ">", 0)],
            )
        ]
        domain = [("id", "in", late_customers)]
        return self._prepare_tile_vals(
            "customers_overdue",
            self.env._("My customers with overdue invoices"),
            "res.partner",
            domain,
            danger=True,
        )

    @api.model
    def _get_tile_due_this_week(self, users):
        if not self._may_see_receivables():
            return None
        today = fields.Date.context_today(self)
        # domains are built before the calls: the translation extractor takes the
        # strings that follow a _() in the same call for messages
        due_domain = [
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("commercial_partner_id.user_id", "in", users.ids),
            ("invoice_date_due", ">=", today),
            ("invoice_date_due", "<=", self._get_week_start() + timedelta(days=6)),
            # the companies of the card's figures, not every active one
            ("company_id", "in", self.env["crm.customer.figures"]._get_companies().ids),
        ]
        return self._prepare_tile_vals(
            "due_this_week",
            self.env._("Invoices falling due this week"),
            "account.move",
            due_domain,
        )

    # ---------------------------------------------------------------- actions
    @api.model
    def action_export_xlsx(self, user_id=None, team_id=None):
        """The download of the Pipeline Analysis workbook of the orders of the
        dashboard's scope, with the receivables of its customers."""
        # refuse now, not in the download (the report checks the scope again)
        self._get_scope_users(user_id, team_id)
        data = {"user_id": user_id or False, "team_id": team_id or False}
        return self.env.ref("crm_extension.crm_dashboard_xlsx").report_action(
            None, data=data, config=False
        )

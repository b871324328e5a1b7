from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CrmPipelineStage(models.Model):
    _name = "crm.pipeline.stage"
    _description = "Pipeline Stage"
    _order = "scope, sequence, id"

    _probability_range = models.Constraint(
        "CHECK(probability >= 0 AND probability <= 100)",
        "The probability of a stage must be between 0 and 100.",
    )
    _won_or_lost = models.Constraint(
        "CHECK(NOT (is_won AND is_lost))",
        "A stage cannot be won and lost at the same time.",
    )

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    scope = fields.Selection(
        [("partner", "Customer lifecycle"), ("order", "Sale order pipeline")],
        required=True,
        default="order",
        help="Customer lifecycle stages apply to customers, "
        "sale order pipeline stages to quotations and orders.",
    )
    fold = fields.Boolean(
        string="Folded in Pipeline",
        help="This stage is folded in the kanban view when there are no records in it.",
    )
    active = fields.Boolean(default=True)
    is_won = fields.Boolean(string="Won Stage")
    is_lost = fields.Boolean(
        string="Lost Stage",
        help="Moving a record into this stage asks for a lost reason.",
    )
    probability = fields.Float(
        aggregator=None,
        help="Chance of closing the deal in this stage (0-100), used for the weighted pipeline.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Leave empty to share the stage between all companies.",
    )
    description = fields.Text(translate=True)
    trigger = fields.Selection(
        [
            ("sent", "Quotation sent"),
            ("confirmed", "Order confirmed"),
            ("invoiced", "Order fully invoiced"),
            ("paid", "Invoices paid"),
            ("cancelled", "Order cancelled"),
        ],
        string="Automatic Trigger",
        help="When this event happens on an order, the order moves into this stage by "
        "itself. Events never move an order back from a later stage, except cancellation.",
    )
    customer_trigger = fields.Selection(
        [
            ("first_sent", "First quotation sent"),
            ("first_confirmed", "First order confirmed"),
            ("all_lost", "All open deals lost, none won"),
        ],
        help="When this becomes true of a customer's orders, the customer moves into this "
        "stage by itself. Never back to an earlier stage: a lost customer comes back with a "
        "new quotation or order, and the lost trigger leaves customers in a won stage alone.",
    )
    activity_line_ids = fields.One2many(
        "crm.pipeline.stage.activity",
        "stage_id",
        string="Activities on Entry",
        copy=True,
        help="Entering this stage schedules each of these activities, each for its assignee.",
    )
    crm_send_to_accounting = fields.Boolean(
        string="Send to Accounting on Entry",
        help="Orders entering this stage are sent to accounting for invoicing.",
    )
    rotting_threshold_days = fields.Integer(
        string="Days to Rot",
        help="Records staying longer than this in the stage are shown as rotting (0 = never).",
    )

    @api.constrains("scope", "trigger")
    def _check_order_only_fields(self):
        for stage in self.filtered(lambda s: s.scope == "partner"):
            if stage.trigger:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s is a customer stage: only sale order stages "
                        "can have an automatic trigger.",
                        stage=stage.name,
                    )
                )

    @api.constrains("scope", "customer_trigger")
    def _check_customer_only_fields(self):
        for stage in self.filtered(lambda s: s.scope == "order"):
            if stage.customer_trigger:
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s is a sale order stage: only customer stages "
                        "can have a customer trigger.",
                        stage=stage.name,
                    )
                )

    @api.constrains("scope", "company_id")
    def _check_scope_not_changed_in_use(self):
        for stage in self:
            other = "sale.order" if stage.scope == "partner" else "res.partner"
            # sudo: the check must see records the current user cannot read; only
            # whether one exists is asked
            if (
                self.env[other]
                .sudo()
                .with_context(active_test=False)
                .search_count([("pipeline_stage_id", "=", stage.id)], limit=1)
            ):
                raise ValidationError(
                    self.env._(
                        "Stage %(stage)s is used by records of another kind: "
                        "its scope cannot change.",
                        stage=stage.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_used(self):
        for model in ("res.partner", "sale.order"):
            # sudo: the check must see records the current user cannot read
            used = (
                self.env[model]
                .sudo()
                .with_context(active_test=False)
                ._read_group([("pipeline_stage_id", "in", self.ids)], ["pipeline_stage_id"])
            )
            if used:
                raise UserError(
                    self.env._(
                        "Stage %(stages)s is still used by records: archive it instead "
                        "of deleting it.",
                        stages=", ".join(stage.name for (stage,) in used),
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_automation(self):
        """The generic "delete this record?" dialog says nothing of what a stage does:
        stages that move records, schedule activities or mean won/lost are archived,
        or stripped of that meaning first by someone who knows what it does."""
        meaningful = self.filtered(
            lambda s: s.trigger
            or s.customer_trigger
            or s.is_won
            or s.is_lost
            or s.activity_line_ids
            or s.crm_send_to_accounting
        )
        if meaningful:
            raise UserError(
                self.env._(
                    "Stage %(stages)s carries automation or the won/lost meaning of the "
                    "pipeline (automatic trigger, activity on entry, sending to accounting, "
                    "won or lost): archive it instead, so that reports and history keep it. "
                    "To really delete it, first clear those settings on the stage.",
                    stages=", ".join(meaningful.mapped("name")),
                )
            )

    @api.model
    def _first_stage(self, scope, company):
        """The stage a new record of ``scope`` starts in for ``company``."""
        domain = [
            ("scope", "=", scope),
            ("is_won", "=", False),
            ("is_lost", "=", False),
            ("company_id", "in", [company.id, False]),
        ]
        if scope == "order":
            domain.append(("trigger", "=", False))
        else:
            domain.append(("customer_trigger", "=", False))
        return self.search(domain, limit=1)

from odoo import api, models
from odoo.tools import SQL

# the customer triggers, in the order a customer's orders take it through them
CUSTOMER_TRIGGERS = ("first_sent", "first_confirmed", "all_lost")


class ResPartner(models.Model):
    """The customer lifecycle that follows the facts: a customer stage with a
    ``customer_trigger`` is entered by itself when the customer's orders make it true.

    Sale orders call :meth:`_apply_customer_trigger` on their events; the upgrade and the
    installation call :meth:`_crm_place_customers_by_facts`. Both move through the
    pipeline mixin (``_crm_move_to_stage`` / ``_crm_enter_stage_silently``), never back to
    an earlier stage: a customer in a lost stage comes back with a new quotation or order
    (not on an upgrade), and the lost trigger leaves a customer in a won stage alone."""

    # one concern of res.partner per file (house style), not one class for all
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    # ---------------------------------------------------------------- facts
    @api.model
    def _crm_customer_facts_sql(self, partner_ids=None):
        """One query: ``(commercial partner id, first_sent, first_confirmed, all_lost)``
        of the customers with orders, from all their orders (those of their contacts
        included), whoever may read them: the stage follows the facts, not the reader.
        Limited to the commercial partners ``partner_ids`` when given.

        - first_sent: a quotation was sent or an order confirmed;
        - first_confirmed: an order is confirmed;
        - all_lost: every order is cancelled or in a lost stage, and none is confirmed or
          in a won stage.
        """
        members = (
            SQL("TRUE")
            if partner_ids is None
            else SQL("p.commercial_partner_id = ANY(%s)", list(partner_ids))
        )
        return SQL(
            """
            SELECT p.commercial_partner_id,
                   BOOL_OR(so.state IN ('sent', 'sale')),
                   BOOL_OR(so.state = 'sale'),
                   BOOL_AND(so.state = 'cancel' OR COALESCE(st.is_lost, FALSE))
                       AND NOT BOOL_OR(so.state = 'sale' OR COALESCE(st.is_won, FALSE))
              FROM sale_order so
              JOIN res_partner p ON p.id = so.partner_id
              LEFT JOIN crm_pipeline_stage st ON st.id = so.pipeline_stage_id
             WHERE %s
             GROUP BY p.commercial_partner_id
            """,
            members,
        )

    @api.model
    def _crm_customer_facts(self, partner_ids=None):
        """{commercial partner id: {trigger: whether it holds}} (see
        :meth:`_crm_customer_facts_sql`); customers without orders are left out."""
        self.env["sale.order"].flush_model(["partner_id", "state", "pipeline_stage_id"])
        self.flush_model(["commercial_partner_id"])
        self.env["crm.pipeline.stage"].flush_model(["is_won", "is_lost"])
        rows = self.env.execute_query(self._crm_customer_facts_sql(partner_ids))
        return {pid: dict(zip(CUSTOMER_TRIGGERS, facts, strict=True)) for pid, *facts in rows}

    # ---------------------------------------------------------------- rules
    def _crm_stage_condition_error(self, stage):
        # a customer stage that follows a fact is entered by hand only once it is true,
        # as an order stage with a trigger (a lost stage is always open with a reason)
        error = super()._crm_stage_condition_error(stage)
        if error or not stage.customer_trigger:
            return error
        if self._crm_customer_facts(self.ids).get(self.id, {}).get(stage.customer_trigger):
            return False
        return self.env._(
            "%(customer)s cannot move to stage %(stage)s by hand: that stage means "
            "“%(reason)s”, which is not true of this customer's orders yet.",
            customer=self.display_name,
            stage=stage.name,
            reason=self._crm_customer_trigger_label(stage.customer_trigger),
        )

    def _crm_customer_trigger_label(self, trigger):
        Stage = self.env["crm.pipeline.stage"]
        return dict(Stage._fields["customer_trigger"]._description_selection(self.env))[trigger]

    def _crm_may_follow_trigger(self, target, trigger, revive):
        """Whether ``self`` moves into ``target`` when ``trigger`` holds: forward only (by
        stage sequence); the lost trigger from any stage but a won or lost one; out of a
        lost stage only when ``revive`` (a new quotation or order, not an upgrade)."""
        self.ensure_one()
        current = self.pipeline_stage_id
        if current == target:
            return False
        if not current:
            return True
        if trigger == "all_lost":
            return not current.is_won and not current.is_lost
        if current.is_lost:
            return revive
        return (current.sequence, current.id) < (target.sequence, target.id)

    # ---------------------------------------------------------------- moves
    def _crm_follow_customer_facts(self, triggers, facts, silent=False):
        """Move the customers of ``self`` into the stage of each of ``triggers`` (in
        their order) that ``facts`` (:meth:`_crm_customer_facts`) say holds for them."""
        # sudo: the stage a trigger names is the configuration's, found whatever the
        # user's companies; the move checks the record's company (_check_pipeline_stage)
        Stage = self.env["crm.pipeline.stage"].sudo()
        for trigger in triggers:
            holding = self.filtered(lambda p, trigger=trigger: facts.get(p.id, {}).get(trigger))
            for company, customers in holding.grouped("company_id").items():
                target = Stage.search(
                    [
                        ("scope", "=", "partner"),
                        ("customer_trigger", "=", trigger),
                        ("company_id", "in", [(company or self.env.company).id, False]),
                    ],
                    limit=1,
                )
                if not target:
                    continue
                to_move = customers.filtered(
                    lambda p, target=target, trigger=trigger: p._crm_may_follow_trigger(
                        target, trigger, revive=not silent
                    )
                )
                if silent:
                    to_move._crm_enter_stage_silently(target)
                else:
                    # in the env of whoever caused the event: the move is the pipeline's
                    # own (sudo, logged as automatic), its entry actions checked with
                    # that user's rights
                    to_move._crm_move_to_stage(target, self._crm_customer_trigger_label(trigger))

    def _apply_customer_trigger(self, trigger):
        """Move the customers of the partners ``self`` (their commercial partners) whose
        orders now make ``trigger`` (a ``customer_trigger`` of the customer stages) true
        into the customer stage with that trigger, as a move of the pipeline (tracked,
        logged, with the stage's entry activity) by the current user.

        A public hook of the partner model for sale orders, which call it on their
        events (sent, confirmed, cancelled, moved to a lost stage); extend with
        ``super()``. One query for the facts of all of them, whatever their orders."""
        customers = self.commercial_partner_id._crm_pipeline_records()
        if not customers or trigger not in CUSTOMER_TRIGGERS:
            return
        customers._crm_follow_customer_facts([trigger], self._crm_customer_facts(customers.ids))

    @api.model
    def _crm_place_customers_by_facts(self):
        """Put every customer with orders into the furthest customer stage their orders
        give, silently (upgrade, installation: no log, activity or note dating from
        then) and never backwards nor out of a lost stage. Set-based: one query for the
        facts, one search and one write per trigger and company."""
        facts = self._crm_customer_facts()
        # archived customers too (browse does not filter), into active stages only
        customers = self.browse(list(facts))._crm_pipeline_records()
        customers._crm_follow_customer_facts(CUSTOMER_TRIGGERS, facts, silent=True)

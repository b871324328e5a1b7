from odoo import fields, models
from odoo.tools import SQL

from ..const import CUSTOMER_CLASSES


class CrmPipelineStageReport(models.Model):
    """One row per entry of a sale order into a pipeline stage, from the transition log.

    ``days_in_stage`` is the time spent in the entered stage (the ``duration_hours`` of
    the next transition of the order; NULL while the order is still there).
    ``conversion_rate`` is 100 when the order next moved forward to a stage that is not
    lost, 0 when it moved to a lost stage or backwards, NULL while it is still there:
    its average per stage is the stage-to-stage conversion.
    """

    _name = "crm.pipeline.stage.report"
    _description = "Pipeline Stage Analysis"
    _auto = False
    _order = "date desc, id desc"

    date = fields.Datetime(string="Entered On", readonly=True)
    order_id = fields.Many2one("sale.order", readonly=True)
    stage_id = fields.Many2one("crm.pipeline.stage", readonly=True)
    next_stage_id = fields.Many2one("crm.pipeline.stage", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    # shown where the customer card shows it: the column depends on the user
    customer_class = fields.Selection(CUSTOMER_CLASSES, readonly=True, depends_context=("uid",))
    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    source_id = fields.Many2one("utm.source", readonly=True)
    medium_id = fields.Many2one("utm.medium", readonly=True)
    campaign_id = fields.Many2one("utm.campaign", readonly=True)
    nbr_entries = fields.Integer(string="Entries", readonly=True)
    nbr_advanced = fields.Integer(string="Moved Forward", readonly=True)
    days_in_stage = fields.Float(string="Days in Stage", aggregator="avg", readonly=True)
    conversion_rate = fields.Float(string="Stage Conversion (%)", aggregator="avg", readonly=True)

    @property
    def _table_query(self):
        return SQL(
            """
            WITH entry AS (
                SELECT log.id, log.date, log.res_id, log.stage_to_id,
                       LEAD(log.stage_to_id) OVER w AS next_stage_id,
                       LEAD(log.duration_hours) OVER w AS next_duration_hours
                  FROM crm_pipeline_stage_log log
                 WHERE log.res_model = 'sale.order'
                WINDOW w AS (PARTITION BY log.res_id ORDER BY log.date, log.id)
            )
            SELECT entry.id AS id,
                   entry.date AS date,
                   entry.res_id AS order_id,
                   entry.stage_to_id AS stage_id,
                   entry.next_stage_id AS next_stage_id,
                   p.commercial_partner_id AS partner_id,
                   %(customer_class)s AS customer_class,
                   s.company_id AS company_id,
                   s.user_id AS user_id,
                   s.team_id AS team_id,
                   s.source_id AS source_id,
                   s.medium_id AS medium_id,
                   s.campaign_id AS campaign_id,
                   1 AS nbr_entries,
                   CASE WHEN nst.id IS NOT NULL AND nst.is_lost IS NOT TRUE
                             AND (nst.sequence, nst.id) > (st.sequence, st.id)
                        THEN 1 ELSE 0 END AS nbr_advanced,
                   entry.next_duration_hours / 24.0 AS days_in_stage,
                   CASE WHEN nst.id IS NULL THEN NULL
                        WHEN nst.is_lost IS NOT TRUE
                             AND (nst.sequence, nst.id) > (st.sequence, st.id)
                        THEN 100.0 ELSE 0.0 END AS conversion_rate
              FROM entry
              JOIN sale_order s ON s.id = entry.res_id
              JOIN res_partner p ON p.id = s.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
              JOIN crm_pipeline_stage st ON st.id = entry.stage_to_id
              LEFT JOIN crm_pipeline_stage nst ON nst.id = entry.next_stage_id
            """,
            # the class in the order's company, where the customer card shows it
            customer_class=self.env["crm.customer.figures"]._get_customer_class_sql(
                "cp", SQL("s.company_id")
            ),
        )

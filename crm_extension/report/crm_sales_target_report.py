from odoo import fields, models
from odoo.tools import SQL


class CrmSalesTargetReport(models.Model):
    """Plan against actual: one row per won deal (its revenue) and one row per monthly
    target (its amount), so that a pivot by salesperson, team and month shows the
    Revenue and the Target side by side.

    A model of its own rather than target rows in the Pipeline Analysis: every measure,
    count, filter and list row of the Pipeline Analysis stays the orders' own. The
    revenue rows are the Pipeline Analysis' own query (``crm.pipeline.report``, its won
    rows), so the revenue is exactly its ``revenue`` measure; a deal's month is the
    month it was won (``date_closed``) in the user's timezone, as for the target's
    actual (``crm.sales.target.actual_amount``). The rules are those of the Pipeline
    Analysis for deals and those of the targets for targets
    (security/crm_extension_rules.xml).
    """

    _name = "crm.sales.target.report"
    _description = "Plan vs Actual"
    _auto = False
    _order = "month desc, id"
    _depends = {
        "crm.sales.target": ["month", "user_id", "team_id", "amount", "company_id"],
    }

    month = fields.Date(readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    order_id = fields.Many2one("sale.order", string="Won Order", readonly=True)
    target_id = fields.Many2one("crm.sales.target", string="Sales Target", readonly=True)
    is_target = fields.Boolean(readonly=True)
    nbr_won = fields.Integer(string="Won", readonly=True)
    revenue = fields.Monetary(
        readonly=True, help="Untaxed amount of won orders, in company currency."
    )
    target = fields.Monetary(readonly=True, help="Monthly revenue target, in company currency.")
    target_kind = fields.Selection(
        [
            ("user", "Salesperson"),
            ("user_team", "Salesperson in a Team"),
            ("team", "Sales Team"),
        ],
        string="Kind of Target",
        readonly=True,
        help="Targets of different kinds overlap: a salesperson's target counts his deals "
        "in every team, a team's target the deals of all its members. Group by kind to "
        "add up targets of one kind.",
    )

    @property
    def _table_query(self):
        tz = self.env.tz.zone
        return SQL(
            """
            SELECT pr.id * 2 AS id,
                   date_trunc('month', timezone(%(tz)s, timezone('UTC', pr.date_closed)))::date
                       AS month,
                   pr.user_id AS user_id,
                   pr.team_id AS team_id,
                   pr.company_id AS company_id,
                   pr.currency_id AS currency_id,
                   pr.order_id AS order_id,
                   NULL::integer AS target_id,
                   FALSE AS is_target,
                   1 AS nbr_won,
                   pr.revenue AS revenue,
                   0 AS target,
                   NULL AS target_kind
              FROM (%(pipeline)s) pr
             WHERE pr.nbr_won = 1
            UNION ALL
            SELECT t.id * 2 + 1 AS id,
                   t.month AS month,
                   t.user_id AS user_id,
                   t.team_id AS team_id,
                   t.company_id AS company_id,
                   company.currency_id AS currency_id,
                   NULL::integer AS order_id,
                   t.id AS target_id,
                   TRUE AS is_target,
                   0 AS nbr_won,
                   0 AS revenue,
                   t.amount AS target,
                   CASE WHEN t.user_id IS NULL THEN 'team'
                        WHEN t.team_id IS NULL THEN 'user'
                        ELSE 'user_team' END AS target_kind
              FROM crm_sales_target t
              JOIN res_company company ON company.id = t.company_id
            """,
            tz=tz,
            pipeline=self.env["crm.pipeline.report"]._table_query,
        )

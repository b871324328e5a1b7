from odoo import api, fields, models
from odoo.tools import SQL

from ..const import CUSTOMER_CLASSES


class CrmReceivableReport(models.Model):
    """Open receivables per customer and company, aged like the customer card.

    A SQL view (like ``sale.report`` and ``account.invoice.report``) rather than a model
    of computed rows: list, pivot, grouping and totals then come from the ORM's
    ``_read_group`` in one query, and record rules filter rows like on any model. Its
    query is the card's own (``crm.customer.figures._get_receivable_lines_sql`` with
    ``_get_receivable_columns``), so both show the same numbers: the view only adds
    a per-company grouping and the customer's salesperson and class. ``_table_query`` is
    evaluated per query, so the ages count from the user's today and the lines are
    those of the card's companies (the active companies of the current company's
    group, ``crm.customer.figures._get_companies``). Who sees which rows mirrors the
    card's ``_get_visible_commercial_ids``: see the rules in
    security/crm_extension_rules.xml; the customer class is the one of the row's
    company, where the card shows it (``crm.customer.figures._get_customer_class_sql``).
    """

    _name = "crm.receivable.report"
    _description = "Receivables Analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "open_balance desc, id"
    _depends = {
        "account.move.line": [
            "amount_residual",
            "reconciled",
            "date_maturity",
            "parent_state",
            "account_id",
            "partner_id",
            "company_id",
            "move_id",
        ],
        "account.move": ["move_type", "payment_state"],
        "account.account": ["account_type"],
        "res.partner": ["commercial_partner_id", "user_id", "crm_customer_class_company"],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    # shown where the customer card shows it: the column depends on the user
    customer_class = fields.Selection(CUSTOMER_CLASSES, readonly=True, depends_context=("uid",))
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    open_balance = fields.Monetary(readonly=True)
    overdue_amount = fields.Monetary(string="Overdue", readonly=True)
    overdue_days = fields.Integer(
        string="Days Overdue",
        aggregator="max",
        readonly=True,
        help="Age of the oldest overdue amount.",
    )
    aging_not_due = fields.Monetary(string="Not Due", readonly=True)
    aging_1_30 = fields.Monetary(string="1-30 Days", readonly=True)
    aging_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    aging_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    aging_90_plus = fields.Monetary(string="Over 90 Days", readonly=True)
    open_invoice_count = fields.Integer(string="Open Invoices", readonly=True)

    @property
    def _table_query(self):
        Figures = self.env["crm.customer.figures"]
        figures = Figures._get_receivable_columns()
        columns = [
            # lines belong to one group each: the smallest is a stable, unique id
            SQL("MIN(account_move_line.id) AS id"),
            SQL("p.commercial_partner_id AS partner_id"),
            SQL("account_move_line.company_id AS company_id"),
        ]
        columns += [SQL("%s AS %s", expr, SQL.identifier(name)) for name, expr in figures.items()]
        lines = Figures._get_receivable_lines_sql(
            columns, SQL("p.commercial_partner_id, account_move_line.company_id")
        )
        return SQL(
            """
            SELECT fig.id,
                   fig.partner_id,
                   cp.user_id,
                   %(customer_class)s AS customer_class,
                   fig.company_id,
                   company.currency_id,
                   fig.balance AS open_balance,
                   COALESCE(fig.overdue, 0) AS overdue_amount,
                   COALESCE(fig.days, 0) AS overdue_days,
                   COALESCE(fig.not_due, 0) AS aging_not_due,
                   COALESCE(fig.b1_30, 0) AS aging_1_30,
                   COALESCE(fig.b31_60, 0) AS aging_31_60,
                   COALESCE(fig.b61_90, 0) AS aging_61_90,
                   COALESCE(fig.b90, 0) AS aging_90_plus,
                   fig.open_invoices AS open_invoice_count
              FROM (%(lines)s) fig
              JOIN res_partner cp ON cp.id = fig.partner_id
              JOIN res_company company ON company.id = fig.company_id
             WHERE fig.balance IS NOT NULL
            """,
            lines=lines,
            customer_class=Figures._get_customer_class_sql("cp", SQL("fig.company_id")),
        )

    @api.readonly
    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id.get_formview_action()

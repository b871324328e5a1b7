from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..const import FIGURE_GROUP, PAYMENT_STATES


class CrmCustomerFigures(models.AbstractModel):
    """The customer figures: one formula shared by the customer card (``res.partner``),
    the Receivables Analysis (``crm.receivable.report``), the analyses showing the
    customer class, the follow-ups and My Day.

    Who sees them: users of ``crm_extension.group_crm_figures``, scoped by their CRM
    role (``res.users.crm_finance_scope``): a CRM salesperson sees the customers they
    own (the salesperson of the commercial partner), managers and accounting users
    every customer of the active companies of the current company's group.

    The methods below are the API other models call: the SQL of the receivable
    figures, the conditions of who sees them, and the domains of the lists each figure
    counts or sums (what the card's buttons open).
    """

    _name = "crm.customer.figures"
    _description = "Customer Figures"

    # ---------------------------------------------------------------- who sees what
    @api.model
    def _can_read(self):
        """Whether the current user sees the figures at all: the figures' group.
        Asked for every figure field read or searched: cached per user, and
        invalidated like their groups."""
        return self.env.su or self._user_can_read(self.env.uid)

    @tools.ormcache("uid")
    def _user_can_read(self, uid):
        return self.env["res.users"].browse(uid).has_group(FIGURE_GROUP)

    @api.model
    def _get_companies(self):
        """The companies of the figures: the active companies (``self.env.companies``)
        of the current company's group. Native ``credit`` reads the whole tree of the
        current company's root, one currency (branches have their root's), whether
        the user may access a branch or not; the card reads that tree too, but only
        the companies the user is working in."""
        root = self.env.company.root_id
        return self.env.companies.filtered(lambda company: company.root_id == root)

    @api.model
    def _get_visible_commercial_ids(self, commercial_ids):
        """The commercial partners of ``commercial_ids`` whose figures the current
        user may see (a set of ids)."""
        if self.env.su or self.env.user.crm_finance_scope != "own":
            return set(commercial_ids)
        # sudo: ownership is read to decide visibility, whatever the partner rules
        owned = (
            self.env["res.partner"]
            .sudo()
            .search([("id", "in", list(commercial_ids)), ("user_id", "=", self.env.uid)])
        )
        return set(owned.ids)

    @api.model
    def _get_scope_sql(self, owner):
        """SQL condition: the current user may see the figures of a commercial partner
        whose salesperson is ``owner`` (SQL) — :meth:`_get_visible_commercial_ids` and
        the figures' group, for what is derived from invoices and orders in SQL."""
        if self.env.su:
            return SQL("TRUE")
        if not self._can_read():
            return SQL("FALSE")
        if self.env.user.crm_finance_scope == "own":
            return SQL("(%s IS NOT DISTINCT FROM %s)", owner, self.env.uid)
        return SQL("TRUE")

    @api.model
    def _get_customer_class_sql(self, alias, company):
        """SQL: the ABC class in ``company`` (SQL of a company id) of the commercial
        partner of table alias ``alias``, NULL where the current user may not see it
        (:meth:`_get_scope_sql`). For the searches and the reports' SQL."""
        fields_ = self.env["res.partner"]._fields
        return SQL(
            "(CASE WHEN %s THEN %s ->> (%s)::text END)",
            self._get_scope_sql(SQL.identifier(alias, "user_id", to_flush=fields_["user_id"])),
            SQL.identifier(
                alias,
                "crm_customer_class_company",
                to_flush=fields_["crm_customer_class_company"],
            ),
            company,
        )

    # ---------------------------------------------------------------- receivables
    @api.model
    def _get_receivable_query(self):
        """account.move.line query (from/where) of the receivables of the figures'
        companies (:meth:`_get_companies`), like the native ``credit``
        (addons/account/models/partner.py)."""
        return self.env["account.move.line"]._search(
            [
                ("parent_state", "=", "posted"),
                ("company_id", "in", self._get_companies().ids),
                ("account_type", "=", "asset_receivable"),
            ],
            bypass_access=True,
        )

    @api.model
    def _get_receivable_columns(self):
        """The open-receivable figures as SQL aggregates over the lines of
        :meth:`_get_receivable_lines_sql` (``account_move_line``, its move ``m``, its
        partner ``p``), by name: ``balance``, ``overdue``, ``days`` (of the oldest
        overdue amount), ``open_invoices`` and the aging buckets ``not_due``,
        ``b1_30``, ``b31_60``, ``b61_90``, ``b90``. The one formula of these figures:
        the card and the receivables analysis both select them."""
        today = fields.Date.context_today(self)
        open_ = SQL("account_move_line.reconciled IS NOT TRUE")
        age = SQL("(%s::date - account_move_line.date_maturity)", today)

        def residual(condition):
            return SQL(
                "SUM(account_move_line.amount_residual) FILTER (WHERE %s AND %s)",
                open_,
                condition,
            )

        return {
            "balance": residual(SQL("TRUE")),
            "overdue": residual(SQL("%s > 0", age)),
            "days": SQL(
                "MAX(%s) FILTER (WHERE %s AND %s > 0 AND account_move_line.amount_residual > 0)",
                age,
                open_,
                age,
            ),
            # customer invoices (not credit notes) not paid yet: the list of the
            # card's Open Invoices button (_get_open_invoice_domain)
            "open_invoices": SQL(
                "COUNT(DISTINCT account_move_line.move_id) FILTER (WHERE "
                "m.move_type = 'out_invoice' AND m.payment_state IN ('not_paid', 'partial'))"
            ),
            "not_due": residual(SQL("(%s <= 0 OR account_move_line.date_maturity IS NULL)", age)),
            "b1_30": residual(SQL("%s BETWEEN 1 AND 30", age)),
            "b31_60": residual(SQL("%s BETWEEN 31 AND 60", age)),
            "b61_90": residual(SQL("%s BETWEEN 61 AND 90", age)),
            "b90": residual(SQL("%s > 90", age)),
        }

    @api.model
    def _get_receivable_lines_sql(self, columns, group_by, condition=None):
        """``SELECT columns`` over the receivable lines of the current company tree
        (:meth:`_get_receivable_query`) joined to their move ``m`` and partner ``p``,
        filtered by ``condition`` and grouped by ``group_by`` (SQL objects)."""
        query = self._get_receivable_query()
        return SQL(
            """
            SELECT %(columns)s
              FROM %(from)s
              JOIN res_partner p ON p.id = account_move_line.partner_id
              JOIN account_move m ON m.id = account_move_line.move_id
             WHERE %(where)s AND %(condition)s
          GROUP BY %(group_by)s
            """,
            columns=SQL(", ").join(columns),
            where=query.where_clause or SQL("TRUE"),
            condition=condition or SQL("TRUE"),
            group_by=group_by,
            **{"from": query.from_clause},
        )

    @api.model
    def _get_open_balance_sql(self, commercial):
        """SQL: the open balance of the commercial partner whose id is ``commercial``
        (SQL), 0 without receivables; not scoped (see :meth:`_get_scope_sql`)."""
        lines = self._get_receivable_query()
        return SQL(
            """(SELECT COALESCE(SUM(account_move_line.amount_residual), 0)
                  FROM %(from)s
                  JOIN res_partner crm_p ON crm_p.id = account_move_line.partner_id
                 WHERE crm_p.commercial_partner_id = %(commercial)s
                   AND account_move_line.reconciled IS NOT TRUE AND %(where)s)""",
            commercial=commercial,
            **{"from": lines.from_clause, "where": lines.where_clause or SQL("TRUE")},
        )

    # ---------------------------------------------------------------- the card
    @api.model
    def _get_figures(self, commercial_ids):
        """Every card figure of ``commercial_ids`` in two queries, not scoped (the
        caller passes the customers the user may see).

        :return: dict commercial partner id -> dict of figures (absent = no figures)
        """
        if not commercial_ids:
            return {}
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model(
            ["move_type", "invoice_date", "state", "payment_state"]
        )
        self.env["account.payment"].flush_model()
        self.env["sale.order"].flush_model()
        self.env["sale.order.line"].flush_model(["untaxed_amount_to_invoice"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        columns = [SQL("p.commercial_partner_id AS cid")]
        columns += [
            SQL("%s AS %s", expr, SQL.identifier(name))
            for name, expr in self._get_receivable_columns().items()
        ]
        columns += [
            SQL("MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_invoice"),
        ]
        rows = self.env.execute_query_dict(
            self._get_receivable_lines_sql(
                columns,
                SQL("p.commercial_partner_id"),
                SQL("p.commercial_partner_id IN %s", tuple(commercial_ids)),
            )
        )
        figures = {row.pop("cid"): row for row in rows}
        for row in self.env.execute_query_dict(self._get_order_figures_sql(commercial_ids)):
            figures.setdefault(row.pop("cid"), {}).update(row)
        return figures

    @api.model
    def _get_order_figures_sql(self, commercial_ids):
        """SQL of the figures of orders and payments per commercial partner (``cid``):
        open quotations (``quotes``, ``quote_count``), confirmed orders not invoiced
        (``to_invoice``), payments received (``payments``, ``last_payment``)."""
        companies = tuple(self._get_companies().ids)
        # the quotations of the Quotations button, as the user may read them (record rules:
        # a salesperson with "own documents" counts the quotations they may open)
        Order = self.env["sale.order"]
        if Order.has_access("read"):
            quotes = Order._search(self._get_quotation_domain(commercial_ids)).subselect()
        else:
            quotes = SQL("(SELECT NULL::int WHERE FALSE)")
        return SQL(
            """
            WITH orders AS (
                SELECT p.commercial_partner_id AS cid,
                       SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                           FILTER (WHERE so.id IN %(quotes)s) AS quotes,
                       COUNT(*) FILTER (WHERE so.id IN %(quotes)s) AS quote_count,
                       SUM((SELECT SUM(sol.untaxed_amount_to_invoice)
                              FROM sale_order_line sol WHERE sol.order_id = so.id)
                           / COALESCE(NULLIF(so.currency_rate, 0), 1))
                           FILTER (WHERE so.state = 'sale') AS to_invoice
                  FROM sale_order so
                  JOIN res_partner p ON p.id = so.partner_id
                 WHERE p.commercial_partner_id IN %(ids)s
                   AND so.company_id IN %(companies)s
              GROUP BY p.commercial_partner_id
            ), payments AS (
                -- the customer payments of the Payments button (_get_payment_domain)
                SELECT p.commercial_partner_id AS cid,
                       COUNT(*) AS payments, MAX(pay.date) AS last_payment
                  FROM account_payment pay
                  JOIN res_partner p ON p.id = pay.partner_id
                 WHERE p.commercial_partner_id IN %(ids)s
                   AND pay.company_id IN %(companies)s
                   AND pay.partner_type = 'customer'
                   AND pay.payment_type = 'inbound'
                   AND pay.state IN %(payment_states)s
              GROUP BY p.commercial_partner_id
            )
            SELECT COALESCE(orders.cid, payments.cid) AS cid,
                   orders.quotes, orders.quote_count, orders.to_invoice,
                   payments.payments, payments.last_payment
              FROM orders
              FULL JOIN payments ON payments.cid = orders.cid
            """,
            ids=tuple(commercial_ids),
            companies=companies,
            quotes=quotes,
            payment_states=PAYMENT_STATES,
        )

from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL

from ..const import AGING_BUCKETS, FIGURE_GROUP, OPERATORS


class ResPartner(models.Model):
    """The customer card: the figures of a customer (its commercial partner) in the
    current company's group, computed in batch through ``crm.customer.figures``,
    searchable and sortable, and the smart buttons opening what each figure counts."""

    # one concern of res.partner per file (house style), not one class for all
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_currency_id = fields.Many2one(
        "res.currency", compute="_compute_crm_currency_id", groups=FIGURE_GROUP
    )
    crm_open_balance = fields.Monetary(
        string="Open Balance",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        search="_search_crm_open_balance",
        groups=FIGURE_GROUP,
        help="Receivable still open (the native receivable), in the current company's "
        "currency, for the customer and its contacts: invoices not paid yet, minus open "
        "credit notes and payments not matched to an invoice yet. It can be 0 with open "
        "invoices when credit notes or payments net them.",
    )
    crm_overdue_amount = fields.Monetary(
        string="Overdue",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        search="_search_crm_overdue_amount",
        groups=FIGURE_GROUP,
        help="Open receivable past its due date: overdue invoices, minus open credit "
        "notes and unmatched payments dated before today.",
    )
    crm_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_crm_finance",
        search="_search_crm_overdue_days",
        groups=FIGURE_GROUP,
        help="Age of the oldest overdue amount.",
    )
    crm_open_invoice_count = fields.Integer(
        string="Open Invoices",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
        help="Customer invoices not paid or partly paid (credit notes are not counted).",
    )
    crm_last_invoice_date = fields.Date(
        string="Last Invoice", compute="_compute_crm_finance", groups=FIGURE_GROUP
    )
    crm_last_payment_date = fields.Date(
        string="Last Payment",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
        help="Date of the latest payment received from the customer (see Payments).",
    )
    crm_payment_count = fields.Integer(
        string="Payments",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
        help="Payments received from the customer, confirmed (in process or paid).",
    )
    crm_aging_not_due = fields.Monetary(
        string="Not Due",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
    )
    crm_aging_1_30 = fields.Monetary(
        string="1-30 Days",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
    )
    crm_aging_31_60 = fields.Monetary(
        string="31-60 Days",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
    )
    crm_aging_61_90 = fields.Monetary(
        string="61-90 Days",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
    )
    crm_aging_90_plus = fields.Monetary(
        string="Over 90 Days",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
    )
    crm_open_quote_amount = fields.Monetary(
        string="Open Quotations",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
        help="Untaxed amount of the open quotations: draft or sent, not confirmed "
        "nor cancelled (the quotations of the Quotations button).",
    )
    crm_open_quote_count = fields.Integer(
        string="Quotations",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
        help="Quotations draft or sent, not confirmed nor cancelled, that you may open.",
    )
    crm_to_invoice_amount = fields.Monetary(
        string="To Invoice",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
        help="Confirmed orders not invoiced yet (untaxed).",
    )
    crm_credit_limit_usage = fields.Float(
        string="Credit Limit Used (%)",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUP,
        help="Open balance and amounts to invoice against the credit limit, "
        "when the company uses credit limits.",
    )

    @api.model
    def _has_field_access(self, field, operation):
        # the figures are checked per record and per field when read: in a list of
        # thousands of customers, ask once per user (same answer as has_groups)
        if field.groups == FIGURE_GROUP and operation == "read" and not self.env.su:
            return self.env["crm.customer.figures"]._can_read()
        return super()._has_field_access(field, operation)

    @api.depends_context("company")
    def _compute_crm_currency_id(self):
        self.crm_currency_id = self.env.company.currency_id

    @api.depends_context("company", "uid", "allowed_company_ids")
    def _compute_crm_finance(self):
        commercial = self.commercial_partner_id
        Figures = self.env["crm.customer.figures"]
        visible = Figures._get_visible_commercial_ids(commercial.ids)
        figures = Figures._get_figures([cid for cid in commercial.ids if cid in visible])
        company = self.env.company
        # sudo: the credit limit is an accounting field; only its ratio is shown
        limits = (
            {
                partner.id: partner.credit_limit
                for partner in commercial.sudo().with_company(company)
            }
            if company.account_use_credit_limit
            else {}
        )
        # one assignment per field and distinct value, not per record: contacts share
        # their company's figures and most customers of a list have none
        groups = self.grouped(
            lambda p: p.commercial_partner_id.id if p.commercial_partner_id.id in figures else 0
        )
        assignments = defaultdict(lambda: defaultdict(list))  # field -> value -> ids
        for cid, partners in groups.items():
            data = figures.get(cid, {})
            values = {
                "crm_open_balance": data.get("balance") or 0.0,
                "crm_overdue_amount": data.get("overdue") or 0.0,
                "crm_overdue_days": data.get("days") or 0,
                "crm_open_invoice_count": data.get("open_invoices") or 0,
                "crm_last_invoice_date": data.get("last_invoice"),
                "crm_last_payment_date": data.get("last_payment"),
                "crm_payment_count": data.get("payments") or 0,
                "crm_open_quote_amount": data.get("quotes") or 0.0,
                "crm_open_quote_count": data.get("quote_count") or 0,
                "crm_to_invoice_amount": data.get("to_invoice") or 0.0,
            }
            for bucket, key in zip(
                AGING_BUCKETS, ("not_due", "b1_30", "b31_60", "b61_90", "b90"), strict=True
            ):
                values[f"crm_aging_{bucket}"] = data.get(key) or 0.0
            limit = limits.get(cid)
            exposure = values["crm_open_balance"] + values["crm_to_invoice_amount"]
            values["crm_credit_limit_usage"] = 100.0 * exposure / limit if limit else 0.0
            for fname, value in values.items():
                assignments[fname][value].extend(partners._ids)
        for fname, by_value in assignments.items():
            for value, ids in by_value.items():
                self.browse(ids).with_prefetch(self._prefetch_ids)[fname] = value

    def _crm_search_figure(self, fname, column, operator, value):
        """Domain on commercial partners whose figure (``column`` of
        ``crm.customer.figures._get_receivable_columns``) satisfies the condition; partners without
        receivables count as 0. Scoped like the card."""
        # a search on a figure tells as much as reading it
        self._check_field_access(self._fields[fname], "read")
        if operator not in OPERATORS:
            return NotImplemented
        Figures = self.env["crm.customer.figures"]
        commercial = SQL("p.commercial_partner_id")
        rows = self.env.execute_query(
            Figures._get_receivable_lines_sql(
                [commercial, Figures._get_receivable_columns()[column]],
                commercial,
                SQL("account_move_line.reconciled IS NOT TRUE"),
            )
        )
        compare = OPERATORS[operator]
        matching = {cid for cid, figure in rows if compare(figure or 0, value)}
        if compare(0, value):
            others = {cid for cid, _figure in rows} - matching
            domain = [("commercial_partner_id", "not in", list(others))]
        else:
            domain = [("commercial_partner_id", "in", list(matching))]
        if not self.env.su and self.env.user.crm_finance_scope == "own":
            domain = ["&", ("commercial_partner_id.user_id", "=", self.env.uid), *domain]
        return domain

    def _search_crm_open_balance(self, operator, value):
        return self._crm_search_figure("crm_open_balance", "balance", operator, value)

    def _search_crm_overdue_amount(self, operator, value):
        return self._crm_search_figure("crm_overdue_amount", "overdue", operator, value)

    def _search_crm_overdue_days(self, operator, value):
        return self._crm_search_figure("crm_overdue_days", "days", operator, value)

    def _order_field_to_sql(self, alias, field_name, direction, nulls, query):
        """Sort customers by open balance (a computed figure), scoped like the card."""
        if field_name != "crm_open_balance":
            return super()._order_field_to_sql(alias, field_name, direction, nulls, query)
        self._check_field_access(self._fields[field_name], "read")
        balance = self.env["crm.customer.figures"]._get_open_balance_sql(
            SQL.identifier(alias, "commercial_partner_id")
        )
        if not self.env.su and self.env.user.crm_finance_scope == "own":
            owner = SQL(
                "(SELECT crm_c.user_id FROM res_partner crm_c WHERE crm_c.id = %s)",
                SQL.identifier(alias, "commercial_partner_id"),
            )
            balance = SQL("(CASE WHEN %s = %s THEN %s ELSE 0 END)", owner, self.env.uid, balance)
        return SQL("%s %s %s", balance, direction, nulls)

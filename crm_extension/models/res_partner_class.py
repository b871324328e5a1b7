from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.fields import Domain
from odoo.tools import SQL

from ..const import CLASS_FIELDS, CUSTOMER_CLASSES, FIGURE_GROUP


class ResPartner(models.Model):
    """ABC classes of customers by invoiced revenue, one per company, computed by a
    nightly job and shown where the card shows the customer's figures."""

    # one concern of res.partner per file (house style), not one class for all
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    crm_customer_class = fields.Selection(
        CUSTOMER_CLASSES,
        string="Customer Class",
        compute="_compute_crm_customer_class",
        search="_search_crm_customer_class",
        groups=FIGURE_GROUP,
        help="ABC class by invoiced revenue over the last 12 months in the current "
        "company, recomputed every night: A makes the first 80% of revenue, B the next "
        "15%, C the rest (shares set per company). Customers without revenue have no "
        "class.",
    )
    # the classes of the nightly job, one per company (jsonb); read through
    # crm_customer_class, which applies the card's scope; only the job writes them
    crm_customer_class_company = fields.Selection(
        CUSTOMER_CLASSES,
        string="Customer Class in the Company",
        company_dependent=True,
        copy=False,
        readonly=True,
        prefetch=True,
        index="btree_not_null",
        groups=FIGURE_GROUP,
    )

    @api.model
    def _has_field_access(self, field, operation):
        if field.name in CLASS_FIELDS and not self.env.su:
            if operation == "write":
                # the nightly job (_crm_compute_customer_classes) sets the classes,
                # never a client
                return False
            if field.name == "crm_customer_class_company":
                # the raw class shows what crm_customer_class shows only to those
                # who see the figures of every customer
                return (
                    self.env["crm.customer.figures"]._can_read()
                    and self.env.user.crm_finance_scope != "own"
                )
        return super()._has_field_access(field, operation)

    @api.model
    def _crm_compute_customer_classes(self, date=None):
        """Set the ABC classes of every commercial partner in one SQL statement.

        Revenue: untaxed posted customer invoices minus refunds, in company currency,
        invoice date in the 12 months up to ``date``. Per company, customers are ranked
        by revenue; a customer is A while the revenue of the customers ranked before it
        is below the A share of the total, B below the B share, else C. Customers with
        equal revenue rank together (same class). A customer gets one class per company
        it has revenue in (``crm_customer_class_company``, company-dependent): the
        ranking of one company never shows in another. Only changed rows are written.

        :returns: number of partners whose classes changed
        """
        date = date or fields.Date.context_today(self)
        self.env.flush_all()
        query = SQL(
            """
            WITH revenue AS (
                SELECT am.company_id, am.commercial_partner_id AS partner_id,
                       SUM(-aml.balance) AS amount
                  FROM account_move_line aml
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE am.move_type IN ('out_invoice', 'out_refund')
                   AND am.state = 'posted'
                   AND aml.display_type = 'product'
                   AND am.invoice_date > %(date_from)s
                   AND am.invoice_date <= %(date_to)s
                 GROUP BY am.company_id, am.commercial_partner_id
                HAVING SUM(-aml.balance) > 0
            ), ranked AS (
                SELECT revenue.partner_id, revenue.company_id,
                       -- revenue of the customers ranked strictly before: the running
                       -- total (which includes ties) minus the ties; EXCLUDE GROUP would
                       -- say the same but costs O(n²)
                       SUM(revenue.amount) OVER (
                           PARTITION BY revenue.company_id ORDER BY revenue.amount DESC)
                       - SUM(revenue.amount) OVER (
                           PARTITION BY revenue.company_id, revenue.amount) AS before,
                       SUM(revenue.amount) OVER (PARTITION BY revenue.company_id) AS total
                  FROM revenue
            ), classed AS (
                -- {"company id": "class", ...}: the jsonb of a company-dependent field
                SELECT ranked.partner_id,
                       jsonb_object_agg(ranked.company_id::text, CASE
                           WHEN ranked.before * 100
                                < ranked.total * company.crm_class_a_threshold::numeric
                           THEN 'A'
                           WHEN ranked.before * 100
                                < ranked.total * company.crm_class_b_threshold::numeric
                           THEN 'B'
                           ELSE 'C' END) AS classes
                  FROM ranked
                  JOIN res_company company ON company.id = ranked.company_id
                 GROUP BY ranked.partner_id
            )
            UPDATE res_partner partner
               SET crm_customer_class_company = new.classes
              FROM (
                SELECT p.id, classed.classes
                  FROM res_partner p
                  LEFT JOIN classed ON classed.partner_id = p.id
                 WHERE p.crm_customer_class_company IS NOT NULL
                    OR classed.classes IS NOT NULL
              ) new
             WHERE new.id = partner.id
               AND partner.crm_customer_class_company IS DISTINCT FROM new.classes
            RETURNING partner.id
            """,
            date_from=date - relativedelta(years=1),
            date_to=date,
        )
        changed = self.env.execute_query(query)
        self.invalidate_model(["crm_customer_class_company", "crm_customer_class"])
        return len(changed)

    @api.depends(
        "commercial_partner_id.crm_customer_class_company", "commercial_partner_id.user_id"
    )
    @api.depends_context("company", "uid")
    def _compute_crm_customer_class(self):
        commercial = self.commercial_partner_id
        visible = self.env["crm.customer.figures"]._get_visible_commercial_ids(commercial.ids)
        # sudo: the class of the current company, shown below only where the card
        # shows the customer's figures
        classes = {
            partner.id: partner.crm_customer_class_company
            for partner in commercial.sudo()
            if partner.id in visible
        }
        for partner in self:
            partner.crm_customer_class = classes.get(partner.commercial_partner_id.id, False)

    def _search_crm_customer_class(self, operator, value):
        if operator != "in":
            return NotImplemented  # the ORM negates the positive search
        # read through the same SQL as sorting and grouping (_field_to_sql), so that
        # a class the user may not see is no class for the filters either
        self._check_field_access(self._fields["crm_customer_class"], "read")
        # NULL (no class, or one the user may not see) compares as ''
        classes = tuple(v or "" for v in value)

        def to_sql(model, alias, query):
            expr = model._field_to_sql(alias, "crm_customer_class", query)
            return SQL("COALESCE(%s, '') IN %s", expr, classes)

        return Domain.custom(to_sql=to_sql)

    def _field_to_sql(self, alias, field_expr, query=None):
        if field_expr != "crm_customer_class":
            return super()._field_to_sql(alias, field_expr, query)
        # the class as the compute shows it, for sorting, grouping and searching: the
        # current company's class of the commercial partner, where the card shows it
        self._check_field_access(self._fields[field_expr], "read")
        commercial = super()._field_to_sql(alias, "commercial_partner_id", query)
        Figures = self.env["crm.customer.figures"]
        if query is None:
            return SQL(
                "(SELECT %s FROM res_partner crm_cp WHERE crm_cp.id = %s)",
                Figures._get_customer_class_sql("crm_cp", SQL("%s", self.env.company.id)),
                commercial,
            )
        cp_alias = query.make_alias(alias, "crm_class_partner")
        query.add_join(
            "LEFT JOIN",
            cp_alias,
            self._table,
            SQL("%s = %s", SQL.identifier(cp_alias, "id"), commercial),
        )
        return Figures._get_customer_class_sql(cp_alias, SQL("%s", self.env.company.id))

    @api.model
    def _cron_compute_customer_classes(self):
        self._crm_compute_customer_classes()

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

CUSTOMER_CLASSES = [("A", "A"), ("B", "B"), ("C", "C")]


class ResPartner(models.Model):
    _name = "res.partner"
    # the mixin (a mail.thread) must come before the model in the MRO
    _inherit = ["crm.pipeline.mixin", "res.partner"]
    _crm_pipeline_scope = "partner"

    pipeline_stage_id = fields.Many2one(
        string="Customer Stage",
        domain="[('scope', '=', 'partner'), ('company_id', 'in', [company_id, False])]",
        help="Lifecycle stage of the customer; contacts show the stage of their company.",
    )
    user_id = fields.Many2one(tracking=True)
    crm_customer_class = fields.Selection(
        CUSTOMER_CLASSES,
        string="Customer Class",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="ABC class by invoiced revenue over the last 12 months, recomputed every "
        "night: A makes the first 80% of revenue, B the next 15%, C the rest (shares "
        "set per company). Customers without revenue have no class.",
    )
    crm_last_contact_date = fields.Date(
        string="Last Contact",
        compute="_compute_crm_last_contact_date",
        help="Latest of: an activity done, a message sent to the customer, a quotation "
        "or order, an invoice.",
    )
    crm_days_since_contact = fields.Integer(
        string="Days Without Contact",
        compute="_compute_crm_last_contact_date",
        search="_search_crm_days_since_contact",
        help="Days since the last contact (since creation when never contacted).",
    )
    crm_bought_product_id = fields.Many2one(
        "product.product",
        string="Bought Product",
        compute="_compute_crm_bought_product_id",
        search="_search_crm_bought_product_id",
        help="Search customers with posted invoice lines of a product.",
    )

    def _commercial_fields(self):
        return super()._commercial_fields() + ["pipeline_stage_id", "crm_customer_class"]

    # ---------------------------------------------------------------- contact dates
    @api.model
    def _crm_last_contact_sql(self, partner_ids=None):
        """One query: (commercial partner id, last contact date, days since contact)
        for the given commercial partners (all commercial partners when None)."""
        members = (
            SQL("p.commercial_partner_id = ANY(%s)", list(partner_ids))
            if partner_ids is not None
            else SQL("TRUE")
        )
        # every branch joins the members first, so that a few partners cost a few
        # index lookups, not a scan of all orders and messages
        return SQL(
            """
            WITH member AS (
                SELECT p.id, p.commercial_partner_id FROM res_partner p WHERE %(members)s
            ), contact AS (
                SELECT member.commercial_partner_id AS partner_id, so.date_order::date AS day
                  FROM sale_order so
                  JOIN member ON member.id = so.partner_id
                 UNION ALL
                SELECT am.commercial_partner_id, am.invoice_date
                  FROM account_move am
                  JOIN member ON member.id = am.commercial_partner_id
                 WHERE am.move_type IN ('out_invoice', 'out_refund')
                   AND am.state = 'posted'
                 UNION ALL
                SELECT member.commercial_partner_id, msg.date::date
                  FROM mail_message_res_partner_rel rel
                  JOIN member ON member.id = rel.res_partner_id
                  JOIN mail_message msg ON msg.id = rel.mail_message_id
                 WHERE msg.message_type IN ('comment', 'email_outgoing')
                 UNION ALL
                SELECT member.commercial_partner_id, msg.date::date
                  FROM mail_message msg
                  JOIN member ON msg.model = 'res.partner' AND member.id = msg.res_id
                 WHERE msg.mail_activity_type_id IS NOT NULL
                 UNION ALL
                SELECT member.commercial_partner_id, msg.date::date
                  FROM sale_order so
                  JOIN member ON member.id = so.partner_id
                  JOIN mail_message msg ON msg.model = 'sale.order' AND msg.res_id = so.id
                 WHERE msg.mail_activity_type_id IS NOT NULL
            ), last_contact AS (
                SELECT contact.partner_id, MAX(contact.day) AS day
                  FROM contact
                 GROUP BY contact.partner_id
            )
            SELECT cp.id, lc.day,
                   %(today)s::date - COALESCE(lc.day, cp.create_date::date)
              FROM res_partner cp
              LEFT JOIN last_contact lc ON lc.partner_id = cp.id
             WHERE cp.id = cp.commercial_partner_id
               AND cp.id IN (SELECT member.commercial_partner_id FROM member)
            """,
            today=fields.Date.context_today(self),
            members=members,
        )

    @api.model
    def _crm_last_contacts(self, partner_ids=None):
        """{commercial partner id: (last contact date or None, days since contact)}"""
        self.env.flush_all()
        self.env.cr.execute(self._crm_last_contact_sql(partner_ids))
        return {pid: (day, days) for pid, day, days in self.env.cr.fetchall()}

    def _compute_crm_last_contact_date(self):
        commercial = self.commercial_partner_id
        contacts = self._crm_last_contacts(commercial.ids) if commercial.ids else {}
        for partner in self:
            day, days = contacts.get(partner.commercial_partner_id.id, (False, 0))
            partner.crm_last_contact_date = day or False
            partner.crm_days_since_contact = days or 0

    def _search_crm_days_since_contact(self, operator, value):
        ops = {
            ">=": lambda a, b: a >= b,
            ">": lambda a, b: a > b,
            "<=": lambda a, b: a <= b,
            "<": lambda a, b: a < b,
        }
        if operator not in ops or not isinstance(value, int):
            return NotImplemented
        match = [
            pid
            for pid, (_day, days) in self._crm_last_contacts().items()
            if days is not None and ops[operator](days, value)
        ]
        return [("commercial_partner_id", "in", match)]

    def _compute_crm_bought_product_id(self):
        self.crm_bought_product_id = False

    def _search_crm_bought_product_id(self, operator, value):
        if operator not in ("in", "any", "=", "ilike"):
            return NotImplemented
        # sudo: salespeople may not read invoice lines; only which customers bought
        # the product leaves this method, not amounts
        lines = (
            self.env["account.move.line"]
            .sudo()
            ._search(
                [
                    ("product_id", operator, value),
                    ("display_type", "=", "product"),
                    ("parent_state", "=", "posted"),
                    ("move_id.move_type", "in", ("out_invoice", "out_refund")),
                ]
            )
        )
        partner_ids = {
            pid
            for (pid,) in self.env.execute_query(
                lines.select(SQL.identifier("account_move_line", "partner_id"))
            )
            if pid
        }
        commercial = self.sudo().browse(partner_ids).commercial_partner_id
        return [("commercial_partner_id", "in", commercial.ids)]

    # ---------------------------------------------------------------- ABC classes
    @api.model
    def _crm_compute_customer_classes(self, date=None):
        """Set the ABC class of every commercial partner in one SQL statement.

        Revenue: untaxed posted customer invoices minus refunds, in company currency,
        invoice date in the 12 months up to ``date``. Per company, customers are ranked
        by revenue; a customer is A while the revenue of the customers ranked before it
        is below the A share of the total, B below the B share, else C. Customers with
        equal revenue rank together (same class). A customer with revenue in several
        companies keeps its best class. Only changed rows are written.

        :returns: number of partners whose class changed
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
                SELECT ranked.partner_id,
                       MIN(CASE
                           WHEN ranked.before * 100
                                < ranked.total * company.crm_class_a_threshold::numeric
                           THEN 'A'
                           WHEN ranked.before * 100
                                < ranked.total * company.crm_class_b_threshold::numeric
                           THEN 'B'
                           ELSE 'C' END) AS customer_class
                  FROM ranked
                  JOIN res_company company ON company.id = ranked.company_id
                 GROUP BY ranked.partner_id
            )
            UPDATE res_partner partner
               SET crm_customer_class = new.customer_class
              FROM (
                SELECT p.id, classed.customer_class
                  FROM res_partner p
                  LEFT JOIN classed ON classed.partner_id = p.commercial_partner_id
                 WHERE p.crm_customer_class IS NOT NULL
                    OR classed.customer_class IS NOT NULL
              ) new
             WHERE new.id = partner.id
               AND partner.crm_customer_class IS DISTINCT FROM new.customer_class
            RETURNING partner.id
            """,
            date_from=date - relativedelta(years=1),
            date_to=date,
        )
        changed = self.env.execute_query(query)
        self.invalidate_model(["crm_customer_class"])
        return len(changed)

    @api.model
    def _cron_compute_customer_classes(self):
        self._crm_compute_customer_classes()

    # ---------------------------------------------------------------- follow-ups
    @api.model
    def _cron_create_followup_activities(self):
        """One "Follow up" activity for the owner of each customer past its follow-up
        window, unless one is still open. Safe to run any number of times a day.

        :returns: the created activities
        """
        activity_type = self.env.ref(
            "crm_extension.mail_activity_type_follow_up", raise_if_not_found=False
        )
        if not activity_type:
            return self.env["mail.activity"]
        customers = self.search(
            [
                ("customer_rank", ">", 0),
                ("parent_id", "=", False),
                ("user_id", "!=", False),
            ]
        )
        if not customers:
            return self.env["mail.activity"]
        contacts = self._crm_last_contacts(customers.ids)
        open_ids = {
            res_id
            for (res_id,) in self.env["mail.activity"]._read_group(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", customers.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id"],
            )
        }
        today = fields.Date.context_today(self)
        model_id = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        for customer in customers:
            if customer.id in open_ids:
                continue
            _day, days = contacts.get(customer.id, (None, 0))
            company = customer.company_id or self.env.company
            window = company._crm_followup_days(customer.crm_customer_class)
            if (days or 0) <= window:
                continue
            vals_list.append(
                {
                    "res_model_id": model_id,
                    "res_id": customer.id,
                    "activity_type_id": activity_type.id,
                    "user_id": customer.user_id.id,
                    "date_deadline": today,
                    "summary": self.env._(
                        "Not contacted for %(days)s days (class %(customer_class)s)",
                        days=days,
                        customer_class=customer.crm_customer_class or "-",
                    ),
                }
            )
        return self.env["mail.activity"].create(vals_list)

    def _crm_pipeline_records(self):
        return self.filtered(lambda p: p.commercial_partner_id == p)

    def _crm_stage_owner(self):
        self.ensure_one()
        return self.commercial_partner_id.user_id

    def _crm_set_first_stage(self):
        """Customers without a stage enter the first customer stage of their company."""
        todo = self._crm_pipeline_records().filtered(
            lambda p: not p.pipeline_stage_id and p.customer_rank
        )
        for company, partners in todo.grouped("company_id").items():
            stage = self.env["crm.pipeline.stage"]._first_stage(
                "partner", company or self.env.company
            )
            if stage:
                partners.with_context(crm_stage_automatic=True).write(
                    {"pipeline_stage_id": stage.id}
                )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners._crm_set_first_stage()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if vals.get("customer_rank"):
            self._crm_set_first_stage()
        return res

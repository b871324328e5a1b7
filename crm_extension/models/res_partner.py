import operator as py_operator
from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.query import Query

# Who may read the customer-card figures at all; the CRM role then scopes them.
FIGURE_GROUPS = (
    "crm_extension.group_crm_salesperson,account.group_account_invoice,"
    "account.group_account_readonly"
)
AGING_BUCKETS = ("not_due", "1_30", "31_60", "61_90", "90_plus")
OPERATORS = {
    "=": py_operator.eq,
    "!=": py_operator.ne,
    "<": py_operator.lt,
    "<=": py_operator.le,
    ">": py_operator.gt,
    ">=": py_operator.ge,
}
CUSTOMER_CLASSES = [("A", "A"), ("B", "B"), ("C", "C")]
# payments the customer made: confirmed, whether matched to a bank statement yet or not
PAYMENT_STATES = ("in_process", "paid")
# quotations still open: draft or sent, neither confirmed nor cancelled
QUOTATION_STATES = ("draft", "sent")
# the class as shown (scoped like the card) and as stored per company by the job
CLASS_FIELDS = ("crm_customer_class", "crm_customer_class_company")


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
        compute="_compute_crm_customer_class",
        search="_search_crm_customer_class",
        groups=FIGURE_GROUPS,
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
        groups=FIGURE_GROUPS,
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
    crm_followup_due = fields.Boolean(
        string="Follow-up Due",
        compute="_compute_crm_followup_due",
        search="_search_crm_followup_due",
        help="Customer with an owner, not contacted for longer than the follow-up "
        "window of its class: the customers the daily follow-up reminder selects.",
    )
    crm_bought_product_id = fields.Many2one(
        "product.product",
        string="Bought Product",
        compute="_compute_crm_bought_product_id",
        search="_search_crm_bought_product_id",
        groups=FIGURE_GROUPS,
        help="Search customers with posted invoice lines of a product.",
    )

    def _commercial_fields(self):
        return super()._commercial_fields() + ["pipeline_stage_id"]

    # ---------------------------------------------------------------- contact dates
    @api.model
    def _crm_last_contact_sql(self, partner_ids=None):
        """One query: (commercial partner id, last contact date, days since contact)
        for the given commercial partners (ids or a :class:`Query` of partners; all
        commercial partners when None).

        Orders and invoices count only where the card would show them to the current
        user (:meth:`_crm_figure_scope_sql`) and in the active companies; the
        superuser (the follow-up cron) counts them all."""
        if partner_ids is None:
            members = SQL("TRUE")
        elif isinstance(partner_ids, Query):
            members = SQL("p.commercial_partner_id IN %s", partner_ids.subselect())
        else:
            members = SQL("p.commercial_partner_id = ANY(%s)", list(partner_ids))
        if self.env.su:
            orders = invoices = SQL("TRUE")
        else:
            scope = self._crm_figure_scope_sql(SQL("member.owner_id"))
            companies = tuple(self.env.companies.ids)
            orders = SQL("%s AND so.company_id IN %s", scope, companies)
            invoices = SQL("%s AND am.company_id IN %s", scope, companies)
        # every branch joins the members first, so that a few partners cost a few
        # index lookups, not a scan of all orders and messages
        return SQL(
            """
            WITH member AS (
                SELECT p.id, p.commercial_partner_id, cp.user_id AS owner_id
                  FROM res_partner p
                  JOIN res_partner cp ON cp.id = p.commercial_partner_id
                 WHERE %(members)s
            ), contact AS (
                SELECT member.commercial_partner_id AS partner_id, so.date_order::date AS day
                  FROM sale_order so
                  JOIN member ON member.id = so.partner_id
                 WHERE %(orders)s
                 UNION ALL
                SELECT am.commercial_partner_id, am.invoice_date
                  FROM account_move am
                  JOIN member ON member.id = am.commercial_partner_id
                 WHERE am.move_type IN ('out_invoice', 'out_refund')
                   AND am.state = 'posted'
                   AND %(invoices)s
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
                   AND %(orders)s
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
            orders=orders,
            invoices=invoices,
        )

    @api.model
    def _crm_last_contacts(self, partner_ids=None):
        """{commercial partner id: (last contact date or None, days since contact)}"""
        self.env.flush_all()
        self.env.cr.execute(self._crm_last_contact_sql(partner_ids))
        return {pid: (day, days) for pid, day, days in self.env.cr.fetchall()}

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_crm_last_contact_date(self):
        commercial = self.commercial_partner_id
        contacts = self._crm_last_contacts(commercial.ids) if commercial.ids else {}
        for partner in self:
            day, days = contacts.get(partner.commercial_partner_id.id, (False, 0))
            partner.crm_last_contact_date = day or False
            partner.crm_days_since_contact = days or 0

    def _search_crm_days_since_contact(self, operator, value):
        if operator not in (">=", ">", "<=", "<") or not isinstance(value, int):
            return NotImplemented
        compare = OPERATORS[operator]
        match = [
            pid
            for pid, (_day, days) in self._crm_last_contacts().items()
            if days is not None and compare(days, value)
        ]
        return [("commercial_partner_id", "in", match)]

    @api.model
    def _crm_followup_due_sql(self, partner_ids=None):
        """SQL selecting ``(customer id, days since contact)`` of the customers past
        their follow-up window: top-level customers with an owner, not contacted for
        more days than the window of their class (:meth:`res.company._crm_followup_days`)
        in their company, or in the current company when they have none. Limited to
        ``partner_ids`` when given. The one selection of the follow-up cron and of the
        "Follow-up Due" filter. For a user, only the customers whose figures the card
        shows them, from the contacts and classes it shows (:meth:`_crm_last_contact_sql`):
        the cron's selection of these customers when their companies are active."""
        domain = [("customer_rank", ">", 0), ("parent_id", "=", False), ("user_id", "!=", False)]
        if partner_ids is not None:
            domain.append(("id", "in", list(partner_ids)))
        customers = self._search(domain)
        # sudo: the windows of every company a customer may belong to, whatever the
        # companies of the user; only the numbers of days are read
        windows = SQL(", ").join(
            SQL(
                "(%s, %s, %s)",
                company.id,
                customer_class or "",
                company._crm_followup_days(customer_class),
            )
            for company in self.env["res.company"].sudo().search([])
            for customer_class in [*dict(CUSTOMER_CLASSES), False]
        )
        return SQL(
            """
            WITH last_contact(id, day, days) AS (%(last_contact)s),
            followup_window(company_id, customer_class, days) AS (VALUES %(windows)s)
            SELECT p.id, last_contact.days
              FROM last_contact
              JOIN res_partner p ON p.id = last_contact.id
              JOIN followup_window fw
                ON fw.company_id = COALESCE(p.company_id, %(company)s)
               AND fw.customer_class = COALESCE(%(customer_class)s, '')
             WHERE last_contact.days > fw.days
               AND %(scope)s
             ORDER BY p.id
            """,
            last_contact=self._crm_last_contact_sql(customers),
            windows=windows,
            company=self.env.company.id,
            customer_class=self._crm_customer_class_sql("p", SQL("fw.company_id")),
            scope=self._crm_figure_scope_sql(SQL("p.user_id")),
        )

    @api.model
    def _crm_followup_due(self, partner_ids=None):
        """{customer id: days since contact} of the customers past their follow-up
        window (:meth:`_crm_followup_due_sql`)."""
        self.env.flush_all()
        return dict(self.env.execute_query(self._crm_followup_due_sql(partner_ids)))

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_crm_followup_due(self):
        due = self._crm_followup_due(self.ids) if self.ids else {}
        for partner in self:
            partner.crm_followup_due = partner.id in due

    def _search_crm_followup_due(self, operator, value):
        if operator != "in":
            return NotImplemented  # the ORM negates the positive search
        return [("id", "in", list(self._crm_followup_due()))]

    def _compute_crm_bought_product_id(self):
        self.crm_bought_product_id = False

    def _search_crm_bought_product_id(self, operator, value):
        # who bought what is read from invoice lines: as much as the card's figures
        self._check_field_access(self._fields["crm_bought_product_id"], "read")
        if operator not in ("in", "any", "=", "ilike"):
            return NotImplemented
        domain = [
            ("product_id", operator, value),
            ("display_type", "=", "product"),
            ("parent_state", "=", "posted"),
            ("move_id.move_type", "in", ("out_invoice", "out_refund")),
            ("company_id", "in", self.env.companies.ids),
        ]
        if not self.env.su and self.env.user.crm_finance_scope == "own":
            domain.append(("move_id.commercial_partner_id.user_id", "=", self.env.uid))
        # sudo: salespeople may not read every invoice line of their customers; the
        # lines are limited above to the customers and companies of the card, and only
        # which customers bought the product leaves this method, not amounts
        lines = self.env["account.move.line"].sudo()._search(domain)
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
        visible = self._crm_visible_commercial_ids(commercial.ids)
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
        if query is None:
            return SQL(
                "(SELECT %s FROM res_partner crm_cp WHERE crm_cp.id = %s)",
                self._crm_customer_class_sql("crm_cp", SQL("%s", self.env.company.id)),
                commercial,
            )
        cp_alias = query.make_alias(alias, "crm_class_partner")
        query.add_join(
            "LEFT JOIN",
            cp_alias,
            self._table,
            SQL("%s = %s", SQL.identifier(cp_alias, "id"), commercial),
        )
        return self._crm_customer_class_sql(cp_alias, SQL("%s", self.env.company.id))

    @api.model
    def _crm_customer_class_sql(self, alias, company):
        """SQL: the class in ``company`` (SQL of a company id) of the commercial
        partner of table alias ``alias``, NULL where the current user may not see it
        (:meth:`_crm_figure_scope_sql`). For the searches and the reports' SQL."""
        fields_ = self.env["res.partner"]._fields
        return SQL(
            "(CASE WHEN %s THEN %s ->> (%s)::text END)",
            self._crm_figure_scope_sql(
                SQL.identifier(alias, "user_id", to_flush=fields_["user_id"])
            ),
            SQL.identifier(
                alias,
                "crm_customer_class_company",
                to_flush=fields_["crm_customer_class_company"],
            ),
            company,
        )

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
        due = self._crm_followup_due()
        if not due:
            return self.env["mail.activity"]
        customers = self.browse(list(due))
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
            days = due[customer.id]
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
                        # the class whose window applied: in the customer's company
                        customer_class=customer.with_company(
                            customer.company_id or self.env.company
                        ).crm_customer_class
                        or "-",
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
                partners._crm_move_to_stage(stage)

    @api.model_create_multi
    def create(self, vals_list):
        # no ownership check: a new partner, whoever its salesperson, holds no document
        # yet, and a contact created under a company leaves the company's owner; the
        # child_ids commands that move existing partners go through their write()
        partners = super().create(vals_list)
        partners._crm_set_first_stage()
        return partners

    def write(self, vals):
        changes = self._crm_ownership_changes(vals)
        self._crm_check_ownership_changes(changes)
        res = super().write(vals)
        self._crm_log_ownership_changes(changes)
        if vals.get("customer_rank"):
            self._crm_set_first_stage()
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_except_contacts_changing_owner(self):
        """Deleting a partner detaches its contacts, which become customers of their own
        salesperson: the rule of moving them applies, and the chatter says it."""
        # sudo: who owns a contact decides, whatever the partner rules; archived
        # contacts are detached as well
        contacts = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("parent_id", "in", self.ids),
                    ("id", "not in", self.ids),
                    ("is_company", "=", False),
                ]
            )
        )
        changes = {
            contact.id: (
                contact.commercial_partner_id,
                contact.commercial_partner_id.user_id,
                contact,
                contact.user_id,
            )
            for contact in contacts
        }
        self._crm_check_ownership_changes(changes)
        self._crm_log_ownership_changes(changes)

    # ---------------------------------------------------------------- ownership
    # A CRM salesperson sees the figures of the customers they own: the salesperson
    # (user_id) of the commercial partner. Who may change that is checked here, on
    # every path that changes it: user_id, parent_id, is_company, commercial_partner_id.

    def _crm_may_reassign_customers(self):
        """Whether the current user may change the owner of a customer owned by someone
        else: CRM managers and above, Sales Administrators (they run the sales teams),
        Access Rights administrators (they could grant themselves the CRM manager role)
        and the superuser."""
        return self.env.su or self.env.user.has_groups(
            "crm_extension.group_crm_manager,sales_team.group_sale_manager,base.group_erp_manager"
        )

    def _crm_ownership_changes(self, vals):
        """The owner changes a write of ``vals`` on ``self`` would make, read before it is
        made: ``{partner id: (commercial partner, owner, new commercial partner, new
        owner)}`` for the partners of ``self`` whose commercial partner or owner (the
        salesperson of the commercial partner) changes. Contacts not in ``self`` follow
        their commercial partner."""
        owner_fields = {"user_id", "parent_id", "is_company", "commercial_partner_id"}
        if not self or not vals.keys() & owner_fields:
            return {}
        # sudo: who owns a partner decides the checks, whatever the partner rules; the
        # write itself is checked as the user
        partners = self.sudo()
        ids = set(partners._ids)
        new_user = self.env["res.users"].sudo().browse(vals.get("user_id"))
        new_parent = partners.browse(vals.get("parent_id"))
        changes = {}
        for partner in partners:
            commercial = partner.commercial_partner_id
            if "commercial_partner_id" in vals:
                new_commercial = partners.browse(vals["commercial_partner_id"]) or partner
            else:
                parent = new_parent if "parent_id" in vals else partner.parent_id
                is_company = vals["is_company"] if "is_company" in vals else partner.is_company
                new_commercial = (
                    partner if is_company or not parent else parent.commercial_partner_id
                )
            if "user_id" in vals and new_commercial.id in ids:
                new_owner = new_user
            else:
                new_owner = new_commercial.user_id
            if new_commercial != commercial or new_owner != commercial.user_id:
                changes[partner.id] = (commercial, commercial.user_id, new_commercial, new_owner)
        return changes

    def _crm_check_ownership_changes(self, changes):
        """Refuse the owner ``changes`` (:meth:`_crm_ownership_changes`) the current user
        may not make. Without :meth:`_crm_may_reassign_customers`, a user may release
        or give away a customer they own, and claim a customer that has no owner when
        its company allows it (``crm_allow_claim_unowned``); nothing else."""
        if not changes or self._crm_may_reassign_customers():
            return
        user = self.env.user
        for partner_id, (_commercial, owner, _new_commercial, new_owner) in changes.items():
            if owner == new_owner or owner == user:
                continue
            partner = self.sudo().browse(partner_id)
            if owner:
                raise AccessError(
                    self.env._(
                        "%(partner)s is a customer of %(owner)s. Only a CRM manager can "
                        "change its salesperson or move it to a company with another "
                        "salesperson.",
                        partner=partner.display_name,
                        owner=owner.name,
                    )
                )
            if new_owner != user:
                raise AccessError(
                    self.env._(
                        "%(partner)s has no salesperson. Only a CRM manager can give it to "
                        "%(owner)s.",
                        partner=partner.display_name,
                        owner=new_owner.name,
                    )
                )
            if not (partner.company_id or self.env.company).crm_allow_claim_unowned:
                raise AccessError(
                    self.env._(
                        "%(partner)s has no salesperson, and your company does not let "
                        "salespeople claim such customers. Ask a CRM manager to assign it "
                        "to you.",
                        partner=partner.display_name,
                    )
                )

    def _crm_log_ownership_changes(self, changes):
        """Write the owner ``changes`` (:meth:`_crm_ownership_changes`) to the chatter of
        their partners, whatever the context of the call. A new salesperson of a
        commercial partner is already reported by mail's tracking of ``user_id`` when
        that tracking runs: it keeps, in the precommit data, the values it will compare
        (``mail.thread._track_prepare``); tracking switched off by the context leaves
        none, and a note is logged instead."""
        if not changes:
            return
        tracked = self.env.cr.precommit.data.get(f"mail.tracking.{self._name}") or {}
        nobody = self.env._("nobody")
        bodies = {}
        for partner_id, (commercial, owner, new_commercial, new_owner) in changes.items():
            names = {
                "old": commercial.display_name,
                "new": new_commercial.display_name,
                "owner": owner.name or nobody,
                "new_owner": new_owner.name or nobody,
            }
            if commercial != new_commercial and owner != new_owner:
                body = self.env._(
                    "Commercial entity changed from %(old)s to %(new)s: the salesperson "
                    "changed from %(owner)s to %(new_owner)s.",
                    **names,
                )
            elif commercial != new_commercial:
                body = self.env._(
                    "Commercial entity changed from %(old)s to %(new)s (salesperson: %(owner)s).",
                    **names,
                )
            elif "user_id" not in (tracked.get(partner_id) or {}):
                body = self.env._("Salesperson changed from %(owner)s to %(new_owner)s.", **names)
            else:
                continue
            bodies[partner_id] = body
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies)

    # ------------------------------------------------------------------ card
    crm_currency_id = fields.Many2one(
        "res.currency", compute="_compute_crm_currency_id", groups=FIGURE_GROUPS
    )
    crm_open_balance = fields.Monetary(
        string="Open Balance",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        search="_search_crm_open_balance",
        groups=FIGURE_GROUPS,
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
        groups=FIGURE_GROUPS,
        help="Open receivable past its due date: overdue invoices, minus open credit "
        "notes and unmatched payments dated before today.",
    )
    crm_overdue_days = fields.Integer(
        string="Days Overdue",
        compute="_compute_crm_finance",
        search="_search_crm_overdue_days",
        groups=FIGURE_GROUPS,
        help="Age of the oldest overdue amount.",
    )
    crm_open_invoice_count = fields.Integer(
        string="Open Invoices",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
        help="Customer invoices not paid or partly paid (credit notes are not counted).",
    )
    crm_last_invoice_date = fields.Date(
        string="Last Invoice", compute="_compute_crm_finance", groups=FIGURE_GROUPS
    )
    crm_last_payment_date = fields.Date(
        string="Last Payment",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
        help="Date of the latest payment received from the customer (see Payments).",
    )
    crm_payment_count = fields.Integer(
        string="Payments",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
        help="Payments received from the customer, confirmed (in process or paid).",
    )
    crm_aging_not_due = fields.Monetary(
        string="Not Due",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
    )
    crm_aging_1_30 = fields.Monetary(
        string="1-30 Days",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
    )
    crm_aging_31_60 = fields.Monetary(
        string="31-60 Days",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
    )
    crm_aging_61_90 = fields.Monetary(
        string="61-90 Days",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
    )
    crm_aging_90_plus = fields.Monetary(
        string="Over 90 Days",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
    )
    crm_open_quote_amount = fields.Monetary(
        string="Open Quotations",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
        help="Untaxed amount of the open quotations: draft or sent, not confirmed "
        "nor cancelled (the quotations of the Quotations button).",
    )
    crm_open_quote_count = fields.Integer(
        string="Quotations",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
        help="Quotations draft or sent, not confirmed nor cancelled, that you may open.",
    )
    crm_to_invoice_amount = fields.Monetary(
        string="To Invoice",
        currency_field="crm_currency_id",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
        help="Confirmed orders not invoiced yet (untaxed).",
    )
    crm_credit_limit_usage = fields.Float(
        string="Credit Limit Used (%)",
        compute="_compute_crm_finance",
        groups=FIGURE_GROUPS,
        help="Open balance and amounts to invoice against the credit limit, "
        "when the company uses credit limits.",
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
                    self.env.user._crm_can_read_figures(FIGURE_GROUPS)
                    and self.env.user.crm_finance_scope != "own"
                )
        # the figures are checked per record and per field when read: in a list of
        # thousands of customers, ask once per user (same answer as has_groups)
        if field.groups == FIGURE_GROUPS and operation == "read" and not self.env.su:
            return self.env.user._crm_can_read_figures(FIGURE_GROUPS)
        return super()._has_field_access(field, operation)

    @api.depends_context("company")
    def _compute_crm_currency_id(self):
        self.crm_currency_id = self.env.company.currency_id

    def _crm_visible_commercial_ids(self, commercial_ids):
        """The commercial partners whose figures the current user may see."""
        if self.env.su or self.env.user.crm_finance_scope != "own":
            return set(commercial_ids)
        # sudo: ownership is read to decide visibility, whatever the partner rules
        owned = self.sudo().search(
            [("id", "in", list(commercial_ids)), ("user_id", "=", self.env.uid)]
        )
        return set(owned.ids)

    @api.model
    def _crm_figure_scope_sql(self, owner):
        """SQL condition: the current user may see the figures of a commercial partner
        whose salesperson is ``owner`` (SQL) — :meth:`_crm_visible_commercial_ids` and
        the figures' groups, for what is derived from invoices and orders in SQL."""
        if self.env.su:
            return SQL("TRUE")
        if not self.env.user._crm_can_read_figures(FIGURE_GROUPS):
            return SQL("FALSE")
        if self.env.user.crm_finance_scope == "own":
            return SQL("(%s IS NOT DISTINCT FROM %s)", owner, self.env.uid)
        return SQL("TRUE")

    @api.model
    def _crm_figure_companies(self):
        """The companies of the figures: the active companies (``self.env.companies``)
        of the current company's group. Native ``credit`` reads the whole tree of the
        current company's root, one currency (branches have their root's), whether
        the user may access a branch or not; the card reads that tree too, but only
        the companies the user is working in."""
        root = self.env.company.root_id
        return self.env.companies.filtered(lambda company: company.root_id == root)

    def _crm_receivable_query(self):
        """account.move.line query (from/where) of the receivables of the card's
        companies (:meth:`_crm_figure_companies`), like the native ``credit``
        (addons/account/models/partner.py)."""
        return self.env["account.move.line"]._search(
            [
                ("parent_state", "=", "posted"),
                ("company_id", "in", self._crm_figure_companies().ids),
                ("account_type", "=", "asset_receivable"),
            ],
            bypass_access=True,
        )

    @api.model
    def _crm_open_receivable_columns(self):
        """The open-receivable figures of the card as SQL aggregates over the lines of
        :meth:`_crm_receivable_lines_sql` (``account_move_line``, its move ``m``, its
        partner ``p``), by name. The one formula of these figures: the card and the
        receivables analysis (``crm.receivable.report``) both select them."""
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
            # card's Open Invoices button (_crm_open_invoice_domain)
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
    def _crm_receivable_lines_sql(self, columns, group_by, condition=None):
        """``SELECT columns`` over the receivable lines of the current company tree
        (:meth:`_crm_receivable_query`) joined to their move ``m`` and partner ``p``,
        filtered by ``condition`` and grouped by ``group_by`` (SQL objects)."""
        query = self._crm_receivable_query()
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
    def _crm_finance_figures(self, commercial_ids):
        """Every card figure of ``commercial_ids`` in two queries.

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
        self.flush_model(["commercial_partner_id"])
        columns = [SQL("p.commercial_partner_id AS cid")]
        columns += [
            SQL("%s AS %s", expr, SQL.identifier(name))
            for name, expr in self._crm_open_receivable_columns().items()
        ]
        columns += [
            SQL("MAX(m.invoice_date) FILTER (WHERE m.move_type = 'out_invoice') AS last_invoice"),
        ]
        rows = self.env.execute_query_dict(
            self._crm_receivable_lines_sql(
                columns,
                SQL("p.commercial_partner_id"),
                SQL("p.commercial_partner_id IN %s", tuple(commercial_ids)),
            )
        )
        figures = {row.pop("cid"): row for row in rows}
        companies = tuple(self._crm_figure_companies().ids)
        # the quotations of the Quotations button, as the user may read them (record rules:
        # a salesperson with "own documents" counts the quotations they may open)
        Order = self.env["sale.order"]
        if Order.has_access("read"):
            quotes = Order._search(self._crm_quotation_domain(commercial_ids)).subselect()
        else:
            quotes = SQL("(SELECT NULL::int WHERE FALSE)")
        orders = self.env.execute_query_dict(
            SQL(
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
                -- the customer payments of the Payments button (_crm_payment_domain)
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
        )
        for row in orders:
            figures.setdefault(row.pop("cid"), {}).update(row)
        return figures

    @api.depends_context("company", "uid", "allowed_company_ids")
    def _compute_crm_finance(self):
        commercial = self.commercial_partner_id
        visible = self._crm_visible_commercial_ids(commercial.ids)
        figures = self._crm_finance_figures([cid for cid in commercial.ids if cid in visible])
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
        :meth:`_crm_open_receivable_columns`) satisfies the condition; partners without
        receivables count as 0. Scoped like the card."""
        # a search on a figure tells as much as reading it
        self._check_field_access(self._fields[fname], "read")
        if operator not in OPERATORS:
            return NotImplemented
        commercial = SQL("p.commercial_partner_id")
        rows = self.env.execute_query(
            self._crm_receivable_lines_sql(
                [commercial, self._crm_open_receivable_columns()[column]],
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
        lines = self._crm_receivable_query()
        balance = SQL(
            """(SELECT COALESCE(SUM(account_move_line.amount_residual), 0)
                  FROM %(from)s
                  JOIN res_partner crm_p ON crm_p.id = account_move_line.partner_id
                 WHERE crm_p.commercial_partner_id = %(commercial)s
                   AND account_move_line.reconciled IS NOT TRUE AND %(where)s)""",
            commercial=SQL.identifier(alias, "commercial_partner_id"),
            **{"from": lines.from_clause, "where": lines.where_clause or SQL("TRUE")},
        )
        if not self.env.su and self.env.user.crm_finance_scope == "own":
            owner = SQL(
                "(SELECT crm_c.user_id FROM res_partner crm_c WHERE crm_c.id = %s)",
                SQL.identifier(alias, "commercial_partner_id"),
            )
            balance = SQL("(CASE WHEN %s = %s THEN %s ELSE 0 END)", owner, self.env.uid, balance)
        return SQL("%s %s %s", balance, direction, nulls)

    # ------------------------------------------------------------------ buttons
    # Each button opens exactly the records its figure counts or sums, as the current
    # user may read them: the same conditions as _crm_finance_figures, and nothing for
    # a customer whose figures the card does not show the user.
    def _crm_card_action(self, xmlid, name, domain, help_text, context=None):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        commercial = self.commercial_partner_id
        if commercial.id not in self._crm_visible_commercial_ids(commercial.ids):
            domain = [(0, "=", 1)]  # the card shows 0: the list shows nothing
        action["name"] = self.env._(
            "%(figure)s of %(customer)s", figure=name, customer=commercial.display_name
        )
        action["display_name"] = action["name"]
        action["domain"] = domain
        action["context"] = {"create": False, **(context or {})}
        action["help"] = f"<p>{help_text}</p>"
        return action

    def _crm_receivable_item_domain(self):
        """Open receivable journal items of the customer: the lines making up the
        card's balance (:meth:`_crm_open_receivable_columns`)."""
        return [
            ("partner_id.commercial_partner_id", "=", self.commercial_partner_id.id),
            ("parent_state", "=", "posted"),
            ("account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
            ("company_id", "in", self._crm_figure_companies().ids),
        ]

    def _crm_open_invoice_domain(self):
        """Customer invoices (not credit notes) not paid yet: the card's Open Invoices."""
        return [
            ("commercial_partner_id", "=", self.commercial_partner_id.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "in", ("not_paid", "partial")),
            ("company_id", "in", self._crm_figure_companies().ids),
        ]

    @api.model
    def _crm_quotation_domain(self, commercial_ids):
        """Open quotations (draft and sent) of the customers: the card's Quotations."""
        return [
            ("partner_id.commercial_partner_id", "in", list(commercial_ids)),
            ("state", "in", QUOTATION_STATES),
            ("company_id", "in", self._crm_figure_companies().ids),
        ]

    def _crm_payment_domain(self):
        """Payments received from the customer: the card's Payments and Last Payment."""
        return [
            ("partner_id.commercial_partner_id", "=", self.commercial_partner_id.id),
            ("partner_type", "=", "customer"),
            ("payment_type", "=", "inbound"),
            ("state", "in", PAYMENT_STATES),
            ("company_id", "in", self._crm_figure_companies().ids),
        ]

    def action_crm_balance(self):
        return self._crm_card_action(
            "account.action_account_moves_all",
            self.env._("Balance"),
            self._crm_receivable_item_domain(),
            self.env._(
                "The open receivable items making up the balance: invoices not paid "
                "yet, minus credit notes and payments not matched to an invoice yet."
            ),
        )

    def action_crm_overdue(self):
        today = fields.Date.context_today(self)
        return self._crm_card_action(
            "account.action_account_moves_all",
            self.env._("Overdue"),
            [*self._crm_receivable_item_domain(), ("date_maturity", "<", today)],
            self.env._(
                "The open receivable items past their due date: overdue invoices, "
                "minus credit notes and unmatched payments dated before today."
            ),
        )

    def action_crm_open_invoices(self):
        return self._crm_card_action(
            "account.action_move_out_invoice_type",
            self.env._("Open Invoices"),
            self._crm_open_invoice_domain(),
            self.env._("Customer invoices not paid yet (credit notes are not counted)."),
        )

    def action_crm_quotations(self):
        return self._crm_card_action(
            "sale.action_quotations_with_onboarding",
            self.env._("Open Quotations"),
            self._crm_quotation_domain(self.commercial_partner_id.ids),
            self.env._("Quotations not confirmed yet, sent to the customer or not."),
        )

    def action_crm_payments(self):
        return self._crm_card_action(
            "account.action_account_payments",
            self.env._("Payments"),
            self._crm_payment_domain(),
            self.env._("Payments received from the customer."),
        )

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.query import Query

from ..const import CUSTOMER_CLASSES, OPERATORS


class ResPartner(models.Model):
    """Last contact, days without contact and the follow-ups they call for: the
    "Follow-up Due" filter and the daily job scheduling a "Follow up" activity."""

    # one concern of res.partner per file (house style), not one class for all
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

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
        help="Customer with an owner, not in a lost stage, not contacted for longer than "
        "the follow-up window of its class: the customers the daily follow-up reminder "
        "selects.",
    )

    @api.model
    def _crm_last_contact_sql(self, partner_ids=None):
        """One query: (commercial partner id, last contact date, days since contact)
        for the given commercial partners (ids or a :class:`Query` of partners; all
        commercial partners when None).

        Orders and invoices count only where the card would show them to the current
        user (``crm.customer.figures._get_scope_sql``) and in the active companies; the
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
            scope = self.env["crm.customer.figures"]._get_scope_sql(SQL("member.owner_id"))
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
        more days than the window of their class (:meth:`res.company._get_followup_days`)
        in their company, or in the current company when they have none. Limited to
        ``partner_ids`` when given. The one selection of the follow-up cron and of the
        "Follow-up Due" filter. For a user, only the customers whose figures the card
        shows them, from the contacts and classes it shows (:meth:`_crm_last_contact_sql`):
        the cron's selection of these customers when their companies are active.
        Customers in a lost stage are never due."""
        domain = [
            ("customer_rank", ">", 0),
            ("parent_id", "=", False),
            ("user_id", "!=", False),
            # a lost customer is not reminded of; back out of the lost stage, it is again
            ("pipeline_stage_id", "not any", [("is_lost", "=", True)]),
        ]
        if partner_ids is not None:
            domain.append(("id", "in", list(partner_ids)))
        customers = self._search(domain)
        Figures = self.env["crm.customer.figures"]
        # sudo: the windows of every company a customer may belong to, whatever the
        # companies of the user; only the numbers of days are read
        windows = SQL(", ").join(
            SQL(
                "(%s, %s, %s)",
                company.id,
                customer_class or "",
                company._get_followup_days(customer_class),
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
            customer_class=Figures._get_customer_class_sql("p", SQL("fw.company_id")),
            scope=Figures._get_scope_sql(SQL("p.user_id")),
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

    # ---------------------------------------------------------------- lost customers
    def _get_stage_entry_actions(self, stage):
        actions = super()._get_stage_entry_actions(stage)
        if stage.is_lost:
            actions.append(self._crm_cancel_followup_activities)
        return actions

    def _crm_cancel_followup_activities(self, stage):
        """A customer entering a lost stage keeps no open follow-up reminder (the job
        schedules a new one once the customer is out of the lost stage and due)."""
        activity_type = self.env.ref(
            "crm_extension.mail_activity_type_follow_up", raise_if_not_found=False
        )
        if not activity_type:
            return
        # sudo: the move (allowed) closes the follow-up job's own reminders, whoever
        # they are assigned to; cancelled the way Odoo cancels an activity (unlink)
        self.env["mail.activity"].sudo().search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", self.ids),
                ("activity_type_id", "=", activity_type.id),
            ]
        ).action_cancel()

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

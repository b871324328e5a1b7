"""The one fixture tree of the crm_extension tests.

:class:`CrmCommon` sets up once, per test class, Odoo's own accounting context (companies,
currency, accounts, products: ``AccountTestInvoicingCommon``) and one user per role; each
subclass adds the data of one kind of test:

- :class:`PipelineCommon`: our own stages (those shipped in data/ archived, so that every
  test knows exactly which stages exist), a sales team and a customer;
  :class:`BridgeCommon` sends the company's orders to ``billing`` for review;
  :class:`CardCommon` adds two customers with open invoices and payments.
- :class:`ReceivableCommon`: two customers with open invoices in every aging bucket.
- :class:`CrmReportCommon` (the analyses, classes and follow-ups) and
  :class:`CrmPipelineReportCommon`: six orders moved through stages at fixed times.
"""

import io
import json
import logging
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from unittest.mock import patch

import openpyxl

from odoo import Command, fields
from odoo.modules.module import load_script
from odoo.tests import freeze_time, new_test_user
from odoo.tools import SQL

from odoo.addons.account.tests.common import AccountTestInvoicingCommon

# the measures of the Receivables Analysis (crm.receivable.report), in their column order
MEASURES = (
    "open_balance",
    "overdue_amount",
    "aging_not_due",
    "aging_1_30",
    "aging_31_60",
    "aging_61_90",
    "aging_90_plus",
    "open_invoice_count",
)

# what a client can put in the context of any call (JSON-RPC, the web client)
CLIENT_SWITCHES = (
    {"crm_stage_automatic": True},
    {"crm_stage_init": True},
    {"crm_stage_automatic": True, "crm_stage_init": True, "tracking_disable": True},
)

# the moment the activities of ActivityReportCommon are marked done: a Wednesday
ACTIVITIES_DONE_AT = datetime(2026, 3, 4, 10, 0, 0)


class CrmCommon(AccountTestInvoicingCommon):
    """One user per role, created once per class:

    ====================  =================  =========================================
    attribute             login              groups
    ====================  =================  =========================================
    ``sp``, ``sp2``       crm_sp, crm_sp2    CRM Salesperson
    ``mgr``               crm_mgr            CRM Manager
    ``acc``               crm_acc            CRM Accountant
    ``crm_admin``         crm_admin_user     CRM Administrator
    ``billing``           crm_billing        Invoicing: Billing and Sales: own documents
    ``billing_only``      crm_billing_clerk  Invoicing: Billing, no sales right
    ``salesman``,         crm_salesman,      Sales: own documents, Contact Creation;
    ``salesman_2``        crm_salesman_2     no CRM role
    ``leader``            crm_leader         Sales: all documents, Contact Creation
    ``sales_manager``     crm_sales_mgr      Sales: Administrator, no CRM role
    ``plain``             crm_plain          internal user, no sales or CRM right
    ``surveyor``,         crm_surveyor,      CRM Salesperson and Sales: all documents
    ``installer``         crm_installer      (field roles: they work on others' deals)
    ====================  =================  =========================================

    Everyone with a read path to the figures may also export (export is one of them).
    The test user of ``AccountTestInvoicingCommon`` (``env.user``) is an accountant.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)

        def user(login, groups):
            return new_test_user(cls.env, login=login, groups=groups)

        export = ",base.group_allow_export"
        cls.sp = user("crm_sp", "crm_extension.group_crm_salesperson" + export)
        cls.sp2 = user("crm_sp2", "crm_extension.group_crm_salesperson" + export)
        cls.mgr = user("crm_mgr", "crm_extension.group_crm_manager" + export)
        cls.acc = user("crm_acc", "crm_extension.group_crm_accountant" + export)
        cls.crm_admin = user("crm_admin_user", "crm_extension.group_crm_admin")
        cls.billing = user(
            "crm_billing", "account.group_account_invoice,sales_team.group_sale_salesman"
        )
        cls.billing_only = user("crm_billing_clerk", "account.group_account_invoice")
        native_sales = "sales_team.group_sale_salesman,base.group_partner_manager"
        cls.salesman = user("crm_salesman", native_sales)
        cls.salesman_2 = user("crm_salesman_2", native_sales)
        cls.leader = user("crm_leader", native_sales + ",sales_team.group_sale_salesman_all_leads")
        cls.sales_manager = user("crm_sales_mgr", "sales_team.group_sale_manager")
        cls.plain = user("crm_plain", "base.group_user" + export)
        field_roles = "crm_extension.group_crm_salesperson,sales_team.group_sale_salesman_all_leads"
        cls.surveyor = user("crm_surveyor", field_roles)
        cls.installer = user("crm_installer", field_roles)

    @classmethod
    def _let_test_user_configure(cls):
        """Make the test user (an accountant) a CRM administrator too: it sets up the
        stages and lost reasons of the test."""
        cls.env.user.group_ids += cls.env.ref("crm_extension.group_crm_admin")

    @classmethod
    def _customer(cls, name, **vals):
        return cls.env["res.partner"].create(
            {"name": name, "is_company": True, "customer_rank": 1, **vals}
        )

    @classmethod
    def _invoice(
        cls, partner, amount, days_ago=10, move_type="out_invoice", product=None, post=True, **vals
    ):
        """A customer invoice (or refund) of one untaxed line of ``amount``, dated and due
        ``days_ago`` days ago (negative: due in the future)."""
        date = cls.today - timedelta(days=days_ago)
        return cls._create_invoice_one_line(
            move_type=move_type,
            price_unit=amount,
            product_id=product,
            tax_ids=[],
            partner_id=partner,
            invoice_date=date,
            invoice_date_due=date,
            post=post,
            **vals,
        )

    @classmethod
    def _pay(cls, invoices, amount=None):
        """Register a payment of today on ``invoices`` (of their residual by default)."""
        vals = {"payment_date": cls.today}
        if amount is not None:
            vals["amount"] = amount
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=invoices.ids
        ).create(vals)._create_payments()


class PipelineCommon(CrmCommon):
    """Our own stages, the team "Installers" (``leader`` with ``salesman`` and
    ``salesman_2``) and ``customer``, a company owned by ``salesman``."""

    @classmethod
    def default_env_context(cls):
        # stage changes are tracked in chatter and timed from the tracking: keep it on
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._let_test_user_configure()
        Stage = cls.env["crm.pipeline.stage"]
        Stage.search([]).active = False
        call = cls.env.ref("mail.mail_activity_data_call")
        visit = cls.env.ref("crm_extension.mail_activity_type_visit")

        def stage(name, sequence, scope="order", **vals):
            return Stage.create({"name": name, "sequence": sequence, "scope": scope, **vals})

        def entry_activity(activity_type, **vals):
            """The values of a stage with one activity line on entry (for the owner)."""
            line = {"activity_type_id": activity_type.id, **vals}
            return {"activity_line_ids": [Command.create(line)]}

        cls.stage_first_call = stage(
            "First call",
            1,
            **entry_activity(
                call,
                summary="Call the client back",
                delay=15,
                delay_unit="minutes",
                notify_leader=True,
            ),
        )
        cls.stage_measure = stage("Measurements", 2, **entry_activity(visit, delay=1))
        cls.stage_approval = stage("Approval", 3, trigger="sent", probability=60)
        cls.stage_payment = stage("Payment", 4, trigger="confirmed", probability=90)
        cls.stage_installation = stage("Installation", 5)
        cls.stage_invoiced = stage("Invoiced", 6, trigger="invoiced")
        cls.stage_done = stage("Done", 7, trigger="paid", is_won=True, probability=100)
        cls.stage_lost = stage("Lost", 8, trigger="cancelled", is_lost=True)

        cls.pstage_exploration = stage(
            "Exploration",
            1,
            scope="partner",
            **entry_activity(call, delay=2, delay_unit="hours"),
        )
        cls.pstage_proposal = stage("Proposal", 2, scope="partner")
        cls.pstage_won = stage("Won", 3, scope="partner", is_won=True)
        cls.pstage_lost = stage("Lost", 4, scope="partner", is_lost=True)

        cls.team = cls.env["crm.team"].create(
            {
                "name": "Installers",
                "user_id": cls.leader.id,
                "member_ids": [(4, cls.salesman.id), (4, cls.salesman_2.id)],
            }
        )
        cls.customer = cls._customer("Acme Kitchens", user_id=cls.salesman.id)

    @classmethod
    def _quotation(cls, user=None, **vals):
        user = user or cls.salesman
        return (
            cls.env["sale.order"]
            .with_user(user)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "user_id": user.id,
                    "team_id": cls.team.id,
                    "order_line": [
                        (0, 0, {"product_id": cls.product_a.id, "price_unit": 100.0}),
                    ],
                    **vals,
                }
            )
        )

    @contextmanager
    def _at(self, moment):
        """Freeze Python's clock and the transaction's now() (used by time in stage)."""
        with freeze_time(moment), patch.object(self.env.cr, "now", lambda: moment):
            yield

    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.flush()

    def _logs(self, record):
        return self.env["crm.pipeline.stage.log"].search(
            [("res_model", "=", record._name), ("res_id", "=", record.id)], order="id"
        )

    def _stage_activities(self, record):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("crm_stage_id", "!=", False),
            ]
        )


class BridgeCommon(PipelineCommon):
    """The company of the tests sends orders to ``billing`` for review."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.company.crm_accounting_user_ids = cls.billing
        cls.company.crm_invoice_mode = "review"
        cls.invoice_cron = cls.env.ref("crm_extension.ir_cron_accounting_invoice")

    def _run_invoice_cron(self):
        """The scheduler's run of the background invoicing job, to its end."""
        self.env.flush_all()
        with self.enter_registry_test_mode():
            self.invoice_cron.method_direct_trigger()
        self.env.invalidate_all()


class ActivityReportCommon(PipelineCommon):
    """Done activities (the moment they were marked done: ``ACTIVITIES_DONE_AT``):

    ==  ===========  ========  ====================  ==============================  =======
    #   assignee     type      record                deadline                        outcome
    ==  ===========  ========  ====================  ==============================  =======
    1   salesman     call      customer (partner)    03-04                           on time
    2   salesman     call      order (First call)    03-04 09:45 (stage SLA)         0.25 h late
    3   salesman     visit     order                 03-02                           48 h late
    4   salesman_2   call      order_2 (First call)  03-04 10:30 (stage SLA)         on time
    5   salesman_2   to-do     shared (partner)      03-05                           on time
    ==  ===========  ========  ====================  ==============================  =======

    Not counted: an open call of ``salesman``, a done to-do on a product.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call_type = cls.env.ref("mail.mail_activity_data_call")
        cls.todo_type = cls.env.ref("mail.mail_activity_data_todo")
        cls.visit_type = cls.env.ref("crm_extension.mail_activity_type_visit")
        cls.shared = cls.env["res.partner"].create({"name": "Shared Prospect"})
        Order = cls.env["sale.order"].sudo()
        # no stage entry activity of their own: the test's are the only ones
        cls.order = Order.create({"partner_id": cls.customer.id, "user_id": cls.salesman.id})
        cls.order_2 = Order.create(
            {"partner_id": cls.shared.id, "user_id": cls.salesman_2.id, "team_id": cls.team.id}
        )
        cls.order.team_id = cls.team
        Activity = cls.env["mail.activity"].sudo()
        Activity.search(
            [("res_model", "=", "sale.order"), ("res_id", "in", cls.orders().ids)]
        ).unlink()

        def activity(record, activity_type, user, deadline, **vals):
            return Activity.create(
                {
                    "res_model_id": cls.env["ir.model"]._get_id(record._name),
                    "res_id": record.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": deadline,
                    "summary": f"{activity_type.name} {record.display_name}",
                    **vals,
                }
            )

        today = ACTIVITIES_DONE_AT.date()
        cls.a1 = activity(cls.customer, cls.call_type, cls.salesman, today)
        cls.a2 = activity(
            cls.order,
            cls.call_type,
            cls.salesman,
            today,
            crm_deadline=ACTIVITIES_DONE_AT - timedelta(minutes=15),
            crm_stage_id=cls.stage_first_call.id,
        )
        cls.a3 = activity(cls.order, cls.visit_type, cls.salesman, date(2026, 3, 2))
        cls.a4 = activity(
            cls.order_2,
            cls.call_type,
            cls.salesman_2,
            today,
            crm_deadline=ACTIVITIES_DONE_AT + timedelta(minutes=30),
            crm_stage_id=cls.stage_first_call.id,
        )
        cls.a5 = activity(cls.shared, cls.todo_type, cls.salesman_2, today + timedelta(days=1))
        cls.open_call = activity(cls.customer, cls.call_type, cls.salesman, today)
        product = cls.product_a.product_tmpl_id
        cls.product_todo = activity(product, cls.todo_type, cls.salesman, today)
        cls.done = cls.a1 | cls.a2 | cls.a3 | cls.a4 | cls.a5
        with cls._done_at(ACTIVITIES_DONE_AT):
            for act in cls.done | cls.product_todo:
                act.with_user(act.user_id).action_done()
            # date_done is computed at the flush: still at that moment
            cls.env.flush_all()

    @classmethod
    def orders(cls):
        return cls.order | cls.order_2

    @classmethod
    @contextmanager
    def _done_at(cls, moment):
        """Freeze Python's clock and the transaction's now() (the archive's write_date)."""
        with freeze_time(moment), patch.object(cls.env.cr, "now", lambda: moment):
            yield

    def _report(self, user, domain=None):
        return (
            self.env["crm.activity.report"]
            .with_user(user)
            .search([("id", "in", self.done.ids + self.open_call.ids), *(domain or [])])
        )


class CardCommon(PipelineCommon):
    """``own`` (of ``sp``): 1000 due 45 days ago on its contact ``own_contact``, 400 of
    it paid today, and 500 due in 10 days; ``other`` (of ``sp2``): 700 due 95 days ago
    and a draft payment of 10; a vendor bill of 300 from ``own``. The invoices were
    issued by ``sp2``.

    Open balance of ``own``: 600 + 500 = 1100 (600 overdue, 45 days); of ``other``: 700
    (overdue, 95 days).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.own = Partner.create({"name": "Own Ltd", "is_company": True, "user_id": cls.sp.id})
        cls.own_contact = Partner.create({"name": "Own Contact", "parent_id": cls.own.id})
        cls.other = Partner.create({"name": "Other Ltd", "is_company": True, "user_id": cls.sp2.id})
        cls.own_overdue = cls._invoice(cls.own_contact, 1000.0, 45, invoice_user_id=cls.sp2)
        cls.own_not_due = cls._invoice(cls.own, 500.0, -10, invoice_user_id=cls.sp2)
        cls.other_overdue = cls._invoice(cls.other, 700.0, 95, invoice_user_id=cls.sp2)
        cls._pay(cls.own_overdue, 400.0)
        cls.vendor_bill = cls._create_invoice_one_line(
            move_type="in_invoice", price_unit=300.0, tax_ids=[], partner_id=cls.own, post=True
        )
        cls.own_payment = cls.env["account.payment"].search(
            [("partner_id", "=", cls.own_contact.id)]
        ) or cls.env["account.payment"].search([("partner_id", "=", cls.own.id)])
        cls.other_payment = cls.env["account.payment"].create(
            {"partner_id": cls.other.id, "partner_type": "customer", "amount": 10.0}
        )


class ReceivableCommon(CrmCommon):
    """Two customers with open invoices due in every aging bucket.

    ``own`` (salesperson ``sp``, invoices on the company and on a contact, one partly
    paid, one refund) and ``other`` (salesperson ``sp2``); ``paid`` has only a paid
    invoice and so no row.

    ``own``: due -5 / 0 days: 11 + 13 (not due); 1..30: 17 + 19 - 5 (the refund);
    31..60: 23 + 29 + 600 (the contact's 1000, 400 paid); 61..90: 31 + 37; over 90:
    41 + 43. Open balance 859, of which 835 overdue; 11 open invoices.
    ``other``: 700 due 95 days ago and 300 due in 20 days: 1000, of which 700 overdue.
    """

    OWN_BALANCE = 859.0
    OTHER_BALANCE = 1000.0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        cls.own = cls._customer("Rec Own", user_id=cls.sp.id)
        cls.own_contact = Partner.create({"name": "Rec Own Contact", "parent_id": cls.own.id})
        cls.other = cls._customer("Rec Other", user_id=cls.sp2.id)
        cls.paid = Partner.create({"name": "Rec Paid", "is_company": True, "user_id": cls.sp.id})
        # days past due -> amount: every bucket boundary of the card
        due = {-5: 11.0, 0: 13.0, 1: 17.0, 30: 19.0, 31: 23.0, 60: 29.0, 61: 31.0, 90: 37.0}
        due |= {91: 41.0, 200: 43.0}
        cls.invoices = cls.env["account.move"]
        for days, amount in due.items():
            cls.invoices |= cls._invoice(cls.own, amount, days)
        cls.contact_invoice = cls._invoice(cls.own_contact, 1000.0, 45)
        cls._pay(cls.contact_invoice, 400.0)
        cls.refund = cls._invoice(cls.own, 5.0, 10, move_type="out_refund")
        cls.other_invoice = cls._invoice(cls.other, 700.0, 95)
        cls.other_not_due = cls._invoice(cls.other, 300.0, -20)
        cls._pay(cls._invoice(cls.paid, 50.0, 3))
        cls.customers = cls.own | cls.other | cls.paid

    def _report(self, user, groupby=("partner_id",), measures=MEASURES, company=None):
        Report = self.env["crm.receivable.report"].with_user(user)
        if company:
            Report = Report.with_company(company).with_context(allowed_company_ids=company.ids)
        rows = Report._read_group(
            [("partner_id", "in", self.customers.ids)],
            list(groupby),
            [f"{name}:{'max' if name == 'overdue_days' else 'sum'}" for name in measures],
        )
        return {row[0]: dict(zip(measures, row[len(groupby) :], strict=True)) for row in rows}

    def _independent_sql(self, company=None):
        """Aging per customer from the invoices' own residuals and due dates (not from
        the receivable lines the card and the report read)."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT am.commercial_partner_id,
                       SUM(am.amount_residual_signed),
                       SUM(am.amount_residual_signed) FILTER (WHERE %(age)s > 0),
                       SUM(am.amount_residual_signed) FILTER (WHERE %(age)s <= 0),
                       SUM(am.amount_residual_signed) FILTER (WHERE %(age)s BETWEEN 1 AND 30),
                       SUM(am.amount_residual_signed) FILTER (WHERE %(age)s BETWEEN 31 AND 60),
                       SUM(am.amount_residual_signed) FILTER (WHERE %(age)s BETWEEN 61 AND 90),
                       SUM(am.amount_residual_signed) FILTER (WHERE %(age)s > 90),
                       COUNT(*) FILTER (WHERE am.move_type = 'out_invoice')
                  FROM account_move am
                 WHERE am.state = 'posted'
                   AND am.move_type IN ('out_invoice', 'out_refund')
                   AND am.payment_state IN ('not_paid', 'partial')
                   AND am.company_id = %(company)s
                   AND am.commercial_partner_id = ANY(%(partners)s)
                 GROUP BY am.commercial_partner_id
                """,
                age=SQL("(%s::date - am.invoice_date_due)", self.today),
                company=(company or self.env.company).id,
                partners=self.customers.ids,
            )
        )
        return {
            pid: dict(zip(MEASURES, [*(float(v or 0) for v in amounts), count], strict=True))
            for pid, *amounts, count in rows
        }


class CrmReportCommon(CrmCommon):
    """The analyses, classes and follow-ups: their users are ``salesman``, ``salesman_2``
    and ``sales_manager`` (native sales rights, a CRM role only where a test gives one)."""


class CrmPipelineReportCommon(CrmReportCommon):
    """Six orders moved through our own stages at fixed times.

    ====  ===========  ======  ===========================================  ======
    name  salesperson  amount  path                                          closed
    ====  ===========  ======  ===========================================  ======
    O1    salesman     1000    new (03-02) → mid (03-04) → won (03-10)       8 days
    O2    salesman      500    new (03-02) → mid (03-04) → lost (03-10)      8 days
    O3    salesman_2    300    new (03-02) → mid (03-04)                      open
    O4    salesman      200    new (03-02)                                    open
    O5    salesman_2    100    new (03-02) → lost (03-04)                    2 days
    O6    (nobody)       50    new (03-02)                                    open
    ====  ===========  ======  ===========================================  ======
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Stage = cls.env["crm.pipeline.stage"].sudo()
        company = cls.env.company

        def stage(name, sequence, **vals):
            return Stage.create(
                {
                    "name": name,
                    "scope": "order",
                    "sequence": sequence,
                    "company_id": company.id,
                    **vals,
                }
            )

        cls.stage_new = stage("R New", 1, probability=20)
        cls.stage_mid = stage("R Mid", 2, probability=50)
        cls.stage_won = stage("R Won", 3, probability=100, is_won=True)
        cls.stage_lost = stage("R Lost", 4, is_lost=True)
        cls.reason = cls.env["crm.pipeline.lost.reason"].sudo().create({"name": "R too expensive"})
        cls.customer_1 = cls._customer("Report Customer 1")
        cls.customer_2 = cls._customer("Report Customer 2")
        # the nightly job's class in the current company (only the job writes it)
        cls.customer_1.sudo().crm_customer_class_company = "A"
        spec = [
            ("O1", cls.salesman, 1000, cls.customer_1),
            ("O2", cls.salesman, 500, cls.customer_1),
            ("O3", cls.salesman_2, 300, cls.customer_2),
            ("O4", cls.salesman, 200, cls.customer_2),
            ("O5", cls.salesman_2, 100, cls.customer_2),
            ("O6", cls.env["res.users"], 50, cls.customer_2),
        ]
        cls.orders = {}
        with freeze_time("2026-03-02 10:00:00"):
            for name, user, amount, customer in spec:
                cls.orders[name] = cls._order(
                    user, amount, customer, create_date=fields.Datetime.now()
                )
        Order = cls.env["sale.order"].sudo()
        o = cls.orders
        # create_date is always the transaction time: put it where the story starts
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE sale_order SET create_date = %s WHERE id = ANY(%s)",
            ("2026-03-02 10:00:00", [order.id for order in o.values()]),
        )
        Order.invalidate_model(["create_date"])
        with freeze_time("2026-03-04 10:00:00"):
            (o["O1"] | o["O2"] | o["O3"]).write({"pipeline_stage_id": cls.stage_mid.id})
            o["O5"].write(
                {"pipeline_stage_id": cls.stage_lost.id, "pipeline_lost_reason_id": cls.reason.id}
            )
        with freeze_time("2026-03-10 10:00:00"):
            o["O1"].write({"pipeline_stage_id": cls.stage_won.id})
            o["O2"].write(
                {"pipeline_stage_id": cls.stage_lost.id, "pipeline_lost_reason_id": cls.reason.id}
            )
        cls.all_orders = Order.browse([order.id for order in o.values()])
        cls.env.flush_all()

    @classmethod
    def _order(cls, user, amount, customer, **vals):
        """A quotation of one untaxed line of ``amount`` in the first stage."""
        return (
            cls.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": customer.id,
                    "user_id": user.id,
                    "pipeline_stage_id": cls.stage_new.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product_a.id,
                                "price_unit": amount,
                                "tax_ids": [Command.clear()],
                            }
                        )
                    ],
                    **vals,
                }
            )
        )


def run_list_action(server_action, user, active_ids, active_domain):
    """Run the list's ``server_action`` as ``user`` with the context the web client
    sends (action_menus.js executeAction): the current search and the selected ids."""
    return (
        server_action.with_user(user)
        .with_context(
            active_model=server_action.model_name,
            active_id=active_ids[0] if active_ids else False,
            active_ids=active_ids,
            active_domain=active_domain,
        )
        .run()
    )


def load_migration(version, script):
    """The module of our upgrade script ``script`` of ``version`` (e.g. "19.0.1.7.0",
    "post-migrate.py"), loaded as Odoo's migration manager loads it (``load_script``)."""
    return load_script(
        f"crm_extension/migrations/{version}/{script}", f"crm_extension_migration_{version}"
    )


def call_kw_error(case, model, method, args):
    """The error the server answers to the web client's JSON-RPC call of ``method`` of
    ``model`` (``case`` an HttpCase, authenticated), checking that odoo.http logged
    nothing at WARNING or above (it logs an unexpected exception with its traceback)."""
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"model": model, "method": method, "args": args, "kwargs": {}},
    }
    with case.assertNoLogs("odoo.http", level=logging.WARNING):
        response = case.url_open(
            f"/web/dataset/call_kw/{model}/{method}",
            data=json.dumps(payload),
            headers={"Content-Type": "application/json"},
        )
    return response.json()["error"]["data"]


def render_xlsx_action(env, action, user):
    """The workbook file of the report ``action`` (an export action's result), rendered
    as ``user`` the way report_xlsx's download does (controllers/main.py): ``data`` and
    the context come through JSON, the report reads with the user's rights."""
    assert action["type"] == "ir.actions.report" and action["report_type"] == "xlsx", action
    data = json.loads(json.dumps(action["data"] or {}))
    context = json.loads(json.dumps(action.get("context") or {}))
    data["context"] = context
    Report = env["ir.actions.report"].with_user(user).with_context(**context)
    content, report_type = Report._render_xlsx(action["report_name"], None, data=data)
    assert report_type == "xlsx"
    return content


def read_workbook(content, data_only=True):
    """The workbook of the xlsx file ``content``: the cached values of its formulas
    (``data_only``), or the formulas themselves."""
    return openpyxl.load_workbook(io.BytesIO(content), data_only=data_only)


class RequestCommon(PipelineCommon):
    """Requests (issue 13): the team "Front desk" (``mgr`` leads, ``sp`` and ``sp2``
    take turns, both CRM salespeople) and :meth:`_request`, a request as the web
    channel makes it (in sudo, as the public controller does)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk = cls.env["crm.team"].create(
            {
                "name": "Front desk",
                "user_id": cls.mgr.id,
                "member_ids": [(4, cls.sp.id), (4, cls.sp2.id)],
            }
        )

    def _request(self, user=None, **vals):
        Request = self.env["crm.request"]
        Request = Request.with_user(user) if user else Request.sudo()
        return Request.create({"team_id": self.desk.id, "channel": "web", **vals})

    def _counts(self):
        """How many requests, partners, orders and activities exist (nothing written?)."""
        return tuple(
            self.env[model].sudo().with_context(active_test=False).search_count([])
            for model in ("crm.request", "res.partner", "sale.order", "mail.activity")
        )

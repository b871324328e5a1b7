"""Shared setup for the report, class and follow-up tests."""

import io
import json
from datetime import timedelta

import openpyxl
from freezegun import freeze_time

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CrmReportCommon(AccountTestInvoicingCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.context_today(cls.env.user)
        cls.salesman = new_test_user(
            cls.env,
            login="crm_rep_salesman",
            groups="sales_team.group_sale_salesman",
            company_id=cls.env.company.id,
        )
        cls.salesman_2 = new_test_user(
            cls.env,
            login="crm_rep_salesman_2",
            groups="sales_team.group_sale_salesman",
            company_id=cls.env.company.id,
        )
        cls.sale_manager = new_test_user(
            cls.env,
            login="crm_rep_manager",
            groups="sales_team.group_sale_manager",
            company_id=cls.env.company.id,
        )

    @classmethod
    def _customer(cls, name, **vals):
        return cls.env["res.partner"].create(
            dict({"name": name, "is_company": True, "customer_rank": 1}, **vals)
        )

    @classmethod
    def _invoice(
        cls, partner, amount, days_ago=10, move_type="out_invoice", product=None, post=True
    ):
        """A customer invoice (or refund) of ``amount`` untaxed, ``days_ago`` days old."""
        move = cls.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": cls.today - timedelta(days=days_ago),
                "invoice_payment_term_id": False,
                "invoice_date_due": cls.today - timedelta(days=days_ago),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": (product or cls.product_a).id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        if post:
            move.action_post()
        return move


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
        cls.stage_new = Stage.create(
            {
                "name": "R New",
                "scope": "order",
                "sequence": 1,
                "probability": 20,
                "company_id": company.id,
            }
        )
        cls.stage_mid = Stage.create(
            {
                "name": "R Mid",
                "scope": "order",
                "sequence": 2,
                "probability": 50,
                "company_id": company.id,
            }
        )
        cls.stage_won = Stage.create(
            {
                "name": "R Won",
                "scope": "order",
                "sequence": 3,
                "probability": 100,
                "is_won": True,
                "company_id": company.id,
            }
        )
        cls.stage_lost = Stage.create(
            {
                "name": "R Lost",
                "scope": "order",
                "sequence": 4,
                "is_lost": True,
                "company_id": company.id,
            }
        )
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

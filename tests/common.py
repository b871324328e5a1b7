"""Shared setup of the pipeline tests: our own stages, users and a sales team.

The stages shipped in data/ are archived so that every test knows exactly which stages
exist; everything else comes from Odoo's own accounting test setup.
"""

from contextlib import contextmanager
from unittest.mock import patch

from odoo.tests import freeze_time, new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class PipelineCommon(AccountTestInvoicingCommon):
    @classmethod
    def default_env_context(cls):
        # stage changes are tracked in chatter and timed from the tracking: keep it on
        return {}

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the test user of AccountTestInvoicingCommon is an accountant; it configures too
        cls.env.user.group_ids += cls.env.ref("crm_extension.group_crm_admin")
        Stage = cls.env["crm.pipeline.stage"]
        Stage.search([]).active = False
        call = cls.env.ref("mail.mail_activity_data_call")
        visit = cls.env.ref("crm_extension.mail_activity_type_visit")

        def stage(name, sequence, scope="order", **vals):
            return Stage.create({"name": name, "sequence": sequence, "scope": scope, **vals})

        cls.stage_first_call = stage(
            "First call",
            1,
            activity_type_id=call.id,
            activity_summary="Call the client back",
            activity_delay=15,
            activity_delay_unit="minutes",
            activity_notify_leader=True,
        )
        cls.stage_measure = stage("Measurements", 2, activity_type_id=visit.id, activity_delay=1)
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
            activity_type_id=call.id,
            activity_delay=2,
            activity_delay_unit="hours",
        )
        cls.pstage_proposal = stage("Proposal", 2, scope="partner")
        cls.pstage_won = stage("Won", 3, scope="partner", is_won=True)
        cls.pstage_lost = stage("Lost", 4, scope="partner", is_lost=True)

        salesman_groups = "sales_team.group_sale_salesman,base.group_partner_manager"
        cls.leader = new_test_user(
            cls.env,
            login="crm_leader",
            groups=salesman_groups + ",sales_team.group_sale_salesman_all_leads",
        )
        cls.salesman = new_test_user(cls.env, login="crm_salesman", groups=salesman_groups)
        cls.other_salesman = new_test_user(
            cls.env, login="crm_other_salesman", groups=salesman_groups
        )
        cls.sales_manager = new_test_user(
            cls.env, login="crm_sales_manager", groups="sales_team.group_sale_manager"
        )
        cls.crm_admin = new_test_user(
            cls.env, login="crm_admin_user", groups="crm_extension.group_crm_admin"
        )
        cls.billing = new_test_user(
            cls.env,
            login="crm_billing",
            groups="account.group_account_invoice,sales_team.group_sale_salesman",
        )
        cls.team = cls.env["crm.team"].create(
            {
                "name": "Installers",
                "user_id": cls.leader.id,
                "member_ids": [(4, cls.salesman.id), (4, cls.other_salesman.id)],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Acme Kitchens",
                "is_company": True,
                "user_id": cls.salesman.id,
                "customer_rank": 1,
            }
        )

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

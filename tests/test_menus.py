"""Every role reaches the screens the README gives it from the menu (and only those)."""

from odoo.tests import tagged

from .common import CrmCommon

SALES = [
    "crm_extension.crm_dashboard_menu",
    "crm_extension.sale_order_menu_pipeline",
    "crm_extension.res_partner_menu_pipeline_sale",
    "crm_extension.res_partner_menu_pipeline",
    "crm_extension.crm_pipeline_report_menu",
    "crm_extension.crm_pipeline_stage_report_menu",
    "crm_extension.crm_receivable_report_menu",
]
ACCOUNTING = [
    "crm_extension.sale_order_menu_accounting_queue",
    "account.menu_board_journal_1",
    "crm_extension.crm_receivable_report_menu_account",
]
CONFIGURATION = [
    "crm_extension.crm_pipeline_stage_menu",
    "crm_extension.crm_pipeline_lost_reason_menu",
    "crm_extension.crm_pipeline_stage_log_menu",
]
NATIVE_SALES_REPORTS = [
    "sale.menu_reporting_sales",
    "sale.menu_reporting_salespeople",
    "sale.menu_reporting_product",
    "sale.menu_reporting_customer",
]


@tagged("post_install", "-at_install")
class TestMenusPerRole(CrmCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.users = {
            "salesperson": cls.sp,
            "manager": cls.mgr,
            "accountant": cls.acc,
            "admin": cls.crm_admin,
            "billing": cls.billing_only,
            "plain_salesman": cls.salesman,
        }

    def _visible(self, role):
        """Ids of the menus visible to ``role`` (their actions readable)."""
        return self.env["ir.ui.menu"].with_user(self.users[role])._visible_menu_ids()

    def assertReaches(self, role, xmlids, reaches=True):
        """A menu is reached when it and every parent of it are visible."""
        visible = self._visible(role)
        for xmlid in xmlids:
            menu = self.env.ref(xmlid)
            chain, path = menu, menu
            while chain.parent_id:
                chain = chain.parent_id
                path |= chain
            hidden = path.filtered(lambda m: m.id not in visible)
            if reaches:
                self.assertFalse(
                    hidden,
                    f"{role} cannot reach {menu.complete_name}: {hidden.mapped('name')} hidden",
                )
            else:
                self.assertTrue(hidden, f"{role} reaches {menu.complete_name}")

    def test_salesperson_and_manager_reach_pipelines_my_day_and_analyses(self):
        for role in ("salesperson", "manager"):
            self.assertReaches(role, SALES)
            self.assertReaches(role, ACCOUNTING + CONFIGURATION, reaches=False)
            # Odoo's own sales reports stay with sales administrators, as natively
            self.assertReaches(role, NATIVE_SALES_REPORTS, reaches=False)

    def test_accountant_reaches_the_queue_and_the_invoicing_dashboard(self):
        self.assertReaches("accountant", SALES + ACCOUNTING)
        self.assertReaches("accountant", CONFIGURATION, reaches=False)

    def test_billing_user_without_crm_role_reaches_accounting_screens(self):
        self.assertReaches("billing", ACCOUNTING)
        self.assertReaches("billing", ["crm_extension.crm_receivable_report_menu"], reaches=False)

    def test_admin_reaches_configuration_and_native_reports(self):
        self.assertReaches("admin", SALES + CONFIGURATION + NATIVE_SALES_REPORTS)

    def test_salesman_without_crm_role_sees_no_sales_reporting(self):
        self.assertReaches("plain_salesman", ["sale.menu_sale_report"], reaches=False)
        self.assertReaches("plain_salesman", ["crm_extension.sale_order_menu_pipeline"])

    def test_customer_pipeline_comes_before_configuration_in_contacts(self):
        children = self.env.ref("contacts.menu_contacts").child_id.sorted(
            lambda m: (m.sequence, m.id)
        )
        xmlids = [m.get_external_id()[m.id] for m in children]
        self.assertLess(
            xmlids.index("crm_extension.res_partner_menu_pipeline"),
            xmlids.index("contacts.res_partner_menu_config"),
        )

"""Browser tours: each role opens its screens from the menu (README, Roles)."""

from odoo.tests import HttpCase, tagged

from .common import CrmCommon


@tagged("post_install", "-at_install")
class TestMenusTour(CrmCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the Invoicing dashboard's sales journal counts one order sent to accounting
        customer = cls.env["res.partner"].create({"name": "Menu Tour Customer"})
        product = cls.env["product.product"].create({"name": "Menu Tour Window", "list_price": 100})
        order = (
            cls.env["sale.order"]
            .with_user(cls.sp)
            .create(
                {
                    "partner_id": customer.id,
                    "user_id": cls.sp.id,
                    "order_line": [(0, 0, {"product_id": product.id})],
                }
            )
        )
        order.action_send_to_accounting()

    def _tour(self, user, tour):
        self.start_tour("/odoo", tour, login=user.login)

    def test_salesperson_reaches_pipelines_my_day_and_analyses(self):
        self._tour(self.sp, "crm_extension_menus_salesperson")

    def test_manager_reaches_the_same_screens_and_the_sales_targets(self):
        self._tour(self.mgr, "crm_extension_menus_manager")

    def test_accountant_reaches_the_queue_dashboard_and_receivables(self):
        self._tour(self.acc, "crm_extension_menus_accountant")

    def test_admin_reaches_the_pipeline_configuration(self):
        self._tour(self.crm_admin, "crm_extension_menus_admin")

"""Browser tours: each role opens its screens from the menu (README, Roles)."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMenusTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the Invoicing dashboard's sales journal counts one order sent to accounting
        customer = cls.env["res.partner"].create({"name": "Menu Tour Customer"})
        product = cls.env["product.product"].create({"name": "Menu Tour Window", "list_price": 100})
        order = cls.env["sale.order"].create(
            {"partner_id": customer.id, "order_line": [(0, 0, {"product_id": product.id})]}
        )
        order.action_send_to_accounting()

    def _tour(self, login, groups, tour):
        new_test_user(self.env, login=login, groups=groups)
        self.start_tour("/odoo", tour, login=login)

    def test_salesperson_reaches_pipelines_my_day_and_analyses(self):
        self._tour(
            "menu_tour_sp", "crm_extension.group_crm_salesperson", "crm_extension_menus_salesperson"
        )

    def test_manager_reaches_the_same_screens(self):
        self._tour(
            "menu_tour_mgr", "crm_extension.group_crm_manager", "crm_extension_menus_salesperson"
        )

    def test_accountant_reaches_the_queue_dashboard_and_receivables(self):
        self._tour(
            "menu_tour_acc", "crm_extension.group_crm_accountant", "crm_extension_menus_accountant"
        )

    def test_admin_reaches_the_pipeline_configuration(self):
        self._tour("menu_tour_admin", "crm_extension.group_crm_admin", "crm_extension_menus_admin")
